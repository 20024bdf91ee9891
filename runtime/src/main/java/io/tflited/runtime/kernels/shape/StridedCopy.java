package io.tflited.runtime.kernels.shape;

import io.tflited.runtime.kernels.LittleEndian;
import java.util.ArrayList;
import java.util.List;

/**
 * Type-agnostic N-dimensional copy: walks an index space {@code shape} and copies one element
 * from {@code src + sum(i_d * srcStride_d)} to {@code dst + sum(i_d * dstStride_d)} (strides may
 * be zero or negative). Plans are built once at prepare time: unit dimensions are dropped,
 * dimensions contiguous on both sides are merged, a trailing contiguous run is copied with one
 * {@link System#arraycopy}, and a transpose-like innermost pair (one side contiguous in each
 * dimension) is walked in small square tiles so both sides stay in cache.
 */
public final class StridedCopy {
  /** Outer dimensions walked recursively. */
  private final int[] shape;
  private final int[] src;
  private final int[] dst;
  /** Base case: 0 = one contiguous block, 1 = a strided row, 2 = a tiled 2-D pair. */
  private final int kind;
  private final int blockBytes;
  private final int es;
  private final int n1;
  private final int s1;
  private final int d1;
  private final int n2;
  private final int s2;
  private final int d2;
  private final boolean empty;
  /** Tile edge: about one 64-byte cache line of elements, at least 16. */
  private final int tile;

  private StridedCopy(int[] shape, int[] src, int[] dst, int kind, int blockBytes, int es,
      int[] a, int[] b, boolean empty) {
    this.shape = shape;
    this.src = src;
    this.dst = dst;
    this.kind = kind;
    this.blockBytes = blockBytes;
    this.es = es;
    this.n1 = a[0];
    this.s1 = a[1];
    this.d1 = a[2];
    this.n2 = b[0];
    this.s2 = b[1];
    this.d2 = b[2];
    this.empty = empty;
    this.tile = Math.max(16, 64 / Math.max(1, es));
  }

  /** Plans a copy over {@code shape}; strides are in elements of {@code elemSize} bytes. */
  public static StridedCopy plan(int[] shape, int[] srcStrides, int[] dstStrides, int elemSize) {
    int[] none = {1, 0, 0};
    List<int[]> dims = new ArrayList<>();
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] == 0) {
        return new StridedCopy(new int[0], new int[0], new int[0], 0, 0, elemSize, none, none, true);
      }
      if (shape[d] != 1) {
        dims.add(new int[] {shape[d], srcStrides[d] * elemSize, dstStrides[d] * elemSize});
      }
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
    int kind;
    int block = elemSize;
    int[] a = none;
    int[] b = none;
    int[] last = dims.isEmpty() ? null : dims.get(dims.size() - 1);
    if (last == null) {
      kind = 0;
    } else if (last[1] == elemSize && last[2] == elemSize) {
      kind = 0;
      block = last[0] * elemSize;
      dims.remove(dims.size() - 1);
    } else {
      // A transpose-like pair: the last dim is contiguous on one side, another dim on the other.
      int partner = -1;
      for (int d = dims.size() - 2; d >= 0; d--) {
        int[] c = dims.get(d);
        if ((last[2] == elemSize && c[1] == elemSize) || (last[1] == elemSize && c[2] == elemSize)) {
          partner = d;
          break;
        }
      }
      if (partner >= 0 && last[0] >= 4 && dims.get(partner)[0] >= 4) {
        kind = 2;
        a = dims.remove(partner);
        b = dims.remove(dims.size() - 1);
      } else {
        kind = 1;
        b = dims.remove(dims.size() - 1);
      }
    }
    int n = dims.size();
    int[] s = new int[n];
    int[] x = new int[n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = dims.get(i)[0];
      x[i] = dims.get(i)[1];
      y[i] = dims.get(i)[2];
    }
    return new StridedCopy(s, x, y, kind, block, elemSize, a, b, false);
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
      base(s, sOff, d, dOff);
      return;
    }
    rec(0, s, sOff, d, dOff);
  }

  private void rec(int level, byte[] s, int so, byte[] d, int dO) {
    int n = shape[level];
    int ss = src[level];
    int ds = dst[level];
    boolean leaf = level == shape.length - 1;
    for (int i = 0; i < n; i++) {
      if (leaf) {
        base(s, so, d, dO);
      } else {
        rec(level + 1, s, so, d, dO);
      }
      so += ss;
      dO += ds;
    }
  }

  private void base(byte[] s, int so, byte[] d, int dO) {
    switch (kind) {
      case 0 -> copyBlock(s, so, d, dO, blockBytes);
      case 1 -> row(s, so, s2, d, dO, d2, n2, es);
      default -> {
        int t = tile;
        for (int i0 = 0; i0 < n1; i0 += t) {
          int i1 = Math.min(n1, i0 + t);
          for (int j0 = 0; j0 < n2; j0 += t) {
            int cols = Math.min(n2, j0 + t) - j0;
            for (int i = i0; i < i1; i++) {
              row(s, so + i * s1 + j0 * s2, s2, d, dO + i * d1 + j0 * d2, d2, cols, es);
            }
          }
        }
      }
    }
  }

  /** Copies n elements of es bytes with the given byte strides. */
  static void row(byte[] s, int so, int ss, byte[] d, int dO, int ds, int n, int es) {
    switch (es) {
      case 1 -> {
        for (int i = 0; i < n; i++, so += ss, dO += ds) {
          d[dO] = s[so];
        }
      }
      case 2 -> {
        for (int i = 0; i < n; i++, so += ss, dO += ds) {
          LittleEndian.setShort(d, dO, LittleEndian.getShort(s, so));
        }
      }
      case 4 -> {
        for (int i = 0; i < n; i++, so += ss, dO += ds) {
          LittleEndian.setInt(d, dO, LittleEndian.getInt(s, so));
        }
      }
      case 8 -> {
        for (int i = 0; i < n; i++, so += ss, dO += ds) {
          LittleEndian.setLong(d, dO, LittleEndian.getLong(s, so));
        }
      }
      default -> {
        for (int i = 0; i < n; i++, so += ss, dO += ds) {
          copyBlock(s, so, d, dO, es);
        }
      }
    }
  }

  static void copyBlock(byte[] s, int so, byte[] d, int dO, int bytes) {
    switch (bytes) {
      case 1 -> d[dO] = s[so];
      case 2 -> LittleEndian.setShort(d, dO, LittleEndian.getShort(s, so));
      case 4 -> LittleEndian.setInt(d, dO, LittleEndian.getInt(s, so));
      case 8 -> LittleEndian.setLong(d, dO, LittleEndian.getLong(s, so));
      default -> System.arraycopy(s, so, d, dO, bytes);
    }
  }
}
