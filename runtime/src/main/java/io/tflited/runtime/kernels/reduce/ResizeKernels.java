package io.tflited.runtime.kernels.reduce;

import io.tflited.runtime.kernels.LittleEndian;

/**
 * Scalar RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR loops over NHWC tensors. The sampling tables
 * (source rows/columns and fractional positions) are computed once at prepare by {@link
 * #bilinearTable} / {@link #nearestTable}.
 */
public final class ResizeKernels {
  private ResizeKernels() {}

  /**
   * Source positions for one axis, as TFLite's ComputeInterpolationValues: {@code pos[i]} is the
   * (float) input coordinate of output {@code i}, {@code lo}/{@code hi} the two rows. With {@code
   * clampBelowZero} the coordinate is clamped at 0 (TensorFlow's and current TFLite's behaviour)
   * instead of extrapolating from rows 0 and 1 (TFLite 2.4.1).
   */
  public record Axis(float[] pos, int[] lo, int[] hi) {}

  public static Axis bilinearTable(
      int inSize, int outSize, boolean alignCorners, boolean halfPixel, boolean clampBelowZero) {
    float scale = (float) inSize / outSize;
    if (alignCorners && outSize > 1) {
      scale = (float) (inSize - 1) / (outSize - 1);
    }
    float[] pos = new float[outSize];
    int[] lo = new int[outSize];
    int[] hi = new int[outSize];
    for (int i = 0; i < outSize; i++) {
      float v = halfPixel ? ((float) i + 0.5f) * scale - 0.5f : (float) i * scale;
      if (clampBelowZero && v < 0) {
        v = 0;
      }
      pos[i] = v;
      lo[i] = Math.max((int) Math.floor(v), 0);
      hi[i] = Math.min((int) Math.ceil(v), inSize - 1);
    }
    return new Axis(pos, lo, hi);
  }

  /**
   * uint8 bilinear interpolation exactly as TFLite 2.4.1's ResizeBilinearGenericSmallChannel: four
   * float weights per output pixel, the weighted sum converted to int by truncation (2.4.1 adds no
   * rounding offset) and its low 8 bits stored (what the C++ cast does on x86 when half-pixel
   * extrapolation leaves the range).
   */
  public static void bilinearUint8(
      byte[] in,
      int inOff,
      byte[] out,
      int outOff,
      int rowFrom,
      int rowTo,
      int inH,
      int inW,
      int depth,
      Axis ys,
      Axis xs) {
    int outH = ys.pos().length;
    int outW = xs.pos().length;
    int rowStride = inW * depth;
    int batchStride = inH * rowStride;
    for (int row = rowFrom; row < rowTo; row++) {
      int b = row / outH;
      int y = row - b * outH;
      int bBase = inOff + b * batchStride;
      int o = outOff + row * outW * depth;
      int y0 = ys.lo()[y];
      int y1 = ys.hi()[y];
      float dy = ys.pos()[y] - y0;
      for (int x = 0; x < outW; x++) {
        int x0 = xs.lo()[x];
        int x1 = xs.hi()[x];
        float dx = xs.pos()[x] - x0;
        float s0 = (1 - dy) * (1 - dx);
        float s1 = (1 - dy) * dx;
        float s2 = dy * (1 - dx);
        float s3 = dy * dx;
        int p00 = bBase + y0 * rowStride + x0 * depth;
        int p01 = bBase + y0 * rowStride + x1 * depth;
        int p10 = bBase + y1 * rowStride + x0 * depth;
        int p11 = bBase + y1 * rowStride + x1 * depth;
        for (int c = 0; c < depth; c++) {
          float v =
              (in[p00 + c] & 0xff) * s0
                  + (in[p01 + c] & 0xff) * s1
                  + (in[p10 + c] & 0xff) * s2
                  + (in[p11 + c] & 0xff) * s3;
          out[o++] = (byte) (int) v;
        }
      }
    }
  }

  /** Float bilinear interpolation (TFLite ResizeBilinear float). */
  public static void bilinearFloat(
      byte[] in,
      int inOff,
      byte[] out,
      int outOff,
      int rowFrom,
      int rowTo,
      int inH,
      int inW,
      int depth,
      Axis ys,
      Axis xs) {
    int outH = ys.pos().length;
    int outW = xs.pos().length;
    int rowStride = inW * depth;
    int batchStride = inH * rowStride;
    for (int row = rowFrom; row < rowTo; row++) {
      int b = row / outH;
      int y = row - b * outH;
      int bBase = b * batchStride;
      int o = outOff + 4 * row * outW * depth;
      float dy = ys.pos()[y] - ys.lo()[y];
      int y0 = ys.lo()[y];
      int y1 = ys.hi()[y];
      for (int x = 0; x < outW; x++) {
        float dx = xs.pos()[x] - xs.lo()[x];
        int x0 = xs.lo()[x];
        int x1 = xs.hi()[x];
        float s0 = (1 - dy) * (1 - dx);
        float s1 = (1 - dy) * dx;
        float s2 = dy * (1 - dx);
        float s3 = dy * dx;
        int p00 = inOff + 4 * (bBase + y0 * rowStride + x0 * depth);
        int p01 = inOff + 4 * (bBase + y0 * rowStride + x1 * depth);
        int p10 = inOff + 4 * (bBase + y1 * rowStride + x0 * depth);
        int p11 = inOff + 4 * (bBase + y1 * rowStride + x1 * depth);
        for (int c = 0; c < depth; c++) {
          int k = 4 * c;
          float v =
              LittleEndian.getFloat(in, p00 + k) * s0
                  + LittleEndian.getFloat(in, p01 + k) * s1
                  + LittleEndian.getFloat(in, p10 + k) * s2
                  + LittleEndian.getFloat(in, p11 + k) * s3;
          LittleEndian.setFloat(out, o, v);
          o += 4;
        }
      }
    }
  }

  /** Scale of one axis in 10 fractional bits, as TFLite's ResizeBilinearInteger computes it. */
  public static int scale10(int inSize, int outSize, boolean alignCorners) {
    if (alignCorners && outSize > 1) {
      return ((1 << 10) * (inSize - 1) + (outSize - 1) / 2) / (outSize - 1);
    }
    return ((1 << 10) * inSize + outSize / 2) / outSize;
  }

  /**
   * Source positions of one axis in 10 fractional bits: {@code pos[i]} and the two source rows.
   * TFLite 2.4.1 lets the half-pixel position go below 0 at the first row and then extrapolates;
   * {@code clampBelowZero} clamps it at 0 instead (the corrected behaviour).
   */
  public static int[][] integerTable(
      int inSize, int outSize, boolean alignCorners, boolean halfPixel, boolean clampBelowZero) {
    int scale = scale10(inSize, outSize, alignCorners);
    int[] pos = new int[outSize];
    int[] lo = new int[outSize];
    int[] hi = new int[outSize];
    for (int i = 0; i < outSize; i++) {
      int v = halfPixel ? i * scale + scale / 2 - (1 << 9) : i * scale;
      if (clampBelowZero && v < 0) {
        v = 0;
      }
      pos[i] = v;
      lo[i] = Math.max(v / (1 << 10), 0);
      hi[i] = Math.min((v + (1 << 10) - 1) / (1 << 10), inSize - 1);
    }
    return new int[][] {pos, lo, hi};
  }

  /**
   * Fixed-point bilinear interpolation of int8 or int16 values (TFLite ResizeBilinearInteger):
   * 10-bit weights and a 20-bit fraction of the weighted sum. Current TFLite rounds it half away
   * from zero; TFLite 2.4.1 ({@code legacyRounding}) adds +0.5 whatever the sign and truncates
   * toward zero. The result is a convex combination of the inputs, so it always fits the type.
   */
  public static void bilinearInteger(
      int elemBytes,
      boolean legacyRounding,
      byte[] in,
      int inOff,
      byte[] out,
      int outOff,
      int rowFrom,
      int rowTo,
      int inH,
      int inW,
      int depth,
      int[][] ys,
      int[][] xs) {
    int outH = ys[0].length;
    int outW = xs[0].length;
    int rowStride = inW * depth;
    int batchStride = inH * rowStride;
    long lo = elemBytes == 1 ? Byte.MIN_VALUE : Short.MIN_VALUE;
    long hi = elemBytes == 1 ? Byte.MAX_VALUE : Short.MAX_VALUE;
    for (int row = rowFrom; row < rowTo; row++) {
      int b = row / outH;
      int y = row - b * outH;
      int bBase = b * batchStride;
      int o = outOff + elemBytes * row * outW * depth;
      int iy = ys[0][y];
      int y0 = ys[1][y];
      int y1 = ys[2][y];
      long wy1 = iy - (1 << 10) * y0;
      long wy0 = (1 << 10) - wy1;
      for (int x = 0; x < outW; x++) {
        int ix = xs[0][x];
        int x0 = xs[1][x];
        int x1 = xs[2][x];
        long wx1 = ix - (1 << 10) * x0;
        long wx0 = (1 << 10) - wx1;
        int e00 = bBase + y0 * rowStride + x0 * depth;
        int e01 = bBase + y0 * rowStride + x1 * depth;
        int e10 = bBase + y1 * rowStride + x0 * depth;
        int e11 = bBase + y1 * rowStride + x1 * depth;
        for (int c = 0; c < depth; c++) {
          long v00;
          long v01;
          long v10;
          long v11;
          if (elemBytes == 1) {
            v00 = in[inOff + e00 + c];
            v01 = in[inOff + e01 + c];
            v10 = in[inOff + e10 + c];
            v11 = in[inOff + e11 + c];
          } else {
            v00 = LittleEndian.getShort(in, inOff + 2 * (e00 + c));
            v01 = LittleEndian.getShort(in, inOff + 2 * (e01 + c));
            v10 = LittleEndian.getShort(in, inOff + 2 * (e10 + c));
            v11 = LittleEndian.getShort(in, inOff + 2 * (e11 + c));
          }
          long acc = v00 * wy0 * wx0 + v10 * wy1 * wx0 + v01 * wy0 * wx1 + v11 * wy1 * wx1;
          long round = legacyRounding || acc > 0 ? (1 << 19) : -(1 << 19);
          long r = (acc + round) / (1 << 20);
          r = Math.min(Math.max(r, lo), hi);
          if (elemBytes == 1) {
            out[o++] = (byte) r;
          } else {
            LittleEndian.setShort(out, o, (short) r);
            o += 2;
          }
        }
      }
    }
  }

  /**
   * Source rows/columns and Q11 weights of LiteRT's (XNNPACK's) int8 bilinear resize with
   * half-pixel centers: the float coordinate {@code (i + 0.5) * scale - 0.5} is clamped to [0,
   * size-1] (so the borders replicate instead of extrapolating), the lower index is its truncation,
   * and the fraction is rounded to 11 bits (lrintf, ties to even). Returns {lower, upper,
   * alphaQ11}.
   */
  public static int[][] q11Table(int inSize, int outSize, boolean alignCorners, boolean halfPixel) {
    int adjust = alignCorners && outSize != 1 ? 1 : 0;
    float scale = (float) (inSize - adjust) / (float) (outSize - adjust);
    float offset = 0.5f * scale - 0.5f;
    int max = inSize - 1;
    int[] lower = new int[outSize];
    int[] upper = new int[outSize];
    int[] alpha = new int[outSize];
    for (int i = 0; i < outSize; i++) {
      float v;
      if (halfPixel) {
        v = (float) i * scale + offset;
        v = Math.min(Math.max(v, 0f), (float) max);
      } else {
        v = (float) i * scale;
      }
      int l = (int) v;
      lower[i] = l;
      upper[i] = Math.min(l + 1, max);
      alpha[i] = (int) Math.rint((v - (float) l) * 2048f);
    }
    return new int[][] {lower, upper, alpha};
  }

  /**
   * int8 bilinear interpolation with Q11 weights exactly as LiteRT/XNNPACK's s8 ibilinear
   * micro-kernel: interpolate the top and bottom rows horizontally in Q11, then vertically to Q22,
   * and round half up ({@code (acc + 2^21) >> 22}). |acc| < 2^31: the horizontal terms are below
   * 2^19 and the vertical ones below 2^30.
   */
  public static void bilinearInt8Q11(
      byte[] in,
      int inOff,
      byte[] out,
      int outOff,
      int rowFrom,
      int rowTo,
      int inH,
      int inW,
      int depth,
      int[][] ys,
      int[][] xs) {
    int outH = ys[0].length;
    int outW = xs[0].length;
    int rowStride = inW * depth;
    int batchStride = inH * rowStride;
    for (int row = rowFrom; row < rowTo; row++) {
      int b = row / outH;
      int y = row - b * outH;
      int bBase = inOff + b * batchStride;
      int o = outOff + row * outW * depth;
      int top = bBase + ys[0][y] * rowStride;
      int bottom = bBase + ys[1][y] * rowStride;
      int ay = ys[2][y];
      for (int x = 0; x < outW; x++) {
        int left = xs[0][x] * depth;
        int right = xs[1][x] * depth;
        int ax = xs[2][x];
        for (int c = 0; c < depth; c++) {
          int tl = in[top + left + c];
          int tr = in[top + right + c];
          int bl = in[bottom + left + c];
          int br = in[bottom + right + c];
          int vt = (tl << 11) + (tr - tl) * ax;
          int vb = (bl << 11) + (br - bl) * ax;
          int acc = (vt << 11) + (vb - vt) * ay;
          out[o++] = (byte) ((acc + (1 << 21)) >> 22);
        }
      }
    }
  }

  /**
   * Nearest-neighbour source indices as TFLite's reference GetNearestNeighbor (float scale, floor,
   * or round with align_corners, clamped).
   */
  public static int[] nearestTable(
      int inSize, int outSize, boolean alignCorners, boolean halfPixel) {
    float scale =
        (alignCorners && outSize > 1)
            ? (inSize - 1) / (float) (outSize - 1)
            : inSize / (float) outSize;
    float offset = halfPixel ? 0.5f : 0.0f;
    int[] idx = new int[outSize];
    for (int i = 0; i < outSize; i++) {
      float v = ((float) i + offset) * scale;
      int r = alignCorners ? (int) roundf(v) : (int) Math.floor(v);
      r = Math.min(r, inSize - 1);
      if (halfPixel) {
        r = Math.max(0, r);
      }
      idx[i] = r;
    }
    return idx;
  }

  /**
   * Source indices of TFLite's optimized uint8 kernel (no flags): 16.16 fixed-point scale with a +1
   * error term, which can differ from the float formula.
   */
  public static int[] nearestTableFixedPoint(int inSize, int outSize) {
    int scale = (inSize << 16) / outSize + 1;
    int[] idx = new int[outSize];
    for (int i = 0; i < outSize; i++) {
      idx[i] = Math.min((i * scale) >> 16, inSize - 1);
    }
    return idx;
  }

  /** Copies whole pixels ({@code pixelBytes} each) from the selected rows and columns. */
  public static void nearest(
      byte[] in,
      int inOff,
      byte[] out,
      int outOff,
      int batches,
      int inH,
      int inW,
      int pixelBytes,
      int[] ys,
      int[] xs) {
    int rowStride = inW * pixelBytes;
    int batchStride = inH * rowStride;
    int o = outOff;
    for (int b = 0; b < batches; b++) {
      int bBase = inOff + b * batchStride;
      for (int y : ys) {
        int rBase = bBase + y * rowStride;
        for (int x : xs) {
          System.arraycopy(in, rBase + x * pixelBytes, out, o, pixelBytes);
          o += pixelBytes;
        }
      }
    }
  }

  private static float roundf(float x) {
    double r = Math.floor(Math.abs((double) x) + 0.5);
    return (float) Math.copySign(r, x);
  }
}
