package io.tflited.runtime.kernels.elementwise;

import java.util.Arrays;

/**
 * NumPy broadcasting of up to three inputs onto an output shape, reduced to the fewest loop
 * dimensions: output dims of size 1 are dropped and neighbouring dims are merged whenever
 * every input is either broadcast along both or contiguous along both. Computed once at
 * prepare time; {@link #run} walks the output in row-major order and hands each innermost
 * run to a row kernel, allocating nothing. Any rank works (TFLite allows up to 6).
 */
public final class BroadcastPlan {
  private final int[] dims;
  /** strides[operand][dim] in bytes; operand count-1 is the output. */
  private final int[][] strides;
  private final long count;

  private BroadcastPlan(int[] dims, int[][] strides, long count) {
    this.dims = dims;
    this.strides = strides;
    this.count = count;
  }

  /**
   * A plan for inputs of the given shapes and element sizes onto {@code out} (which must be
   * their broadcast shape) with output element size {@code outSize}.
   */
  public static BroadcastPlan of(int[][] inputShapes, int[] inputSizes, int[] out, int outSize) {
    int rank = out.length;
    int k = inputShapes.length;
    int[][] ext = new int[k][];
    for (int j = 0; j < k; j++) {
      int[] s = inputShapes[j];
      if (s.length > rank) {
        throw new IllegalArgumentException("input rank exceeds output rank");
      }
      ext[j] = new int[rank];
      Arrays.fill(ext[j], 1);
      System.arraycopy(s, 0, ext[j], rank - s.length, s.length);
    }
    long count = 1;
    for (int d : out) {
      count *= d;
    }
    // Merge dims: keep output dims != 1; merge with the previous kept dim when every input
    // has the same broadcast status (full or size 1) in both.
    int[] mDims = new int[rank];
    boolean[][] mFull = new boolean[k][rank];
    int m = 0;
    for (int i = 0; i < rank; i++) {
      if (out[i] == 1) {
        continue;
      }
      boolean same = m > 0;
      for (int j = 0; j < k && same; j++) {
        boolean full = ext[j][i] != 1;
        same = mFull[j][m - 1] == full;
      }
      if (same) {
        mDims[m - 1] *= out[i];
      } else {
        mDims[m] = out[i];
        for (int j = 0; j < k; j++) {
          mFull[j][m] = ext[j][i] != 1;
        }
        m++;
      }
    }
    int[] dims = Arrays.copyOf(mDims, m);
    int[][] strides = new int[k + 1][m];
    for (int j = 0; j <= k; j++) {
      int size = j < k ? inputSizes[j] : outSize;
      long acc = size;
      for (int i = m - 1; i >= 0; i--) {
        boolean full = j == k || mFull[j][i];
        strides[j][i] = full ? (int) acc : 0;
        if (full) {
          acc *= dims[i];
        }
      }
    }
    return new BroadcastPlan(dims, strides, count);
  }

  /** Two-input plan. */
  public static BroadcastPlan of(int[] a, int aSize, int[] b, int bSize, int[] out, int outSize) {
    return of(new int[][] {a, b}, new int[] {aSize, bSize}, out, outSize);
  }

  public long count() {
    return count;
  }

  /** Runs a two-input plan. Offsets are the tensors' byte offsets in their arrays. */
  public void run(BinaryRow k, byte[] a, int ao, byte[] b, int bo, byte[] o, int oo) {
    if (count == 0) {
      return;
    }
    if (dims.length == 0) {
      k.apply(a, ao, 0, b, bo, 0, o, oo, 1);
      return;
    }
    loop2(0, k, a, ao, b, bo, o, oo);
  }

  private void loop2(int d, BinaryRow k, byte[] a, int ao, byte[] b, int bo, byte[] o, int oo) {
    int n = dims[d];
    int sa = strides[0][d];
    int sb = strides[1][d];
    if (d == dims.length - 1) {
      k.apply(a, ao, sa, b, bo, sb, o, oo, n);
      return;
    }
    int so = strides[2][d];
    for (int i = 0; i < n; i++) {
      loop2(d + 1, k, a, ao, b, bo, o, oo);
      ao += sa;
      bo += sb;
      oo += so;
    }
  }

  /** Runs a three-input plan. */
  public void run(
      TernaryRow k, byte[] c, int co, byte[] a, int ao, byte[] b, int bo, byte[] o, int oo) {
    if (count == 0) {
      return;
    }
    if (dims.length == 0) {
      k.apply(c, co, 0, a, ao, 0, b, bo, 0, o, oo, 1);
      return;
    }
    loop3(0, k, c, co, a, ao, b, bo, o, oo);
  }

  private void loop3(
      int d, TernaryRow k, byte[] c, int co, byte[] a, int ao, byte[] b, int bo, byte[] o,
      int oo) {
    int n = dims[d];
    int sc = strides[0][d];
    int sa = strides[1][d];
    int sb = strides[2][d];
    if (d == dims.length - 1) {
      k.apply(c, co, sc, a, ao, sa, b, bo, sb, o, oo, n);
      return;
    }
    int so = strides[3][d];
    for (int i = 0; i < n; i++) {
      loop3(d + 1, k, c, co, a, ao, b, bo, o, oo);
      co += sc;
      ao += sa;
      bo += sb;
      oo += so;
    }
  }
}
