package io.tflited.daemon.metrics;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated so far by the calling thread, from HotSpot's per-thread counter (a TLAB
 * field read, no allocation); 0 where the JVM does not count them. An inference in steady state
 * allocates nothing, so a growing difference around {@code run()} is the sign of kernels the JIT
 * has not (or not fully) compiled.
 */
public final class ThreadAllocation {
  private static final com.sun.management.ThreadMXBean COUNTER = counter();

  private ThreadAllocation() {}

  /** This thread's allocated bytes so far, or 0 without a counter. */
  public static long current() {
    return COUNTER == null ? 0 : COUNTER.getCurrentThreadAllocatedBytes();
  }

  private static com.sun.management.ThreadMXBean counter() {
    try {
      if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
          && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled()) {
        return mx;
      }
    } catch (UnsupportedOperationException | SecurityException e) {
      // A JVM without the counters: the metric stays 0.
    }
    return null;
  }
}
