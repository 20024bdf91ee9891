package io.tflited.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.ops.ExecContext;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
  @Test
  void coversEveryIndexExactlyOnceManyTimes() {
    for (int threads = 1; threads <= 4; threads++) {
      try (WorkerPool pool = new WorkerPool(threads)) {
        ExecContext ctx = new ExecContext(new byte[0][], new int[0], pool);
        for (int n : new int[] {0, 1, 2, 3, 7, 64, 1001}) {
          for (int round = 0; round < 50; round++) {
            AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
            ctx.parallelFor(n, (c, from, to) -> {
              for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
              }
            });
            for (int i = 0; i < n; i++) {
              assertEquals(1, hits.get(i), "threads=" + threads + " n=" + n + " i=" + i);
            }
          }
        }
      }
    }
  }

  @Test
  void rethrowsAWorkersException() {
    try (WorkerPool pool = new WorkerPool(3)) {
      ExecContext ctx = new ExecContext(new byte[0][], new int[0], pool);
      assertThrows(IllegalStateException.class, () -> ctx.parallelFor(9, (c, from, to) -> {
        if (from > 0) {
          throw new IllegalStateException("boom");
        }
      }));
      // Still usable afterwards.
      int[] sum = new int[1];
      ctx.parallelFor(1, (c, from, to) -> sum[0] += to - from);
      assertEquals(1, sum[0]);
    }
  }
}
