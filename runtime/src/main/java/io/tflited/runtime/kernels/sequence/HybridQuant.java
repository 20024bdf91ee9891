package io.tflited.runtime.kernels.sequence;

import io.tflited.runtime.kernels.HybridQuantizer;
import io.tflited.runtime.kernels.LittleEndian;

/**
 * TFLite's hybrid-kernel helpers: per-row dynamic quantization of float activations to int8
 * (tensor_utils SymmetricQuantizeFloats / AsymmetricQuantizeFloats) and the int8 matrix times
 * quantized vector product accumulated into floats (MatrixBatchVectorMultiplyAccumulate with
 * scaling factors).
 */
public final class HybridQuant {
  private HybridQuant() {}


  /**
   * Quantizes n floats at src[srcOff] into int8 at dst[dstOff]; writes the scaling factor
   * (float) at meta[metaOff] and the zero point (int, 0 when symmetric) at meta[metaOff + 4].
   */
  public static void quantizeRow(
      byte[] src, int srcOff, int n, byte[] dst, int dstOff, boolean asymmetric,
      byte[] meta, int metaOff) {
    if (!asymmetric) {
      LittleEndian.setFloat(meta, metaOff, HybridQuantizer.symmetric(src, srcOff, n, dst, dstOff));
      LittleEndian.setInt(meta, metaOff + 4, 0);
      return;
    }
    long p = HybridQuantizer.asymmetric(src, srcOff, n, dst, dstOff);
    LittleEndian.setFloat(meta, metaOff, HybridQuantizer.scaleOf(p));
    LittleEndian.setInt(meta, metaOff + 4, HybridQuantizer.zeroPointOf(p));
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
