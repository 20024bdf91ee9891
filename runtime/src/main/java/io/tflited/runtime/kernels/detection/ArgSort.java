package io.tflited.runtime.kernels.detection;

import io.tflited.runtime.kernels.LittleEndian;

/**
 * Index sorts by decreasing float value, over int index arrays and float value arrays that live
 * in byte[] scratch (little-endian). {@link #partialSort} reproduces libstdc++'s std::partial_sort
 * (heap select + heap sort) exactly, including its order among equal values, because TFLite's
 * output order for ties depends on it.
 */
public final class ArgSort {
  private ArgSort() {}

  private static int idx(byte[] a, int off, int i) {
    return LittleEndian.getInt(a, off + 4 * i);
  }

  private static void setIdx(byte[] a, int off, int i, int v) {
    LittleEndian.setInt(a, off + 4 * i, v);
  }

  private static float val(byte[] v, int voff, int index) {
    return LittleEndian.getFloat(v, voff + 4 * index);
  }

  /** comp(i, j) = values[i] > values[j]. */
  private static boolean comp(byte[] v, int voff, int i, int j) {
    return val(v, voff, i) > val(v, voff, j);
  }

  /** Fills indices[0..n) with 0..n-1. */
  public static void iota(byte[] a, int off, int n) {
    for (int i = 0; i < n; i++) {
      setIdx(a, off, i, i);
    }
  }

  /** optimized_ops::ArgMaxVector: first index of the maximum. */
  public static int argMax(byte[] v, int voff, int n) {
    float max = val(v, voff, 0);
    int maxIndex = 0;
    for (int i = 1; i < n; i++) {
      float x = val(v, voff, i);
      if (x > max) {
        max = x;
        maxIndex = i;
      }
    }
    return maxIndex;
  }

  /**
   * TFLite DecreasingPartialArgSort: indices[0..numToSort) = the numToSort largest values'
   * indices in decreasing order (argmax when numToSort == 1), as libstdc++ orders them.
   */
  public static void decreasingPartialArgSort(
      byte[] v, int voff, int numValues, int numToSort, byte[] a, int off) {
    if (numToSort == 1) {
      setIdx(a, off, 0, argMax(v, voff, numValues));
      return;
    }
    iota(a, off, numValues);
    partialSort(a, off, numToSort, numValues, v, voff);
  }

  /** std::partial_sort(first, first + middle, first + last, comp) on the index array. */
  public static void partialSort(byte[] a, int off, int middle, int last, byte[] v, int voff) {
    // __heap_select
    makeHeap(a, off, middle, v, voff);
    for (int i = middle; i < last; i++) {
      if (comp(v, voff, idx(a, off, i), idx(a, off, 0))) {
        popHeap(a, off, middle, i, v, voff);
      }
    }
    // __sort_heap
    for (int end = middle; end > 1; ) {
      end--;
      popHeap(a, off, end, end, v, voff);
    }
  }

  private static void makeHeap(byte[] a, int off, int len, byte[] v, int voff) {
    if (len < 2) {
      return;
    }
    int parent = (len - 2) / 2;
    while (true) {
      int value = idx(a, off, parent);
      adjustHeap(a, off, parent, len, value, v, voff);
      if (parent == 0) {
        return;
      }
      parent--;
    }
  }

  /** __pop_heap(first, first + len, first + result). */
  private static void popHeap(byte[] a, int off, int len, int result, byte[] v, int voff) {
    int value = idx(a, off, result);
    setIdx(a, off, result, idx(a, off, 0));
    adjustHeap(a, off, 0, len, value, v, voff);
  }

  private static void adjustHeap(
      byte[] a, int off, int holeIndex, int len, int value, byte[] v, int voff) {
    final int topIndex = holeIndex;
    int secondChild = holeIndex;
    while (secondChild < (len - 1) / 2) {
      secondChild = 2 * (secondChild + 1);
      if (comp(v, voff, idx(a, off, secondChild), idx(a, off, secondChild - 1))) {
        secondChild--;
      }
      setIdx(a, off, holeIndex, idx(a, off, secondChild));
      holeIndex = secondChild;
    }
    if ((len & 1) == 0 && secondChild == (len - 2) / 2) {
      secondChild = 2 * (secondChild + 1);
      setIdx(a, off, holeIndex, idx(a, off, secondChild - 1));
      holeIndex = secondChild - 1;
    }
    // __push_heap
    int parent = (holeIndex - 1) / 2;
    while (holeIndex > topIndex && comp(v, voff, idx(a, off, parent), value)) {
      setIdx(a, off, holeIndex, idx(a, off, parent));
      holeIndex = parent;
      parent = (holeIndex - 1) / 2;
    }
    setIdx(a, off, holeIndex, value);
  }
}
