package io.tflited.runtime.kernels.conv;

import io.tflited.runtime.kernels.LittleEndian;

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D over NHWC tensors, as TFLite's reference kernels: only
 * taps inside the input count; quantized averages round half away from zero.
 */
public final class PoolKernels {
  /** Integer element kinds. */
  public static final int S8 = 0;
  public static final int U8 = 1;
  public static final int S16 = 2;

  private PoolKernels() {}

  private static int load(int kind, byte[] a, int off, int i) {
    return switch (kind) {
      case S8 -> a[off + i];
      case U8 -> a[off + i] & 0xff;
      default -> LittleEndian.getShort(a, off + 2 * i);
    };
  }

  private static void store(int kind, byte[] a, int off, int i, int v) {
    if (kind == S16) {
      LittleEndian.setShort(a, off + 2 * i, (short) v);
    } else {
      a[off + i] = (byte) v;
    }
  }

  /** Quantized pooling; {@code average} selects average (else max). */
  public static void poolInt(
      ConvGeometry g, boolean average, int kind, byte[] in, int inOff, int actMin, int actMax,
      byte[] out, int outOff) {
    final int depth = g.inC();
    int o = 0;
    for (int b = 0; b < g.batches(); b++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        int iy0 = oy * g.strideH() - g.padH();
        int fy0 = Math.max(0, -iy0);
        int fy1 = Math.min(g.kh(), g.inH() - iy0);
        for (int ox = 0; ox < g.outW(); ox++) {
          int ix0 = ox * g.strideW() - g.padW();
          int fx0 = Math.max(0, -ix0);
          int fx1 = Math.min(g.kw(), g.inW() - ix0);
          int count = Math.max(0, fy1 - fy0) * Math.max(0, fx1 - fx0);
          for (int c = 0; c < depth; c++) {
            int acc = average ? 0 : Integer.MIN_VALUE;
            for (int fy = fy0; fy < fy1; fy++) {
              int row = ((b * g.inH() + iy0 + fy) * g.inW()) * depth + c;
              for (int fx = fx0; fx < fx1; fx++) {
                int v = load(kind, in, inOff, row + (ix0 + fx) * depth);
                acc = average ? acc + v : Math.max(acc, v);
              }
            }
            if (average) {
              if (count == 0) {
                acc = 0;
              } else {
                acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
              }
            }
            store(kind, out, outOff, o++, Math.min(Math.max(acc, actMin), actMax));
          }
        }
      }
    }
  }

  /** float32 pooling. */
  public static void poolF32(
      ConvGeometry g, boolean average, byte[] in, int inOff, float actMin, float actMax,
      byte[] out, int outOff) {
    final int depth = g.inC();
    int o = outOff;
    for (int b = 0; b < g.batches(); b++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        int iy0 = oy * g.strideH() - g.padH();
        int fy0 = Math.max(0, -iy0);
        int fy1 = Math.min(g.kh(), g.inH() - iy0);
        for (int ox = 0; ox < g.outW(); ox++) {
          int ix0 = ox * g.strideW() - g.padW();
          int fx0 = Math.max(0, -ix0);
          int fx1 = Math.min(g.kw(), g.inW() - ix0);
          int count = Math.max(0, fy1 - fy0) * Math.max(0, fx1 - fx0);
          for (int c = 0; c < depth; c++) {
            float acc = average ? 0f : Float.NEGATIVE_INFINITY;
            for (int fy = fy0; fy < fy1; fy++) {
              int row = ((b * g.inH() + iy0 + fy) * g.inW()) * depth + c;
              for (int fx = fx0; fx < fx1; fx++) {
                float v = LittleEndian.getFloat(in, inOff + 4 * (row + (ix0 + fx) * depth));
                acc = average ? acc + v : Math.max(acc, v);
              }
            }
            if (average) {
              acc = count == 0 ? 0f : acc / count;
            }
            LittleEndian.setFloat(out, o, Math.min(Math.max(acc, actMin), actMax));
            o += 4;
          }
        }
      }
    }
  }
}
