package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.exec.WorkerPool;
import java.util.Random;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The case setup the GEMM-based parity tests share (FULLY_CONNECTED, GEMV, direct conv): a 2-thread {@link WorkerPool} for the
 * "two threads" runs, started before a test class's tests and closed after them (register it
 * with {@code @RegisterExtension}), {@link #pick} for case sizes and {@link #extremeRequant}.
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

  /** Per-unit bias, multiplier and shift at the requantization's extremes. */
  record ExtremeRequant(int[] bias, int[] mult, int[] shift) {}

  /**
   * Accumulators near the int32 limits with the largest multipliers and every shift sign: the
   * rounding ties and RuyRequantize's overflow branch.
   */
  static ExtremeRequant extremeRequant(Random r, int units) {
    int[] bias = new int[units];
    int[] mult = new int[units];
    int[] shift = new int[units];
    int[] shifts = {-31, -20, -8, -2, -1, 0, 1, 3};
    int[] mults = {Integer.MAX_VALUE, 1 << 30, (1 << 30) + 1, 1518500250};
    for (int u = 0; u < units; u++) {
      bias[u] = switch (u % 4) {
        case 0 -> Integer.MAX_VALUE - r.nextInt(40000);
        case 1 -> Integer.MIN_VALUE + r.nextInt(40000);
        case 2 -> (1 << (1 + r.nextInt(30))) * (r.nextBoolean() ? 1 : -1);
        default -> r.nextInt();
      };
      mult[u] = mults[(u / 4) % mults.length];
      shift[u] = shifts[u % shifts.length];
    }
    return new ExtremeRequant(bias, mult, shift);
  }
}
