package io.tflited.runtime.kernels.sequence;

import io.tflited.runtime.kernels.LittleEndian;

/**
 * TFLite's hybrid-kernel helpers: per-row dynamic quantization of float activations to int8
 * (tensor_utils SymmetricQuantizeFloats / AsymmetricQuantizeFloats) and the int8 matrix times
 * quantized vector product accumulated into floats (MatrixBatchVectorMultiplyAccumulate with
 * scaling factors).
 */
public final class HybridQuant {
  private HybridQuant() {}

  /** C's roundf. */
  private static int roundf(float v) {
    double d = v; // exact: adding 0.5 to a float in double precision does not round
    return (int) (d >= 0 ? Math.floor(d + 0.5) : -Math.floor(-d + 0.5));
  }

  /**
   * Quantizes n floats at src[srcOff] into int8 at dst[dstOff]; writes the scaling factor
   * (float) at meta[metaOff] and the zero point (int, 0 when symmetric) at meta[metaOff + 4].
   */
  public static void quantizeRow(
      byte[] src, int srcOff, int n, byte[] dst, int dstOff, boolean asymmetric,
      byte[] meta, int metaOff) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      float v = LittleEndian.getFloat(src, srcOff + 4 * i);
      // std::minmax_element: first smallest, last largest (values only matter here).
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
    }
    if (!asymmetric) {
      float range = Math.max(Math.abs(min), Math.abs(max));
      if (range == 0) {
        java.util.Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
        LittleEndian.setFloat(meta, metaOff, 1f);
        LittleEndian.setInt(meta, metaOff + 4, 0);
        return;
      }
      float scale = range / 127;
      float inv = 127 / range;
      for (int i = 0; i < n; i++) {
        int q = roundf(inv * LittleEndian.getFloat(src, srcOff + 4 * i));
        dst[dstOff + i] = (byte) Math.min(127, Math.max(-127, q));
      }
      LittleEndian.setFloat(meta, metaOff, scale);
      LittleEndian.setInt(meta, metaOff + 4, 0);
      return;
    }
    double rmin = Math.min(0, (double) min);
    double rmax = Math.max(0, (double) max);
    if (rmin == rmax) {
      java.util.Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
      LittleEndian.setFloat(meta, metaOff, 1f);
      LittleEndian.setInt(meta, metaOff + 4, 0);
      return;
    }
    double qmin = -128;
    double qmax = 127;
    double scale = (rmax - rmin) / (qmax - qmin);
    double zpFromMin = qmin - rmin / scale;
    double zpFromMax = qmax - rmax / scale;
    double zpFromMinError = Math.abs(qmin) + Math.abs(rmin / scale);
    double zpFromMaxError = Math.abs(qmax) + Math.abs(rmax / scale);
    double zpDouble = zpFromMinError < zpFromMaxError ? zpFromMin : zpFromMax;
    int zp;
    if (zpDouble <= qmin) {
      zp = -128;
    } else if (zpDouble >= qmax) {
      zp = 127;
    } else {
      zp = (int) (zpDouble >= 0 ? Math.floor(zpDouble + 0.5) : -Math.floor(-zpDouble + 0.5));
    }
    float scaleF = (float) scale;
    float inv = (float) (1.0 / scaleF);
    for (int i = 0; i < n; i++) {
      int q = roundf(zp + LittleEndian.getFloat(src, srcOff + 4 * i) * inv);
      dst[dstOff + i] = (byte) Math.min(127, Math.max(-128, q));
    }
    LittleEndian.setFloat(meta, metaOff, scaleF);
    LittleEndian.setInt(meta, metaOff + 4, zp);
  }

  /** Row sums of an int8 matrix [rows][cols] (for asymmetric input zero points). */
  public static int[] rowSums(byte[] w, int rows, int cols) {
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      int s = 0;
      for (int c = 0; c < cols; c++) {
        s += w[r * cols + c];
      }
      out[r] = s;
    }
    return out;
  }

  /**
   * result[r] += (sum_c w[r][c] * q[c] - rowSums[r] * zp) * scale for r in [0, rows), with
   * result floats at res[resOff] and the quantized vector at q[qOff].
   */
  public static void matVecAccumulate(
      byte[] w, int rows, int cols, byte[] q, int qOff, int zp, int[] rowSums, float scale,
      byte[] res, int resOff) {
    for (int r = 0; r < rows; r++) {
      int dot = 0;
      int wo = r * cols;
      for (int c = 0; c < cols; c++) {
        dot += w[wo + c] * q[qOff + c];
      }
      if (zp != 0) {
        dot -= rowSums[r] * zp;
      }
      int o = resOff + 4 * r;
      LittleEndian.setFloat(res, o, LittleEndian.getFloat(res, o) + dot * scale);
    }
  }
}
