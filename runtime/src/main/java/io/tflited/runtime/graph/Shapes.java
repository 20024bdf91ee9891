package io.tflited.runtime.graph;

import java.util.Arrays;

/** Shape arithmetic shared by the ops. */
public final class Shapes {
  private Shapes() {}

  public static long elementCount(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** Product of dims [from, to). */
  public static int product(int[] shape, int from, int to) {
    int n = 1;
    for (int i = from; i < to; i++) {
      n *= shape[i];
    }
    return n;
  }

  /**
   * NumPy broadcasting of two shapes; returns null when they are incompatible.
   */
  public static int[] broadcast(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da != db && da != 1 && db != 1) {
        return null;
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** Row-major strides of a shape, in elements. */
  public static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  /** Left-pads a shape with 1s to the given rank. */
  public static int[] extend(int[] shape, int rank) {
    if (shape.length >= rank) {
      return shape.clone();
    }
    int[] out = new int[rank];
    Arrays.fill(out, 1);
    System.arraycopy(shape, 0, out, rank - shape.length, shape.length);
    return out;
  }

  public static String str(int[] shape) {
    return Arrays.toString(shape);
  }
}
