package io.tflited.runtime.kernels.conv;

import io.tflited.runtime.kernels.HybridQuantizer;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.RuyRequantize;

/**
 * CONV_2D loops over NHWC tensors with filters packed as [outC][kh][kw][inC]. Taps outside the
 * input are skipped, as in TFLite's reference kernels (a real zero); for quantized inputs the
 * input zero point is folded into per-channel bias terms, so the inner loop is a plain dot
 * product over contiguous input channels.
 */
public final class ConvKernels {
  private ConvKernels() {}


  /** Sum of w over input channels for each (outC, ky, kx): the input-zero-point correction. */
  public static int[] tapSums(byte[] w, int outC, int taps, int inC, boolean unsigned) {
    int[] s = new int[outC * taps];
    for (int i = 0; i < outC * taps; i++) {
      int acc = 0;
      for (int k = 0; k < inC; k++) {
        acc += unsigned ? (w[i * inC + k] & 0xff) : w[i * inC + k];
      }
      s[i] = acc;
    }
    return s;
  }

  /** Sum of tap sums over the valid tap rectangle of one output channel. */
  private static int tapRange(int[] tapSums, int base, int kw, int ky0, int ky1, int kx0, int kx1) {
    int s = 0;
    for (int ky = ky0; ky < ky1; ky++) {
      int r = base + ky * kw;
      for (int kx = kx0; kx < kx1; kx++) {
        s += tapSums[r + kx];
      }
    }
    return s;
  }

  /** Sum over the valid taps of w[c] * x for signed 8-bit data. */
  private static int dotS8(
      byte[] w, int wc, byte[] in, int b, int iy0, int ix0, int ky0, int ky1, int kx0, int kx1,
      ConvGeometry g, int inOff) {
    final int inC = g.inC();
    final int inW = g.inW();
    int acc = 0;
    for (int ky = ky0; ky < ky1; ky++) {
      int iy = iy0 + ky * g.dilH();
      int rowBase = inOff + ((b * g.inH() + iy) * inW) * inC;
      int wRow = wc + ky * g.kw() * inC;
      if (g.dilW() == 1) {
        int xi = rowBase + (ix0 + kx0) * inC;
        int wi = wRow + kx0 * inC;
        int len = (kx1 - kx0) * inC;
        for (int i = 0; i < len; i++) {
          acc += w[wi + i] * in[xi + i];
        }
      } else {
        for (int kx = kx0; kx < kx1; kx++) {
          int xi = rowBase + (ix0 + kx * g.dilW()) * inC;
          int wi = wRow + kx * inC;
          for (int i = 0; i < inC; i++) {
            acc += w[wi + i] * in[xi + i];
          }
        }
      }
    }
    return acc;
  }

  /** Sum over the valid taps of w[c] * x for unsigned 8-bit data. */
  private static int dotU8(
      byte[] w, int wc, byte[] in, int b, int iy0, int ix0, int ky0, int ky1, int kx0, int kx1,
      ConvGeometry g, int inOff) {
    final int inC = g.inC();
    final int inW = g.inW();
    int acc = 0;
    for (int ky = ky0; ky < ky1; ky++) {
      int iy = iy0 + ky * g.dilH();
      int rowBase = inOff + ((b * g.inH() + iy) * inW) * inC;
      int wRow = wc + ky * g.kw() * inC;
      if (g.dilW() == 1) {
        int xi = rowBase + (ix0 + kx0) * inC;
        int wi = wRow + kx0 * inC;
        int len = (kx1 - kx0) * inC;
        for (int i = 0; i < len; i++) {
          acc += (w[wi + i] & 0xff) * (in[xi + i] & 0xff);
        }
      } else {
        for (int kx = kx0; kx < kx1; kx++) {
          int xi = rowBase + (ix0 + kx * g.dilW()) * inC;
          int wi = wRow + kx * inC;
          for (int i = 0; i < inC; i++) {
            acc += (w[wi + i] & 0xff) * (in[xi + i] & 0xff);
          }
        }
      }
    }
    return acc;
  }

  /**
   * int8 input x int8 per-channel weights -> int8, int32 bias (TFLite ConvPerChannel), with
   * the requantization rounding of TFLite 2.4.1's x86 GEMM ({@link RuyRequantize}).
   *
   * @param foldedBias bias[c] - inZp * sum(w[c]) (used where the whole window is inside)
   */
  public static void convS8(
      ConvGeometry g, byte[] in, int inOff, byte[] w, int[] tapSums, int[] bias,
      int[] foldedBias, int inZp, int[] mult, int[] shift, int outZp, int actMin, int actMax,
      byte[] out, int outOff) {
    final int taps = g.kh() * g.kw();
    final int wStride = taps * g.inC();
    int o = outOff;
    for (int b = 0; b < g.batches(); b++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        int iy0 = oy * g.strideH() - g.padH();
        int ky0 = ConvGeometry.firstTap(iy0, g.dilH(), g.kh());
        int ky1 = ConvGeometry.endTap(iy0, g.dilH(), g.kh(), g.inH());
        for (int ox = 0; ox < g.outW(); ox++) {
          int ix0 = ox * g.strideW() - g.padW();
          int kx0 = ConvGeometry.firstTap(ix0, g.dilW(), g.kw());
          int kx1 = ConvGeometry.endTap(ix0, g.dilW(), g.kw(), g.inW());
          boolean interior = ky0 == 0 && kx0 == 0 && ky1 == g.kh() && kx1 == g.kw();
          int c = 0;
          if (g.dilW() == 1) {
            // Four output channels at a time share each input load.
            final int inC = g.inC();
            final int len = (kx1 - kx0) * inC;
            for (; c + 4 <= g.outC(); c += 4) {
              int a0 = 0;
              int a1 = 0;
              int a2 = 0;
              int a3 = 0;
              for (int ky = ky0; ky < ky1; ky++) {
                int xi = inOff + ((b * g.inH() + iy0 + ky * g.dilH()) * g.inW() + ix0 + kx0) * inC;
                int w0 = c * wStride + (ky * g.kw() + kx0) * inC;
                int w1 = w0 + wStride;
                int w2 = w1 + wStride;
                int w3 = w2 + wStride;
                for (int i = 0; i < len; i++) {
                  int x = in[xi + i];
                  a0 += w[w0 + i] * x;
                  a1 += w[w1 + i] * x;
                  a2 += w[w2 + i] * x;
                  a3 += w[w3 + i] * x;
                }
              }
              out[o++] = finishS8(a0, c, interior, foldedBias, bias, inZp, tapSums, taps, g,
                  ky0, ky1, kx0, kx1, mult, shift, outZp, actMin, actMax);
              out[o++] = finishS8(a1, c + 1, interior, foldedBias, bias, inZp, tapSums, taps, g,
                  ky0, ky1, kx0, kx1, mult, shift, outZp, actMin, actMax);
              out[o++] = finishS8(a2, c + 2, interior, foldedBias, bias, inZp, tapSums, taps, g,
                  ky0, ky1, kx0, kx1, mult, shift, outZp, actMin, actMax);
              out[o++] = finishS8(a3, c + 3, interior, foldedBias, bias, inZp, tapSums, taps, g,
                  ky0, ky1, kx0, kx1, mult, shift, outZp, actMin, actMax);
            }
          }
          for (; c < g.outC(); c++) {
            int acc = dotS8(w, c * wStride, in, b, iy0, ix0, ky0, ky1, kx0, kx1, g, inOff);
            out[o++] = finishS8(acc, c, interior, foldedBias, bias, inZp, tapSums, taps, g,
                ky0, ky1, kx0, kx1, mult, shift, outZp, actMin, actMax);
          }
        }
      }
    }
  }

  private static byte finishS8(int acc, int c, boolean interior, int[] foldedBias, int[] bias,
      int inZp, int[] tapSums, int taps, ConvGeometry g, int ky0, int ky1, int kx0, int kx1,
      int[] mult, int[] shift, int outZp, int actMin, int actMax) {
    acc += interior
        ? foldedBias[c]
        : bias[c] - inZp * tapRange(tapSums, c * taps, g.kw(), ky0, ky1, kx0, kx1);
    acc = RuyRequantize.apply(acc, mult[c], shift[c]) + outZp;
    return (byte) Math.min(Math.max(acc, actMin), actMax);
  }

  private static byte finishU8(int acc, int c, boolean interior, int[] foldedBias, int[] bias,
      int pixelTerm, int borderTerm, int inZp, int[] tapSums, int taps, ConvGeometry g, int ky0,
      int ky1, int kx0, int kx1, int mult, int shift, int outZp, int actMin, int actMax) {
    acc += interior
        ? foldedBias[c] + pixelTerm
        : bias[c] + borderTerm - inZp * tapRange(tapSums, c * taps, g.kw(), ky0, ky1, kx0, kx1);
    acc = FixedPoint.multiplyByQuantizedMultiplier(acc, mult, shift) + outZp;
    return (byte) Math.min(Math.max(acc, actMin), actMax);
  }

  /**
   * uint8 input x uint8 weights (per-tensor zero points) -> uint8, int32 bias (TFLite's
   * legacy quantized Conv).
   *
   * @param foldedBias bias[c] - inZp * sum(w[c]) + K * inZp * wZp (whole window inside)
   */
  public static void convU8(
      ConvGeometry g, byte[] in, int inOff, byte[] w, int[] tapSums, int[] bias,
      int[] foldedBias, int inZp, int wZp, int mult, int shift, int outZp, int actMin,
      int actMax, byte[] out, int outOff) {
    final int taps = g.kh() * g.kw();
    final int inC = g.inC();
    final int wStride = taps * inC;
    int o = outOff;
    for (int b = 0; b < g.batches(); b++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        int iy0 = oy * g.strideH() - g.padH();
        int ky0 = ConvGeometry.firstTap(iy0, g.dilH(), g.kh());
        int ky1 = ConvGeometry.endTap(iy0, g.dilH(), g.kh(), g.inH());
        for (int ox = 0; ox < g.outW(); ox++) {
          int ix0 = ox * g.strideW() - g.padW();
          int kx0 = ConvGeometry.firstTap(ix0, g.dilW(), g.kw());
          int kx1 = ConvGeometry.endTap(ix0, g.dilW(), g.kw(), g.inW());
          boolean interior = ky0 == 0 && kx0 == 0 && ky1 == g.kh() && kx1 == g.kw();
          // Sum of the inputs under the window, for the weight zero point.
          int xSum = 0;
          for (int ky = ky0; ky < ky1; ky++) {
            int iy = iy0 + ky * g.dilH();
            for (int kx = kx0; kx < kx1; kx++) {
              int xi = inOff + ((b * g.inH() + iy) * g.inW() + ix0 + kx * g.dilW()) * inC;
              for (int i = 0; i < inC; i++) {
                xSum += in[xi + i] & 0xff;
              }
            }
          }
          int n = (ky1 - ky0) * (kx1 - kx0) * inC;
          int pixelTerm = -wZp * xSum;
          int borderTerm = pixelTerm + n * inZp * wZp;
          int c = 0;
          if (g.dilW() == 1) {
            final int len = (kx1 - kx0) * inC;
            for (; c + 4 <= g.outC(); c += 4) {
              int a0 = 0;
              int a1 = 0;
              int a2 = 0;
              int a3 = 0;
              for (int ky = ky0; ky < ky1; ky++) {
                int xi = inOff + ((b * g.inH() + iy0 + ky * g.dilH()) * g.inW() + ix0 + kx0) * inC;
                int w0 = c * wStride + (ky * g.kw() + kx0) * inC;
                int w1 = w0 + wStride;
                int w2 = w1 + wStride;
                int w3 = w2 + wStride;
                for (int i = 0; i < len; i++) {
                  int x = in[xi + i] & 0xff;
                  a0 += (w[w0 + i] & 0xff) * x;
                  a1 += (w[w1 + i] & 0xff) * x;
                  a2 += (w[w2 + i] & 0xff) * x;
                  a3 += (w[w3 + i] & 0xff) * x;
                }
              }
              out[o++] = finishU8(a0, c, interior, foldedBias, bias, pixelTerm, borderTerm, inZp,
                  tapSums, taps, g, ky0, ky1, kx0, kx1, mult, shift, outZp, actMin, actMax);
              out[o++] = finishU8(a1, c + 1, interior, foldedBias, bias, pixelTerm, borderTerm,
                  inZp, tapSums, taps, g, ky0, ky1, kx0, kx1, mult, shift, outZp, actMin, actMax);
              out[o++] = finishU8(a2, c + 2, interior, foldedBias, bias, pixelTerm, borderTerm,
                  inZp, tapSums, taps, g, ky0, ky1, kx0, kx1, mult, shift, outZp, actMin, actMax);
              out[o++] = finishU8(a3, c + 3, interior, foldedBias, bias, pixelTerm, borderTerm,
                  inZp, tapSums, taps, g, ky0, ky1, kx0, kx1, mult, shift, outZp, actMin, actMax);
            }
          }
          for (; c < g.outC(); c++) {
            int acc = dotU8(w, c * wStride, in, b, iy0, ix0, ky0, ky1, kx0, kx1, g, inOff);
            out[o++] = finishU8(acc, c, interior, foldedBias, bias, pixelTerm, borderTerm, inZp,
                tapSums, taps, g, ky0, ky1, kx0, kx1, mult, shift, outZp, actMin, actMax);
          }
        }
      }
    }
  }

  /**
   * Hybrid conv over all batches: each batch image quantized into q[qOff..] (per-channel
   * weights: asymmetric, scale {@code inputScale * channelScale}; per tensor: symmetric, scale
   * {@code inputScale * filterScale}), then {@link #convHybrid}.
   */
  public static void convHybridBatches(
      ConvGeometry g, byte[] x, int xOff, byte[] q, int qOff, byte[] w, int[] tapSums,
      int[] wSums, boolean perChannel, float filterScale, float[] chScale, float[] bias,
      float actMin, float actMax, byte[] out, int outOff) {
    int perBatch = g.inH() * g.inW() * g.inC();
    for (int bi = 0; bi < g.batches(); bi++) {
      int zp;
      float s;
      if (perChannel) {
        long p = HybridQuantizer.asymmetric(x, xOff + 4 * bi * perBatch, perBatch, q,
            qOff + bi * perBatch);
        zp = HybridQuantizer.zeroPointOf(p);
        s = HybridQuantizer.scaleOf(p);
      } else {
        zp = 0;
        s = HybridQuantizer.symmetric(x, xOff + 4 * bi * perBatch, perBatch, q,
            qOff + bi * perBatch) * filterScale;
      }
      convHybrid(g, bi, q, qOff, w, tapSums, wSums, zp, s, chScale, perChannel, bias, actMin,
          actMax, out, outOff);
    }
  }

  /**
   * Hybrid conv of batch {@code b}: int8 input quantized on the fly (zero point {@code zp},
   * scale {@code s}) x int8 weights -> float: out = float(acc) * (chScale[c] * s) + bias[c]
   * (per channel) or float(acc) * s + bias[c] (s already includes the weight scale), clamped.
   */
  public static void convHybrid(
      ConvGeometry g, int b, byte[] in, int inOff, byte[] w, int[] tapSums, int[] wSums, int zp,
      float s, float[] chScale, boolean perChannel, float[] bias, float actMin, float actMax,
      byte[] out, int outOff) {
    final int taps = g.kh() * g.kw();
    final int wStride = taps * g.inC();
    int o = outOff + 4 * b * g.outH() * g.outW() * g.outC();
    {
      for (int oy = 0; oy < g.outH(); oy++) {
        int iy0 = oy * g.strideH() - g.padH();
        int ky0 = ConvGeometry.firstTap(iy0, g.dilH(), g.kh());
        int ky1 = ConvGeometry.endTap(iy0, g.dilH(), g.kh(), g.inH());
        for (int ox = 0; ox < g.outW(); ox++) {
          int ix0 = ox * g.strideW() - g.padW();
          int kx0 = ConvGeometry.firstTap(ix0, g.dilW(), g.kw());
          int kx1 = ConvGeometry.endTap(ix0, g.dilW(), g.kw(), g.inW());
          boolean interior = ky0 == 0 && kx0 == 0 && ky1 == g.kh() && kx1 == g.kw();
          for (int c = 0; c < g.outC(); c++) {
            int acc = dotS8(w, c * wStride, in, b, iy0, ix0, ky0, ky1, kx0, kx1, g, inOff);
            if (zp != 0) {
              acc -= zp
                  * (interior
                      ? wSums[c]
                      : tapRange(tapSums, c * taps, g.kw(), ky0, ky1, kx0, kx1));
            }
            float v = perChannel ? acc * (chScale[c] * s) : acc * s;
            v += bias[c];
            LittleEndian.setFloat(out, o, Math.min(Math.max(v, actMin), actMax));
            o += 4;
          }
        }
      }
    }
  }

  /** int16 input x int8 per-channel weights -> int16 with int64 bias (TFLite 16x8). */
  public static void convS16(
      ConvGeometry g, byte[] in, int inOff, byte[] w, long[] bias, int[] mult, int[] shift,
      int actMin, int actMax, byte[] out, int outOff) {
    final int inC = g.inC();
    final int wStride = g.kh() * g.kw() * inC;
    int o = outOff;
    for (int b = 0; b < g.batches(); b++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        int iy0 = oy * g.strideH() - g.padH();
        int ky0 = ConvGeometry.firstTap(iy0, g.dilH(), g.kh());
        int ky1 = ConvGeometry.endTap(iy0, g.dilH(), g.kh(), g.inH());
        for (int ox = 0; ox < g.outW(); ox++) {
          int ix0 = ox * g.strideW() - g.padW();
          int kx0 = ConvGeometry.firstTap(ix0, g.dilW(), g.kw());
          int kx1 = ConvGeometry.endTap(ix0, g.dilW(), g.kw(), g.inW());
          for (int c = 0; c < g.outC(); c++) {
            long acc = 0;
            int wc = c * wStride;
            for (int ky = ky0; ky < ky1; ky++) {
              int iy = iy0 + ky * g.dilH();
              for (int kx = kx0; kx < kx1; kx++) {
                int xi = inOff + 2 * (((b * g.inH() + iy) * g.inW() + ix0 + kx * g.dilW()) * inC);
                int wi = wc + (ky * g.kw() + kx) * inC;
                int part = 0;
                for (int i = 0; i < inC; i++) {
                  part += w[wi + i] * LittleEndian.getShort(in, xi + 2 * i);
                }
                acc += part;
              }
            }
            acc += bias[c];
            int v = FixedPoint.multiplyByQuantizedMultiplier(acc, mult[c], shift[c]);
            v = Math.min(Math.max(v, actMin), actMax);
            LittleEndian.setShort(out, o, (short) v);
            o += 2;
          }
        }
      }
    }
  }

  /** float32 conv; {@code w} packed [outC][kh][kw][inC]. */
  public static void convF32(
      ConvGeometry g, byte[] in, int inOff, float[] w, float[] bias, float actMin,
      float actMax, byte[] out, int outOff) {
    final int inC = g.inC();
    final int wStride = g.kh() * g.kw() * inC;
    int o = outOff;
    for (int b = 0; b < g.batches(); b++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        int iy0 = oy * g.strideH() - g.padH();
        int ky0 = ConvGeometry.firstTap(iy0, g.dilH(), g.kh());
        int ky1 = ConvGeometry.endTap(iy0, g.dilH(), g.kh(), g.inH());
        for (int ox = 0; ox < g.outW(); ox++) {
          int ix0 = ox * g.strideW() - g.padW();
          int kx0 = ConvGeometry.firstTap(ix0, g.dilW(), g.kw());
          int kx1 = ConvGeometry.endTap(ix0, g.dilW(), g.kw(), g.inW());
          int c = 0;
          if (g.dilW() == 1) {
            // Four output channels at a time share each input load.
            final int len = (kx1 - kx0) * inC;
            for (; c + 4 <= g.outC(); c += 4) {
              float a0 = 0f;
              float a1 = 0f;
              float a2 = 0f;
              float a3 = 0f;
              for (int ky = ky0; ky < ky1; ky++) {
                int xi = inOff + 4 * (((b * g.inH() + iy0 + ky * g.dilH()) * g.inW() + ix0 + kx0) * inC);
                int w0 = c * wStride + (ky * g.kw() + kx0) * inC;
                int w1 = w0 + wStride;
                int w2 = w1 + wStride;
                int w3 = w2 + wStride;
                for (int i = 0; i < len; i++) {
                  float x = LittleEndian.getFloat(in, xi + 4 * i);
                  a0 += w[w0 + i] * x;
                  a1 += w[w1 + i] * x;
                  a2 += w[w2 + i] * x;
                  a3 += w[w3 + i] * x;
                }
              }
              LittleEndian.setFloat(out, o, Math.min(Math.max(a0 + bias[c], actMin), actMax));
              LittleEndian.setFloat(out, o + 4, Math.min(Math.max(a1 + bias[c + 1], actMin), actMax));
              LittleEndian.setFloat(out, o + 8, Math.min(Math.max(a2 + bias[c + 2], actMin), actMax));
              LittleEndian.setFloat(out, o + 12, Math.min(Math.max(a3 + bias[c + 3], actMin), actMax));
              o += 16;
            }
          }
          for (; c < g.outC(); c++) {
            float acc = 0f;
            int wc = c * wStride;
            for (int ky = ky0; ky < ky1; ky++) {
              int iy = iy0 + ky * g.dilH();
              for (int kx = kx0; kx < kx1; kx++) {
                int xi = inOff + 4 * (((b * g.inH() + iy) * g.inW() + ix0 + kx * g.dilW()) * inC);
                int wi = wc + (ky * g.kw() + kx) * inC;
                for (int i = 0; i < inC; i++) {
                  acc += w[wi + i] * LittleEndian.getFloat(in, xi + 4 * i);
                }
              }
            }
            float v = acc + bias[c];
            LittleEndian.setFloat(out, o, Math.min(Math.max(v, actMin), actMax));
            o += 4;
          }
        }
      }
    }
  }
}
