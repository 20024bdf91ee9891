package io.tflited.runtime.kernels.shape;

import io.tflited.runtime.kernels.LittleEndian;

/**
 * Scalar loop of DYNAMIC_UPDATE_SLICE (TFLite dynamic_update_slice.cc): copy the operand, clamp
 * each start index to [0, dim - update_dim], then copy the update box one last-dim run at a
 * time. Offsets in bytes, strides in elements.
 */
public final class DynamicUpdateSliceKernels {
  private DynamicUpdateSliceKernels() {}

  public static void run(byte[] operand, int opOff, byte[] update, int upOff, byte[] indices,
      int ixOff, boolean int64Indices, byte[] out, int oo, int[] in, int[] up, int[] outStrides,
      int[] upStrides, int elem, int totalBytes, boolean wholeOperand, boolean emptyUpdate) {
    if (wholeOperand) {
      System.arraycopy(update, upOff, out, oo, totalBytes);
      return;
    }
    System.arraycopy(operand, opOff, out, oo, totalBytes);
    if (emptyUpdate) {
      return;
    }
    int rank = in.length;
    long start = 0;
    for (int d = 0; d < rank; d++) {
      long s = int64Indices
          ? LittleEndian.getLong(indices, ixOff + 8 * d)
          : LittleEndian.getInt(indices, ixOff + 4 * d);
      start += Math.min(Math.max(0, s), in[d] - up[d]) * (long) outStrides[d];
    }
    copy(0, rank, up, upStrides, outStrides, elem, update, upOff, out, oo + (int) start * elem);
  }

  /** Copies the update box dim by dim; the last dim is one contiguous run. */
  private static void copy(int d, int rank, int[] up, int[] upStrides, int[] outStrides,
      int elem, byte[] u, int uo, byte[] o, int oo) {
    if (d == rank - 1) {
      System.arraycopy(u, uo, o, oo, up[d] * elem);
      return;
    }
    for (int i = 0; i < up[d]; i++) {
      copy(d + 1, rank, up, upStrides, outStrides, elem, u, uo + i * upStrides[d] * elem, o,
          oo + i * outStrides[d] * elem);
    }
  }
}
