package io.tflited.runtime.kernels.fc;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.RuyRequantize;

/**
 * Loops of one BATCH_MATMUL matrix product: out[i][j] = sum_k L(i,k) * R(k,j) for i < m,
 * j < n, k < depth. Operands are addressed by element offsets and strides (in elements), so
 * transposed (adjoint) and packed layouts share the same loops: L(i,k) is element
 * {@code i * lRowStride + k * lDepthStride} after byte offset {@code lBase}, R(k,j) element
 * {@code j * rColStride + k * rDepthStride} after {@code rBase}; outputs are row-major [m][n]
 * after byte offset {@code outBase}.
 */
public final class BatchMatmulKernels {
  private BatchMatmulKernels() {}

  public static void floatMatmul(
      byte[] l, int lBase, int lRowStride, int lDepthStride,
      byte[] r, int rBase, int rColStride, int rDepthStride,
      byte[] out, int outBase, int m, int n, int depth) {
    for (int i = 0; i < m; i++) {
      int li = lBase + 4 * i * lRowStride;
      for (int j = 0; j < n; j++) {
        int rj = rBase + 4 * j * rColStride;
        float acc = 0f;
        for (int k = 0; k < depth; k++) {
          acc += LittleEndian.getFloat(l, li + 4 * k * lDepthStride)
              * LittleEndian.getFloat(r, rj + 4 * k * rDepthStride);
        }
        LittleEndian.setFloat(out, outBase + 4 * (i * n + j), acc);
      }
    }
  }

  /**
   * int8: acc = sum (L + lOffset) * (R + rOffset), requantized as TFLite 2.4.1's optimized
   * (ruy) kernel does, plus outZp, clamped to int8. Computed as a pure int8 dot product plus
   * lOffset * colSum(j) + rOffset * rowSum(i) + depth * lOffset * rOffset.
   */
  public static void int8Matmul(
      byte[] l, int lBase, int lRowStride, int lDepthStride,
      byte[] r, int rBase, int rColStride, int rDepthStride,
      byte[] out, int outBase, int m, int n, int depth,
      int lOffset, int rOffset, int multiplier, int shift, int outZp) {
    int both = depth * lOffset * rOffset;
    for (int j = 0; j < n; j++) {
      int rj = rBase + j * rColStride;
      int colTerm = 0;
      if (lOffset != 0) {
        int s = 0;
        for (int k = 0; k < depth; k++) {
          s += r[rj + k * rDepthStride];
        }
        colTerm = lOffset * s;
      }
      for (int i = 0; i < m; i++) {
        int li = lBase + i * lRowStride;
        int acc = 0;
        int rowSum = 0;
        if (lDepthStride == 1 && rDepthStride == 1) {
          for (int k = 0; k < depth; k++) {
            byte lv = l[li + k];
            acc += lv * r[rj + k];
            rowSum += lv;
          }
        } else {
          for (int k = 0; k < depth; k++) {
            byte lv = l[li + k * lDepthStride];
            acc += lv * r[rj + k * rDepthStride];
            rowSum += lv;
          }
        }
        acc += colTerm + rOffset * rowSum + both;
        int v = RuyRequantize.apply(acc, multiplier, shift) + outZp;
        out[outBase + i * n + j] = (byte) Math.min(127, Math.max(-128, v));
      }
    }
  }

  /** int16 (zero points 0): int64 accumulator, TFLite's 64-bit MultiplyByQuantizedMultiplier. */
  public static void int16Matmul(
      byte[] l, int lBase, int lRowStride, int lDepthStride,
      byte[] r, int rBase, int rColStride, int rDepthStride,
      byte[] out, int outBase, int m, int n, int depth, int multiplier, int shift) {
    for (int i = 0; i < m; i++) {
      int li = lBase + 2 * i * lRowStride;
      for (int j = 0; j < n; j++) {
        int rj = rBase + 2 * j * rColStride;
        long acc = 0;
        for (int k = 0; k < depth; k++) {
          acc += LittleEndian.getShort(l, li + 2 * k * lDepthStride)
              * LittleEndian.getShort(r, rj + 2 * k * rDepthStride);
        }
        int v = FixedPoint.multiplyByQuantizedMultiplier(acc, multiplier, shift);
        LittleEndian.setShort(out, outBase + 2 * (i * n + j),
            (short) Math.min(32767, Math.max(-32768, v)));
      }
    }
  }

  /**
   * Hybrid float32 x int8: each of the m lhs rows is quantized on its own (TFLite 2.4.1 always
   * quantizes asymmetrically here unless {@code symmetric}), then out[i][j] = (dot(q_i, R_j) -
   * rowSums[j] * zp_i) * (scale_i * rScale). R is packed [n][depth] int8 at element rBase.
   * {@code q} holds m * depth quantized bytes at qOff, followed by m scales and m zero points
   * (int32); {@code gather} (depth floats at gatherOff) is used when lDepthStride != 1.
   */
  public static void hybridMatmul(
      byte[] l, int lBase, int lRowStride, int lDepthStride,
      byte[] r, int rBase, int[] rowSums, int rowSumBase, float rScale, boolean symmetric,
      byte[] out, int outBase, int m, int n, int depth, byte[] q, int qOff, int gatherOff) {
    int scalesOff = qOff + m * depth;
    int zpOff = scalesOff + 4 * m;
    for (int i = 0; i < m; i++) {
      byte[] src = l;
      int srcOff = lBase + 4 * i * lRowStride;
      if (lDepthStride != 1) {
        for (int k = 0; k < depth; k++) {
          LittleEndian.setFloat(q, gatherOff + 4 * k,
              LittleEndian.getFloat(l, srcOff + 4 * k * lDepthStride));
        }
        src = q;
        srcOff = gatherOff;
      }
      float scale;
      int zp;
      if (symmetric) {
        scale = FcKernels.symmetricQuantize(src, srcOff, depth, q, qOff + i * depth);
        zp = 0;
      } else {
        long p = FcKernels.asymmetricQuantize(src, srcOff, depth, q, qOff + i * depth);
        scale = FcKernels.packedScale(p);
        zp = FcKernels.packedOffset(p);
      }
      LittleEndian.setFloat(q, scalesOff + 4 * i, scale * rScale);
      LittleEndian.setInt(q, zpOff + 4 * i, zp);
    }
    for (int j = 0; j < n; j++) {
      int rj = rBase + j * depth;
      int rowSum = rowSums[rowSumBase + j];
      for (int i = 0; i < m; i++) {
        int total = FcKernels.dotS8(r, rj, q, qOff + i * depth, depth);
        total -= rowSum * LittleEndian.getInt(q, zpOff + 4 * i);
        LittleEndian.setFloat(out, outBase + 4 * (i * n + j),
            LittleEndian.getFloat(q, scalesOff + 4 * i) * total);
      }
    }
  }
}
