package io.tflited.runtime.kernels.elementwise;

/**
 * The inner loop of a binary elementwise op over one contiguous output run of {@code n}
 * elements. Offsets and steps are in bytes; an input step is 0 when that input is broadcast
 * along the run, else its element size. The output is written contiguously from {@code oi}.
 */
@FunctionalInterface
public interface BinaryRow {
  void apply(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n);
}
