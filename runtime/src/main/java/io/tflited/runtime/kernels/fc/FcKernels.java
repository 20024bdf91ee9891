package io.tflited.runtime.kernels.fc;

import io.tflited.runtime.kernels.HybridQuantizer;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.RuyRequantize;

/**
 * Scalar matrix loops of FULLY_CONNECTED and BATCH_MATMUL (TFLite 2.4.1 semantics).
 *
 * <p>Weights are rows of {@code depth} elements ({@code units} rows); inputs are {@code batches}
 * rows of {@code depth} elements; outputs are {@code batches} rows of {@code units} elements.
 * Integer accumulators wrap like TFLite's int32 accumulators.
 */
public final class FcKernels {
  private FcKernels() {}

  // ---------------------------------------------------------------------------------------
  // float32

  /** out[b][u] = clamp(bias[u] + sum_d w[u][d] * in[b][d]). {@code bias} may be null. */
  public static void floatFc(
      byte[] in, int inOff, float[] w, float[] bias, byte[] out, int outOff,
      int batches, int depth, int units, float min, float max) {
    for (int b = 0; b < batches; b++) {
      int xBase = inOff + 4 * b * depth;
      int oBase = outOff + 4 * b * units;
      int u = 0;
      for (; u + 4 <= units; u += 4) {
        int w0 = u * depth;
        int w1 = w0 + depth;
        int w2 = w1 + depth;
        int w3 = w2 + depth;
        float a0 = 0f;
        float a1 = 0f;
        float a2 = 0f;
        float a3 = 0f;
        for (int d = 0; d < depth; d++) {
          float x = LittleEndian.getFloat(in, xBase + 4 * d);
          a0 += w[w0 + d] * x;
          a1 += w[w1 + d] * x;
          a2 += w[w2 + d] * x;
          a3 += w[w3 + d] * x;
        }
        if (bias != null) {
          a0 += bias[u];
          a1 += bias[u + 1];
          a2 += bias[u + 2];
          a3 += bias[u + 3];
        }
        LittleEndian.setFloat(out, oBase + 4 * u, Math.min(max, Math.max(min, a0)));
        LittleEndian.setFloat(out, oBase + 4 * u + 4, Math.min(max, Math.max(min, a1)));
        LittleEndian.setFloat(out, oBase + 4 * u + 8, Math.min(max, Math.max(min, a2)));
        LittleEndian.setFloat(out, oBase + 4 * u + 12, Math.min(max, Math.max(min, a3)));
      }
      for (; u < units; u++) {
        int wBase = u * depth;
        float acc = 0f;
        for (int d = 0; d < depth; d++) {
          acc += w[wBase + d] * LittleEndian.getFloat(in, xBase + 4 * d);
        }
        if (bias != null) {
          acc += bias[u];
        }
        LittleEndian.setFloat(out, oBase + 4 * u, Math.min(max, Math.max(min, acc)));
      }
    }
  }

  /** Same as {@link #floatFc} with weights and bias read from tensor bytes (bias may be null). */
  public static void floatFcDynamic(
      byte[] in, int inOff, byte[] w, int wOff, byte[] bias, int biasOff, byte[] out, int outOff,
      int batches, int depth, int units, float min, float max) {
    for (int b = 0; b < batches; b++) {
      int xBase = inOff + 4 * b * depth;
      int oBase = outOff + 4 * b * units;
      for (int u = 0; u < units; u++) {
        int wBase = wOff + 4 * u * depth;
        float acc = 0f;
        for (int d = 0; d < depth; d++) {
          acc += LittleEndian.getFloat(w, wBase + 4 * d) * LittleEndian.getFloat(in, xBase + 4 * d);
        }
        if (bias != null) {
          acc += LittleEndian.getFloat(bias, biasOff + 4 * u);
        }
        LittleEndian.setFloat(out, oBase + 4 * u, Math.min(max, Math.max(min, acc)));
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // int8 / uint8 with int32 accumulators

  /**
   * Quantized 8-bit FC. acc = rowConst[u] + wOffset * sum_d x[d] + sum_d w[u][d] * x[d], where
   * rowConst already holds bias[u] + xOffset * sum_d (w[u][d] + wOffset); then requantized with
   * the unit's multiplier/shift (int8: as TFLite 2.4.1's x86 ruy kernel, {@link RuyRequantize};
   * uint8: the reference rounding, as its uint8 path), offset by outZp, clamped to [min, max].
   *
   * @param unsigned whether input, weights and output are uint8 (else int8)
   */
  public static void quantizedFc(
      boolean unsigned, byte[] in, int inOff, byte[] w, int wOff, int[] rowConst, int wOffset,
      byte[] out, int outOff, int batches, int depth, int units,
      int[] multipliers, int[] shifts, int outZp, int min, int max) {
    for (int b = 0; b < batches; b++) {
      int xBase = inOff + b * depth;
      int oBase = outOff + b * units;
      int xTerm = 0;
      if (wOffset != 0) {
        int sumX = 0;
        for (int d = 0; d < depth; d++) {
          sumX += unsigned ? (in[xBase + d] & 0xFF) : in[xBase + d];
        }
        xTerm = wOffset * sumX;
      }
      int u = 0;
      if (!unsigned) {
        for (; u + 4 <= units; u += 4) {
          int w0 = wOff + u * depth;
          int w1 = w0 + depth;
          int w2 = w1 + depth;
          int w3 = w2 + depth;
          int a0 = 0;
          int a1 = 0;
          int a2 = 0;
          int a3 = 0;
          for (int d = 0; d < depth; d++) {
            int x = in[xBase + d];
            a0 += w[w0 + d] * x;
            a1 += w[w1 + d] * x;
            a2 += w[w2 + d] * x;
            a3 += w[w3 + d] * x;
          }
          out[oBase + u] = requantize(a0 + rowConst[u] + xTerm, multipliers[u], shifts[u],
              outZp, min, max);
          out[oBase + u + 1] = requantize(a1 + rowConst[u + 1] + xTerm, multipliers[u + 1],
              shifts[u + 1], outZp, min, max);
          out[oBase + u + 2] = requantize(a2 + rowConst[u + 2] + xTerm, multipliers[u + 2],
              shifts[u + 2], outZp, min, max);
          out[oBase + u + 3] = requantize(a3 + rowConst[u + 3] + xTerm, multipliers[u + 3],
              shifts[u + 3], outZp, min, max);
        }
      }
      for (; u < units; u++) {
        int wBase = wOff + u * depth;
        int acc = unsigned ? dotU8(w, wBase, in, xBase, depth) : dotS8(w, wBase, in, xBase, depth);
        acc += rowConst[u] + xTerm;
        int v = unsigned
            ? FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers[u], shifts[u]) + outZp
            : RuyRequantize.apply(acc, multipliers[u], shifts[u]) + outZp;
        out[oBase + u] = (byte) Math.min(max, Math.max(min, v));
      }
    }
  }

  private static byte requantize(int acc, int multiplier, int shift, int outZp, int min, int max) {
    int v = RuyRequantize.apply(acc, multiplier, shift) + outZp;
    return (byte) Math.min(max, Math.max(min, v));
  }

  /** Sum of a[ao+i] * b[bo+i] over int8 values. */
  public static int dotS8(byte[] a, int ao, byte[] b, int bo, int n) {
    int acc = 0;
    for (int i = 0; i < n; i++) {
      acc += a[ao + i] * b[bo + i];
    }
    return acc;
  }

  /** Sum of a[ao+i] * b[bo+i] over uint8 values. */
  public static int dotU8(byte[] a, int ao, byte[] b, int bo, int n) {
    int acc = 0;
    for (int i = 0; i < n; i++) {
      acc += (a[ao + i] & 0xFF) * (b[bo + i] & 0xFF);
    }
    return acc;
  }

  /**
   * For each of {@code units} rows of {@code depth} 8-bit weights: xOffset * sum (w + wOffset)
   * plus the bias (int32 LE at biasOff, when bias is non-null).
   */
  public static int[] rowConstants(
      boolean unsigned, byte[] w, int wOff, int units, int depth, int wOffset, int xOffset,
      int[] bias) {
    int[] rc = new int[units];
    for (int u = 0; u < units; u++) {
      int s = 0;
      for (int d = 0; d < depth; d++) {
        int v = unsigned ? (w[wOff + u * depth + d] & 0xFF) : w[wOff + u * depth + d];
        s += v + wOffset;
      }
      rc[u] = xOffset * s + (bias == null ? 0 : bias[u]);
    }
    return rc;
  }

  // ---------------------------------------------------------------------------------------
  // int16 activations x int8 weights, int64 accumulators

  /**
   * acc = bias[u] + sum_d (w[u][d] + wOffset) * x[d] in int64, then TFLite's 64-bit
   * MultiplyByQuantizedMultiplier, clamp (output zero point is 0). {@code bias} may be null.
   */
  public static void int16Fc(
      byte[] in, int inOff, byte[] w, int wOff, int wOffset, long[] bias, byte[] out, int outOff,
      int batches, int depth, int units, int[] multipliers, int[] shifts, int min, int max) {
    for (int b = 0; b < batches; b++) {
      int xBase = inOff + 2 * b * depth;
      int oBase = outOff + 2 * b * units;
      for (int u = 0; u < units; u++) {
        int wBase = wOff + u * depth;
        long acc = 0;
        for (int d = 0; d < depth; d++) {
          acc += (w[wBase + d] + wOffset) * LittleEndian.getShort(in, xBase + 2 * d);
        }
        if (bias != null) {
          acc += bias[u];
        }
        int v = FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers[u], shifts[u]);
        LittleEndian.setShort(out, oBase + 2 * u, (short) Math.min(max, Math.max(min, v)));
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Hybrid: float input quantized per batch row, int8 weights

  /** C's roundf (half away from zero) on a float, exact for |v| < 2^23. */
  public static int roundf(float v) {
    float a = Math.abs(v);
    float fl = (float) Math.floor(a);
    int r = (int) fl + ((a - fl) >= 0.5f ? 1 : 0);
    return v < 0 ? -r : r;
  }

  /**
   * TFLite SymmetricQuantizeFloats over {@code n} floats at byte offset {@code inOff}: writes
   * int8 values to q[qOff..] and returns the scaling factor (range / 127, or 1 for all zeros).
   */
  public static float symmetricQuantize(byte[] in, int inOff, int n, byte[] q, int qOff) {
    return HybridQuantizer.symmetric(in, inOff, n, q, qOff);
  }

  /**
   * TFLite AsymmetricQuantizeFloats: writes int8 values to q[qOff..] and returns the scaling
   * factor's float bits in the high 32 bits and the zero point in the low 32 bits.
   */
  public static long asymmetricQuantize(byte[] in, int inOff, int n, byte[] q, int qOff) {
    long p = HybridQuantizer.asymmetric(in, inOff, n, q, qOff);
    return pack(HybridQuantizer.scaleOf(p), HybridQuantizer.zeroPointOf(p));
  }

  private static long pack(float scale, int offset) {
    return ((long) Float.floatToRawIntBits(scale) << 32) | (offset & 0xFFFFFFFFL);
  }

  /** The scaling factor of an {@link #asymmetricQuantize} result. */
  public static float packedScale(long packed) {
    return Float.intBitsToFloat((int) (packed >>> 32));
  }

  /** The zero point of an {@link #asymmetricQuantize} result. */
  public static int packedOffset(long packed) {
    return (int) packed;
  }


  /** Whether all n floats at byte offset off are zero (+0 or -0). */
  public static boolean isZeroVector(byte[] a, int off, int n) {
    for (int i = 0; i < n; i++) {
      if (LittleEndian.getFloat(a, off + 4 * i) != 0f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Hybrid FULLY_CONNECTED (TFLite EvalHybrid): out = bias (the constant {@code bias}, else the
   * floats at {@code biasBytes}/{@code biasOff}, else 0); unless the whole input is zero, each
   * batch row is quantized (symmetric, or asymmetric with its zero point) into q[qOff..] and
   * {@link #hybridRow} adds its product; then the fused activation.
   */
  public static void hybridFc(
      byte[] in, int inOff, byte[] w, float[] bias, byte[] biasBytes, int biasOff,
      float tensorScale, float[] channelScales, boolean asymmetric, int[] rowSums,
      int activation, byte[] q, int qOff, byte[] out, int outOff, int batches, int depth,
      int units) {
    for (int b = 0; b < batches; b++) {
      int o = outOff + 4 * b * units;
      for (int u = 0; u < units; u++) {
        float v;
        if (bias != null) {
          v = bias[u];
        } else if (biasBytes != null) {
          v = LittleEndian.getFloat(biasBytes, biasOff + 4 * u);
        } else {
          v = 0f;
        }
        LittleEndian.setFloat(out, o + 4 * u, v);
      }
    }
    if (!isZeroVector(in, inOff, batches * depth)) {
      for (int b = 0; b < batches; b++) {
        int rowOff = inOff + 4 * b * depth;
        float scale;
        int offset = 0;
        if (asymmetric) {
          long so = asymmetricQuantize(in, rowOff, depth, q, qOff);
          scale = packedScale(so);
          offset = packedOffset(so);
        } else {
          scale = symmetricQuantize(in, rowOff, depth, q, qOff);
        }
        if (channelScales == null) {
          scale *= tensorScale;
        }
        hybridRow(w, depth, units, q, qOff, scale, channelScales, rowSums, offset, out,
            outOff + 4 * b * units);
      }
    }
    applyActivation(out, outOff, batches * units, activation);
  }

  /**
   * For one quantized batch row q[qOff..qOff+depth): out[u] += (dot(w[u], q) - rowSums[u] *
   * inputOffset) * (batchScale * channelScale[u]) (channelScales null: batchScale alone).
   * {@code rowSums} may be null when inputOffset is 0.
   */
  public static void hybridRow(
      byte[] w, int depth, int units, byte[] q, int qOff, float batchScale, float[] channelScales,
      int[] rowSums, int inputOffset, byte[] out, int outOff) {
    for (int u = 0; u < units; u++) {
      int dot = dotS8(w, u * depth, q, qOff, depth);
      if (inputOffset != 0) {
        dot -= rowSums[u] * inputOffset;
      }
      float scale = channelScales == null ? batchScale : batchScale * channelScales[u];
      int o = outOff + 4 * u;
      LittleEndian.setFloat(out, o, LittleEndian.getFloat(out, o) + dot * scale);
    }
  }

  /** Sum of each row's int8 weights. */
  public static int[] rowSums(byte[] w, int units, int depth) {
    int[] s = new int[units];
    for (int u = 0; u < units; u++) {
      int acc = 0;
      for (int d = 0; d < depth; d++) {
        acc += w[u * depth + d];
      }
      s[u] = acc;
    }
    return s;
  }

  /** TFLite ApplyActivationToVector on n floats in place (NONE, RELU*, TANH, SIGN_BIT). */
  public static void applyActivation(byte[] a, int off, int n, int activation) {
    if (activation == 0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      int o = off + 4 * i;
      float v = LittleEndian.getFloat(a, o);
      float r =
          switch (activation) {
            case 1 -> Math.max(0f, v);
            case 2 -> Math.max(-1f, Math.min(1f, v));
            case 3 -> Math.max(0f, Math.min(6f, v));
            case 4 -> (float) Math.tanh(v);
            case 5 -> (Float.floatToRawIntBits(v) < 0) ? 1f : 0f;
            default -> v;
          };
      LittleEndian.setFloat(a, o, r);
    }
  }
}
