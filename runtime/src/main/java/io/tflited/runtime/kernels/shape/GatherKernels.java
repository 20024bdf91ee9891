package io.tflited.runtime.kernels.shape;

import io.tflited.runtime.kernels.LittleEndian;

/** Index-driven copies of GATHER and GATHER_ND. */
public final class GatherKernels {
  private GatherKernels() {}

  /** Index {@code i} of an int32 or int64 index tensor. */
  public static long index(byte[] a, int off, boolean wide, int i) {
    return wide ? LittleEndian.getLong(a, off + 8 * i) : LittleEndian.getInt(a, off + 4 * i);
  }

  /**
   * out[b][o][i][..] = params[b][o][idx[b][i]][..]. Returns -1, or the position of the first
   * index outside [0, axisSize) (nothing is guaranteed about the output then).
   */
  public static int gather(byte[] p, int pOff, byte[] idx, int iOff, boolean wide, byte[] out,
      int oOff, int batch, int outer, int axisSize, int coords, int innerBytes) {
    for (int i = 0; i < batch * coords; i++) {
      long v = index(idx, iOff, wide, i);
      if (v < 0 || v >= axisSize) {
        return i;
      }
    }
    int pos = oOff;
    for (int b = 0; b < batch; b++) {
      for (int o = 0; o < outer; o++) {
        int src = pOff + (b * outer + o) * axisSize * innerBytes;
        for (int i = 0; i < coords; i++) {
          int v = (int) index(idx, iOff, wide, b * coords + i);
          StridedCopy.copyBlock(p, src + v * innerBytes, out, pos, innerBytes);
          pos += innerBytes;
        }
      }
    }
    return -1;
  }

  /**
   * GATHER_ND: for each of {@code n} index tuples of length {@code depth}, copies the slice at
   * {@code sum(idx_k * strideBytes_k)}. Returns -1, or the tuple number of the first index out
   * of range.
   */
  public static int gatherNd(byte[] p, int pOff, byte[] idx, int iOff, boolean wide, byte[] out,
      int oOff, int n, int[] dims, int[] strideBytes, int sliceBytes) {
    int depth = dims.length;
    for (int t = 0; t < n; t++) {
      int src = pOff;
      for (int k = 0; k < depth; k++) {
        long v = index(idx, iOff, wide, t * depth + k);
        if (v < 0 || v >= dims[k]) {
          return t;
        }
        src += (int) v * strideBytes[k];
      }
      StridedCopy.copyBlock(p, src, out, oOff + t * sliceBytes, sliceBytes);
    }
    return -1;
  }
}
