package io.tflited.runtime.kernels.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;

/** Scalar reference loops of the index/lookup ops (TOPK_V2, MATRIX_DIAG, LRN, ...). */
public final class IndexKernels {
  private IndexKernels() {}

  /** Element i as a double (exact for float32, int8, uint8, int32). */
  static double num(byte[] a, int off, DataType t, int i) {
    return switch (t) {
      case FLOAT32 -> LittleEndian.getFloat(a, off + 4 * i);
      case UINT8 -> a[off + i] & 0xff;
      case INT8 -> a[off + i];
      case INT32 -> LittleEndian.getInt(a, off + 4 * i);
      case INT64 -> LittleEndian.getLong(a, off + 8 * i);
      case INT16 -> LittleEndian.getShort(a, off + 2 * i);
      case BOOL -> a[off + i];
      default -> throw new IllegalArgumentException("type " + t);
    };
  }

  /** Whether element i is strictly greater than element j (TFLite compares with {@code <}). */
  private static boolean greater(byte[] a, int off, DataType t, int i, int j) {
    if (t == DataType.INT64) {
      return LittleEndian.getLong(a, off + 8 * i) > LittleEndian.getLong(a, off + 8 * j);
    }
    return num(a, off, t, i) > num(a, off, t, j);
  }

  /**
   * TOPK_V2 on rows of {@code n} elements: the k largest per row, ordered by value descending
   * and, among equal values, by index ascending (TFLite's TopContainer order). The index list
   * of each row is kept sorted in the output index buffer while scanning.
   */
  public static void topK(byte[] in, int inOff, DataType t, int rows, int n, int k,
      byte[] vals, int valsOff, byte[] idx, int idxOff) {
    int size = t.byteSize();
    for (int row = 0; row < rows; row++) {
      int base = inOff + row * n * size;
      int io = idxOff + row * k * 4;
      int count = 0;
      for (int c = 0; c < n && k > 0; c++) {
        if (count == k && !greater(in, base, t, c, LittleEndian.getInt(idx, io + 4 * (k - 1)))) {
          continue; // ties lose to the earlier index already kept
        }
        // First position whose value is strictly smaller than element c.
        int lo = 0;
        int hi = count;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          if (greater(in, base, t, c, LittleEndian.getInt(idx, io + 4 * mid))) {
            hi = mid;
          } else {
            lo = mid + 1;
          }
        }
        int last = Math.min(count, k - 1);
        for (int p = last; p > lo; p--) {
          LittleEndian.setInt(idx, io + 4 * p, LittleEndian.getInt(idx, io + 4 * (p - 1)));
        }
        LittleEndian.setInt(idx, io + 4 * lo, c);
        if (count < k) {
          count++;
        }
      }
      int vo = valsOff + row * k * size;
      for (int p = 0; p < k; p++) {
        int src = LittleEndian.getInt(idx, io + 4 * p);
        System.arraycopy(in, base + src * size, vals, vo + p * size, size);
      }
    }
  }

  /**
   * MATRIX_DIAG: each of {@code batches} vectors of length n becomes an n x n matrix with the
   * vector on its main diagonal and zeros elsewhere.
   */
  public static void matrixDiag(byte[] in, int inOff, byte[] out, int outOff, int batches, int n,
      int size) {
    java.util.Arrays.fill(out, outOff, outOff + batches * n * n * size, (byte) 0);
    for (int b = 0; b < batches; b++) {
      for (int i = 0; i < n; i++) {
        System.arraycopy(in, inOff + (b * n + i) * size, out, outOff + ((b * n + i) * n + i) * size,
            size);
      }
    }
  }

  /** MATRIX_SET_DIAG: copies the input, then writes the diagonal of each rows x cols matrix. */
  public static void matrixSetDiag(byte[] in, int inOff, byte[] diag, int diagOff, byte[] out,
      int outOff, int batches, int rows, int cols, int size) {
    if (in != out || inOff != outOff) {
      System.arraycopy(in, inOff, out, outOff, batches * rows * cols * size);
    }
    int d = Math.min(rows, cols);
    for (int b = 0; b < batches; b++) {
      for (int i = 0; i < d; i++) {
        System.arraycopy(diag, diagOff + (b * d + i) * size, out,
            outOff + ((b * rows + i) * cols + i) * size, size);
      }
    }
  }

  /**
   * LOCAL_RESPONSE_NORMALIZATION over the innermost dimension: out = in * (bias + alpha *
   * sum of squares within +-radius)^-beta.
   */
  public static void localResponseNorm(byte[] in, int inOff, byte[] out, int outOff, int outer,
      int depth, int radius, float bias, float alpha, float beta) {
    for (int o = 0; o < outer; o++) {
      int base = o * depth;
      for (int i = 0; i < depth; i++) {
        int begin = Math.max(0, i - radius);
        int end = Math.min(depth, i + radius + 1);
        float acc = 0f;
        for (int j = begin; j < end; j++) {
          float v = LittleEndian.getFloat(in, inOff + 4 * (base + j));
          acc += v * v;
        }
        float mult = (float) Math.pow(bias + alpha * acc, -beta);
        LittleEndian.setFloat(out, outOff + 4 * (base + i),
            LittleEndian.getFloat(in, inOff + 4 * (base + i)) * mult);
      }
    }
  }
}
