package io.tflited.runtime.kernels.conv;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.quant.FixedPoint;

/**
 * DEPTHWISE_CONV_2D loops over NHWC tensors. Filters are packed [outC][kh][kw]; output channel
 * c reads input channel c / depthMultiplier. Taps outside the input are skipped.
 */
public final class DepthwiseKernels {
  private DepthwiseKernels() {}

  /** Packs a [1][kh][kw][outC] filter as [outC][kh][kw]. */
  public static byte[] packBytes(byte[] w, int taps, int outC) {
    byte[] p = new byte[w.length];
    for (int t = 0; t < taps; t++) {
      for (int c = 0; c < outC; c++) {
        p[c * taps + t] = w[t * outC + c];
      }
    }
    return p;
  }

  public static float[] packFloats(float[] w, int taps, int outC) {
    float[] p = new float[w.length];
    for (int t = 0; t < taps; t++) {
      for (int c = 0; c < outC; c++) {
        p[c * taps + t] = w[t * outC + c];
      }
    }
    return p;
  }

  /**
   * 8-bit depthwise conv: acc = bias[c] + sum (w + wOffset) * (x + inOffset); signed selects
   * int8 (per-channel multipliers) or uint8 data.
   */
  public static void conv8(
      ConvGeometry g, int dm, boolean signed, byte[] in, int inOff, byte[] w, int wOffset,
      int[] bias, int inOffset, int[] mult, int[] shift, int outZp, int actMin, int actMax,
      byte[] out, int outOff) {
    final int taps = g.kh() * g.kw();
    final int inC = g.inC();
    final int outC = g.outC();
    final boolean perChannel = mult.length > 1;
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
          for (int c = 0; c < outC; c++) {
            int ic = c / dm;
            int acc = 0;
            int wc = c * taps;
            for (int ky = ky0; ky < ky1; ky++) {
              int rowBase = inOff + ((b * g.inH() + iy0 + ky * g.dilH()) * g.inW()) * inC + ic;
              int wr = wc + ky * g.kw();
              for (int kx = kx0; kx < kx1; kx++) {
                int xi = rowBase + (ix0 + kx * g.dilW()) * inC;
                int x = signed ? in[xi] : in[xi] & 0xff;
                int wv = signed ? w[wr + kx] : w[wr + kx] & 0xff;
                acc += (wv + wOffset) * (x + inOffset);
              }
            }
            acc += bias[c];
            int k = perChannel ? c : 0;
            acc = FixedPoint.multiplyByQuantizedMultiplier(acc, mult[k], shift[k]) + outZp;
            out[o++] = (byte) Math.min(Math.max(acc, actMin), actMax);
          }
        }
      }
    }
  }

  /**
   * 8-bit depthwise conv with depth multiplier 1, four channels at a time. {@code wTapMajor}
   * is the filter in its model layout [kh][kw][C], so weights and inputs are both read
   * contiguously along the channels. Same arithmetic as {@link #conv8}.
   */
  public static void conv8Dm1(
      ConvGeometry g, boolean signed, byte[] in, int inOff, byte[] wTapMajor, byte[] w,
      int wOffset, int[] bias, int inOffset, int[] mult, int[] shift, int outZp, int actMin,
      int actMax, byte[] out, int outOff) {
    final int taps = g.kh() * g.kw();
    final int depth = g.inC();
    final boolean perChannel = mult.length > 1;
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
          for (; c + 4 <= depth; c += 4) {
            int a0 = 0;
            int a1 = 0;
            int a2 = 0;
            int a3 = 0;
            for (int ky = ky0; ky < ky1; ky++) {
              int rowBase = inOff + ((b * g.inH() + iy0 + ky * g.dilH()) * g.inW()) * depth + c;
              int wRow = (ky * g.kw()) * depth + c;
              for (int kx = kx0; kx < kx1; kx++) {
                int xi = rowBase + (ix0 + kx * g.dilW()) * depth;
                int wi = wRow + kx * depth;
                if (signed) {
                  a0 += (wTapMajor[wi] + wOffset) * (in[xi] + inOffset);
                  a1 += (wTapMajor[wi + 1] + wOffset) * (in[xi + 1] + inOffset);
                  a2 += (wTapMajor[wi + 2] + wOffset) * (in[xi + 2] + inOffset);
                  a3 += (wTapMajor[wi + 3] + wOffset) * (in[xi + 3] + inOffset);
                } else {
                  a0 += ((wTapMajor[wi] & 0xff) + wOffset) * ((in[xi] & 0xff) + inOffset);
                  a1 += ((wTapMajor[wi + 1] & 0xff) + wOffset) * ((in[xi + 1] & 0xff) + inOffset);
                  a2 += ((wTapMajor[wi + 2] & 0xff) + wOffset) * ((in[xi + 2] & 0xff) + inOffset);
                  a3 += ((wTapMajor[wi + 3] & 0xff) + wOffset) * ((in[xi + 3] & 0xff) + inOffset);
                }
              }
            }
            out[o++] = finish(a0, c, bias, perChannel, mult, shift, outZp, actMin, actMax);
            out[o++] = finish(a1, c + 1, bias, perChannel, mult, shift, outZp, actMin, actMax);
            out[o++] = finish(a2, c + 2, bias, perChannel, mult, shift, outZp, actMin, actMax);
            out[o++] = finish(a3, c + 3, bias, perChannel, mult, shift, outZp, actMin, actMax);
          }
          for (; c < depth; c++) {
            int acc = 0;
            int wc = c * taps;
            for (int ky = ky0; ky < ky1; ky++) {
              int rowBase = inOff + ((b * g.inH() + iy0 + ky * g.dilH()) * g.inW()) * depth + c;
              int wr = wc + ky * g.kw();
              for (int kx = kx0; kx < kx1; kx++) {
                int xi = rowBase + (ix0 + kx * g.dilW()) * depth;
                int x = signed ? in[xi] : in[xi] & 0xff;
                int wv = signed ? w[wr + kx] : w[wr + kx] & 0xff;
                acc += (wv + wOffset) * (x + inOffset);
              }
            }
            out[o++] = finish(acc, c, bias, perChannel, mult, shift, outZp, actMin, actMax);
          }
        }
      }
    }
  }

  private static byte finish(int acc, int c, int[] bias, boolean perChannel, int[] mult,
      int[] shift, int outZp, int actMin, int actMax) {
    acc += bias[c];
    int k = perChannel ? c : 0;
    acc = FixedPoint.multiplyByQuantizedMultiplier(acc, mult[k], shift[k]) + outZp;
    return (byte) Math.min(Math.max(acc, actMin), actMax);
  }

  /** int16 input x int8 per-channel weights -> int16 with int64 bias (TFLite 16x8). */
  public static void convS16(
      ConvGeometry g, int dm, byte[] in, int inOff, byte[] w, long[] bias, int[] mult,
      int[] shift, int actMin, int actMax, byte[] out, int outOff) {
    final int taps = g.kh() * g.kw();
    final int inC = g.inC();
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
            int ic = c / dm;
            long acc = 0;
            int wc = c * taps;
            for (int ky = ky0; ky < ky1; ky++) {
              int rowBase = ((b * g.inH() + iy0 + ky * g.dilH()) * g.inW()) * inC + ic;
              int wr = wc + ky * g.kw();
              for (int kx = kx0; kx < kx1; kx++) {
                int xi = rowBase + (ix0 + kx * g.dilW()) * inC;
                acc += w[wr + kx] * LittleEndian.getShort(in, inOff + 2 * xi);
              }
            }
            acc += bias[c];
            int v = FixedPoint.multiplyByQuantizedMultiplier(acc, mult[c], shift[c]);
            LittleEndian.setShort(out, o, (short) Math.min(Math.max(v, actMin), actMax));
            o += 2;
          }
        }
      }
    }
  }

  /** float32 depthwise conv. */
  public static void convF32(
      ConvGeometry g, int dm, byte[] in, int inOff, float[] w, float[] bias, float actMin,
      float actMax, byte[] out, int outOff) {
    final int taps = g.kh() * g.kw();
    final int inC = g.inC();
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
            int ic = c / dm;
            float acc = 0f;
            int wc = c * taps;
            for (int ky = ky0; ky < ky1; ky++) {
              int rowBase = ((b * g.inH() + iy0 + ky * g.dilH()) * g.inW()) * inC + ic;
              int wr = wc + ky * g.kw();
              for (int kx = kx0; kx < kx1; kx++) {
                int xi = rowBase + (ix0 + kx * g.dilW()) * inC;
                acc += w[wr + kx] * LittleEndian.getFloat(in, inOff + 4 * xi);
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

  /**
   * Hybrid depthwise conv of batch b: int8 input (zero point zp, scale s) x int8 per-channel
   * weights -> float: float(acc) * s * chScale[c] + bias[c] (in that order), clamped.
   */
  public static void convHybrid(
      ConvGeometry g, int dm, int b, byte[] q, int qOff, byte[] w, int zp, float s,
      float[] chScale, float[] bias, float actMin, float actMax, byte[] out, int outOff) {
    final int taps = g.kh() * g.kw();
    final int inC = g.inC();
    int o = outOff + 4 * b * g.outH() * g.outW() * g.outC();
    for (int oy = 0; oy < g.outH(); oy++) {
      int iy0 = oy * g.strideH() - g.padH();
      int ky0 = ConvGeometry.firstTap(iy0, g.dilH(), g.kh());
      int ky1 = ConvGeometry.endTap(iy0, g.dilH(), g.kh(), g.inH());
      for (int ox = 0; ox < g.outW(); ox++) {
        int ix0 = ox * g.strideW() - g.padW();
        int kx0 = ConvGeometry.firstTap(ix0, g.dilW(), g.kw());
        int kx1 = ConvGeometry.endTap(ix0, g.dilW(), g.kw(), g.inW());
        for (int c = 0; c < g.outC(); c++) {
          int ic = c / dm;
          int acc = 0;
          int wc = c * taps;
          for (int ky = ky0; ky < ky1; ky++) {
            int rowBase = qOff + ((b * g.inH() + iy0 + ky * g.dilH()) * g.inW()) * inC + ic;
            int wr = wc + ky * g.kw();
            for (int kx = kx0; kx < kx1; kx++) {
              acc += w[wr + kx] * (q[rowBase + (ix0 + kx * g.dilW()) * inC] - zp);
            }
          }
          // TFLite 2.4.1's optimized (x86) epilogue: (acc * inputScale) * channelScale, in that
          // order; the reference kernel's acc * (channelScale * inputScale) rounds differently.
          float v = acc * s * chScale[c];
          v += bias[c];
          LittleEndian.setFloat(out, o, Math.min(Math.max(v, actMin), actMax));
          o += 4;
        }
      }
    }
  }
}
