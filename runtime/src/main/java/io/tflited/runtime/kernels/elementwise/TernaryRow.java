package io.tflited.runtime.kernels.elementwise;

/** Like {@link BinaryRow} with three inputs (SELECT: condition, x, y). */
@FunctionalInterface
public interface TernaryRow {
  void apply(
      byte[] c, int ci, int cs, byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o,
      int oi, int n);
}
