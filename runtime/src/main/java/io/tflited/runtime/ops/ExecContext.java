package io.tflited.runtime.ops;

import io.tflited.runtime.exec.RangeTask;
import io.tflited.runtime.exec.WorkerPool;

/**
 * Where each tensor's bytes live during one interpreter's runs: an array and an offset.
 * Activations, variables and scratch share the interpreter's arena; constants live in arrays
 * shared by all interpreters of the model and must not be written. All data is little-endian.
 */
public final class ExecContext {
  private final byte[][] arrays;
  private final int[] offsets;
  private final WorkerPool pool;

  public ExecContext(byte[][] arrays, int[] offsets) {
    this(arrays, offsets, null);
  }

  public ExecContext(byte[][] arrays, int[] offsets, WorkerPool pool) {
    this.arrays = arrays;
    this.offsets = offsets;
    this.pool = pool;
  }

  /** Intra-op threads available to this run (1 = the calling thread only). */
  public int threads() {
    return pool == null ? 1 : pool.threads();
  }

  /**
   * Runs {@code task} over [0, n) split into one contiguous chunk per thread (output rows or
   * channels); on one thread it is a plain call. Allocates nothing.
   */
  public void parallelFor(int n, RangeTask task) {
    if (pool == null) {
      task.run(this, 0, n);
    } else {
      pool.parallelFor(this, n, task);
    }
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
