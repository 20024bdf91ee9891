package io.tflited.runtime.kernels.shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Type-agnostic N-dimensional copy: walks an index space {@code shape} and copies one element
 * from {@code src + sum(i_d * srcStride_d)} to {@code dst + sum(i_d * dstStride_d)} (strides in
 * bytes, may be zero or negative). Plans are built once at prepare time: unit dimensions are
 * dropped, adjacent dimensions that are contiguous on both sides are merged, and a trailing
 * contiguous run is copied with one {@link System#arraycopy}.
 */
public final class StridedCopy {
  private final int[] shape;
  private final int[] src;
  private final int[] dst;
  private final int blockBytes;
  private final boolean empty;

  private StridedCopy(int[] shape, int[] src, int[] dst, int blockBytes, boolean empty) {
    this.shape = shape;
    this.src = src;
    this.dst = dst;
    this.blockBytes = blockBytes;
    this.empty = empty;
  }

  /**
   * Plans a copy over {@code shape}; strides are in elements of {@code elemSize} bytes.
   */
  public static StridedCopy plan(int[] shape, int[] srcStrides, int[] dstStrides, int elemSize) {
    boolean empty = false;
    List<int[]> dims = new ArrayList<>();
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] == 0) {
        empty = true;
      }
      if (shape[d] != 1) {
        dims.add(new int[] {shape[d], srcStrides[d] * elemSize, dstStrides[d] * elemSize});
      }
    }
    if (empty) {
      return new StridedCopy(new int[0], new int[0], new int[0], 0, true);
    }
    // Merge dimension d into d-1 when both sides are contiguous across them.
    for (int d = dims.size() - 1; d > 0; d--) {
      int[] outer = dims.get(d - 1);
      int[] inner = dims.get(d);
      if (outer[1] == inner[1] * inner[0] && outer[2] == inner[2] * inner[0]) {
        outer[0] *= inner[0];
        outer[1] = inner[1];
        outer[2] = inner[2];
        dims.remove(d);
      }
    }
    int block = elemSize;
    if (!dims.isEmpty()) {
      int[] last = dims.get(dims.size() - 1);
      if (last[1] == elemSize && last[2] == elemSize) {
        block = last[0] * elemSize;
        dims.remove(dims.size() - 1);
      }
    }
    int n = dims.size();
    int[] s = new int[n];
    int[] a = new int[n];
    int[] b = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = dims.get(i)[0];
      a[i] = dims.get(i)[1];
      b[i] = dims.get(i)[2];
    }
    return new StridedCopy(s, a, b, block, false);
  }

  /** Row-major strides (in elements) of a shape. */
  public static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  public void run(byte[] s, int sOff, byte[] d, int dOff) {
    if (empty) {
      return;
    }
    if (shape.length == 0) {
      copyBlock(s, sOff, d, dOff, blockBytes);
      return;
    }
    rec(0, s, sOff, d, dOff);
  }

  private void rec(int level, byte[] s, int so, byte[] d, int dO) {
    int n = shape[level];
    int ss = src[level];
    int ds = dst[level];
    if (level == shape.length - 1) {
      int bb = blockBytes;
      if (bb == 1) {
        for (int i = 0; i < n; i++) {
          d[dO] = s[so];
          so += ss;
          dO += ds;
        }
      } else {
        for (int i = 0; i < n; i++) {
          copyBlock(s, so, d, dO, bb);
          so += ss;
          dO += ds;
        }
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      rec(level + 1, s, so, d, dO);
      so += ss;
      dO += ds;
    }
  }

  static void copyBlock(byte[] s, int so, byte[] d, int dO, int bytes) {
    if (bytes <= 8) {
      for (int k = 0; k < bytes; k++) {
        d[dO + k] = s[so + k];
      }
    } else {
      System.arraycopy(s, so, d, dO, bytes);
    }
  }
}
