package io.tflited.runtime.kernels.shape;

import java.util.Arrays;

/** Fills a run of elements with one value given as its little-endian bytes. */
public final class Fill {
  private Fill() {}

  /**
   * Writes {@code count} copies of the {@code es}-byte little-endian element found at
   * {@code value[vOff]} starting at {@code a[off]}.
   */
  public static void fill(byte[] a, int off, int count, byte[] value, int vOff, int es) {
    if (count <= 0) {
      return;
    }
    boolean uniform = true;
    for (int k = 1; k < es; k++) {
      uniform &= value[vOff + k] == value[vOff];
    }
    if (uniform) {
      Arrays.fill(a, off, off + count * es, value[vOff]);
      return;
    }
    System.arraycopy(value, vOff, a, off, es);
    int done = es;
    int total = count * es;
    while (done < total) {
      int n = Math.min(done, total - done);
      System.arraycopy(a, off, a, off + done, n);
      done += n;
    }
  }
}
