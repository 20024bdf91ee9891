package io.tflited.runtime;

/**
 * How an interpreter runs.
 *
 * @param threads intra-op threads (1 = run on the caller's thread)
 * @param kernels which kernel set to use
 */
public record InterpreterOptions(int threads, KernelSet kernels) {

  /** Kernel families: the scalar reference set, the Vector API set, or the best available. */
  public enum KernelSet {
    AUTO,
    SCALAR,
    VECTOR
  }

  public InterpreterOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
  }

  public static InterpreterOptions defaults() {
    return new InterpreterOptions(1, KernelSet.AUTO);
  }

  public InterpreterOptions withThreads(int n) {
    return new InterpreterOptions(n, kernels);
  }

  public InterpreterOptions withKernels(KernelSet k) {
    return new InterpreterOptions(threads, k);
  }
}
