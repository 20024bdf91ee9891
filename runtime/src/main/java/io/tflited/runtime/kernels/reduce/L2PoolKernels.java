package io.tflited.runtime.kernels.reduce;

import io.tflited.runtime.kernels.LittleEndian;

/** TFLite reference L2Pool: sqrt of the mean of squares over the valid part of each window. */
public final class L2PoolKernels {
  private L2PoolKernels() {}

  public static void l2Pool(
      byte[] in,
      int inOff,
      byte[] out,
      int outOff,
      int batches,
      int inH,
      int inW,
      int depth,
      int outH,
      int outW,
      int strideH,
      int strideW,
      int filterH,
      int filterW,
      int padH,
      int padW,
      float min,
      float max) {
    int o = outOff;
    for (int b = 0; b < batches; b++) {
      for (int oy = 0; oy < outH; oy++) {
        int iy0 = oy * strideH - padH;
        int fyStart = Math.max(0, -iy0);
        int fyEnd = Math.min(filterH, inH - iy0);
        for (int ox = 0; ox < outW; ox++) {
          int ix0 = ox * strideW - padW;
          int fxStart = Math.max(0, -ix0);
          int fxEnd = Math.min(filterW, inW - ix0);
          for (int c = 0; c < depth; c++) {
            float sum = 0f;
            int count = 0;
            for (int fy = fyStart; fy < fyEnd; fy++) {
              int row = (b * inH + iy0 + fy) * inW;
              for (int fx = fxStart; fx < fxEnd; fx++) {
                float v = LittleEndian.getFloat(in, inOff + 4 * ((row + ix0 + fx) * depth + c));
                sum += v * v;
                count++;
              }
            }
            float r = (float) Math.sqrt(sum / count);
            r = Math.min(Math.max(r, min), max);
            LittleEndian.setFloat(out, o, r);
            o += 4;
          }
        }
      }
    }
  }
}
