package io.tflited.runtime.ops;

/**
 * Where each tensor's bytes live during one interpreter's runs: an array and an offset.
 * Activations, variables and scratch share the interpreter's arena; constants live in arrays
 * shared by all interpreters of the model and must not be written. All data is little-endian.
 */
public final class ExecContext {
  private final byte[][] arrays;
  private final int[] offsets;

  public ExecContext(byte[][] arrays, int[] offsets) {
    this.arrays = arrays;
    this.offsets = offsets;
  }

  /** The array holding tensor (or scratch id) {@code t}. */
  public byte[] array(int t) {
    return arrays[t];
  }

  /** Byte offset of tensor (or scratch id) {@code t} inside {@link #array(int)}. */
  public int offset(int t) {
    return offsets[t];
  }
}
