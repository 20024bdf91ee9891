package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.exec.WorkerPool;
import java.util.Random;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The case setup the FULLY_CONNECTED parity tests share: a 2-thread {@link WorkerPool} for the
 * "two threads" runs, started before a test class's tests and closed after them (register it
 * with {@code @RegisterExtension}), and {@link #pick} for case sizes.
 */
final class GemmParityCases implements BeforeAllCallback, AfterAllCallback {
  private WorkerPool pool;

  /**
   * The 2-thread pool of the running test class; fails rather than return null (a null pool
   * would silently run the "two threads" cases on one).
   */
  WorkerPool pool() {
    if (pool == null) {
      throw new IllegalStateException(
          "no pool: register GemmParityCases in a static @RegisterExtension field");
    }
    return pool;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    pool = new WorkerPool(2);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    pool.close();
    pool = null;
  }

  /** One of {@code v}, at least 1 (sizes such as L - 1 are 0 where L is 1). */
  static int pick(Random r, int... v) {
    return Math.max(1, v[r.nextInt(v.length)]);
  }
}
