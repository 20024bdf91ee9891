package io.tflited.runtime.kernels.elementwise;

/** SELECT: out = cond ? x : y, element by element, for any element size. */
public final class SelectRow implements TernaryRow {
  private final int size;

  public SelectRow(int elementSize) {
    this.size = elementSize;
  }

  @Override
  public void apply(
      byte[] c, int ci, int cs, byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o,
      int oi, int n) {
    for (int k = 0; k < n; k++, ci += cs, ai += as, bi += bs, oi += size) {
      if (c[ci] != 0) {
        System.arraycopy(a, ai, o, oi, size);
      } else {
        System.arraycopy(b, bi, o, oi, size);
      }
    }
  }
}
