package io.tflited.runtime.kernels.conv;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.quant.FixedPoint;

/**
 * TRANSPOSE_CONV loops, written as a gather: output (oy, ox) receives input (iy, ix) through
 * filter tap (fy, fx) when oy = iy * strideH - padH + fy (likewise for x). The geometry's
 * "in" sizes are the op's input, "out" sizes its output; filters are [outC][kh][kw][inC].
 */
public final class TransposeConvKernels {
  private TransposeConvKernels() {}

  /**
   * 8-bit: acc = bias[c] + sum (x + inOffset) * (w + wOffset), requantized per channel (or with
   * one multiplier when {@code mult.length == 1}).
   */
  public static void conv8(
      ConvGeometry g, boolean signed, byte[] in, int inOff, byte[] w, int wOffset, int[] bias,
      int inOffset, int[] mult, int[] shift, int outZp, int actMin, int actMax, byte[] out,
      int outOff) {
    final int inC = g.inC();
    final int wStride = g.kh() * g.kw() * inC;
    final boolean perChannel = mult.length > 1;
    int o = outOff;
    for (int b = 0; b < g.batches(); b++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        for (int ox = 0; ox < g.outW(); ox++) {
          for (int c = 0; c < g.outC(); c++) {
            int acc = 0;
            for (int fy = 0; fy < g.kh(); fy++) {
              int ty = oy + g.padH() - fy;
              if (ty < 0 || ty % g.strideH() != 0 || ty / g.strideH() >= g.inH()) {
                continue;
              }
              int iy = ty / g.strideH();
              for (int fx = 0; fx < g.kw(); fx++) {
                int tx = ox + g.padW() - fx;
                if (tx < 0 || tx % g.strideW() != 0 || tx / g.strideW() >= g.inW()) {
                  continue;
                }
                int ix = tx / g.strideW();
                int xi = inOff + ((b * g.inH() + iy) * g.inW() + ix) * inC;
                int wi = c * wStride + (fy * g.kw() + fx) * inC;
                for (int i = 0; i < inC; i++) {
                  int x = signed ? in[xi + i] : in[xi + i] & 0xff;
                  int wv = signed ? w[wi + i] : w[wi + i] & 0xff;
                  acc += (x + inOffset) * (wv + wOffset);
                }
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

  /** float32. */
  public static void convF32(
      ConvGeometry g, byte[] in, int inOff, float[] w, float[] bias, float actMin, float actMax,
      byte[] out, int outOff) {
    final int inC = g.inC();
    final int wStride = g.kh() * g.kw() * inC;
    int o = outOff;
    for (int b = 0; b < g.batches(); b++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        for (int ox = 0; ox < g.outW(); ox++) {
          for (int c = 0; c < g.outC(); c++) {
            float acc = 0f;
            for (int fy = 0; fy < g.kh(); fy++) {
              int ty = oy + g.padH() - fy;
              if (ty < 0 || ty % g.strideH() != 0 || ty / g.strideH() >= g.inH()) {
                continue;
              }
              int iy = ty / g.strideH();
              for (int fx = 0; fx < g.kw(); fx++) {
                int tx = ox + g.padW() - fx;
                if (tx < 0 || tx % g.strideW() != 0 || tx / g.strideW() >= g.inW()) {
                  continue;
                }
                int ix = tx / g.strideW();
                int xi = ((b * g.inH() + iy) * g.inW() + ix) * inC;
                int wi = c * wStride + (fy * g.kw() + fx) * inC;
                for (int i = 0; i < inC; i++) {
                  acc += LittleEndian.getFloat(in, inOff + 4 * (xi + i)) * w[wi + i];
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
