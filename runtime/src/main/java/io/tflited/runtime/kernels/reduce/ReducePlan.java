package io.tflited.runtime.kernels.reduce;

/**
 * Element offsets of a reduction, precomputed once: output element {@code o} reduces the input
 * elements {@code outBase[o] + rel[r]} for r = 0 .. rel.length-1. Both arrays are in row-major
 * order, so for every output the contributing inputs are visited in increasing input offset, the
 * order in which TFLite's reference Reduce accumulates them.
 */
public record ReducePlan(int[] outBase, int[] rel) {

  /** The plan for reducing {@code shape} over the dims flagged in {@code reduced}. */
  public static ReducePlan of(int[] shape, boolean[] reduced) {
    int rank = shape.length;
    int[] strides = new int[rank];
    int acc = 1;
    for (int i = rank - 1; i >= 0; i--) {
      strides[i] = acc;
      acc *= shape[i];
    }
    int outCount = 1;
    int redCount = 1;
    for (int i = 0; i < rank; i++) {
      if (reduced[i]) {
        redCount *= shape[i];
      } else {
        outCount *= shape[i];
      }
    }
    boolean empty = false;
    for (int d : shape) {
      empty |= d == 0;
    }
    int[] outBase = offsets(shape, strides, reduced, false, outCount);
    int[] rel = empty ? new int[0] : offsets(shape, strides, reduced, true, redCount);
    return new ReducePlan(outBase, rel);
  }

  /** Row-major offsets over the dims whose flag equals {@code which}. */
  private static int[] offsets(
      int[] shape, int[] strides, boolean[] reduced, boolean which, int n) {
    int[] out = new int[n];
    if (n == 0) {
      return out;
    }
    int rank = shape.length;
    int[] idx = new int[rank];
    int off = 0;
    for (int k = 0; k < n; k++) {
      out[k] = off;
      for (int d = rank - 1; d >= 0; d--) {
        if (reduced[d] != which) {
          continue;
        }
        idx[d]++;
        off += strides[d];
        if (idx[d] < shape[d]) {
          break;
        }
        off -= idx[d] * strides[d];
        idx[d] = 0;
      }
    }
    return out;
  }

  public int outputCount() {
    return outBase.length;
  }

  public int reduceCount() {
    return rel.length;
  }
}
