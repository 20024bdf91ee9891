package io.tflited.runtime.exec;

import io.tflited.runtime.ops.ExecContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool for intra-op parallelism, owned by one interpreter: {@code threads - 1} worker
 * threads plus the calling thread. {@link #parallelFor} splits [0, n) into one contiguous
 * chunk per thread and returns when all are done. Nothing is allocated per call: the task
 * and context are handed over in fields, workers are woken with unpark and signal completion
 * through a counter.
 *
 * <p>Waking a parked thread costs tens of microseconds, as much as a small layer's whole
 * share, and an inference dispatches one parallelFor per layer. So a worker that finishes
 * spins for up to {@link #SPIN_NANOS} watching for the next dispatch before it parks, and the
 * caller spins as long for the workers' completion: between the layers of one inference
 * nobody parks; between inferences the workers go back to sleep after that short spin.
 */
public final class WorkerPool implements AutoCloseable {
  /**
   * How long a thread busy-waits for the next dispatch or for completion before parking
   * ({@code -Dtflited.pool.spinMicros}, default 100; 0 parks at once, for CPUs shared with
   * other busy processes, where a spinning thread can hold the core its peer needs).
   */
  static final long SPIN_NANOS = 1000L * Long.getLong("tflited.pool.spinMicros", 100);

  private final Thread[] workers;
  private final AtomicInteger pending = new AtomicInteger();
  private final Thread[] waiter = new Thread[1];
  private volatile int generation;
  private volatile boolean closed;
  private volatile RangeTask task;
  private volatile ExecContext ctx;
  private volatile int n;
  private volatile Throwable failure;

  public WorkerPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1");
    }
    workers = new Thread[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      int slot = i + 1;
      Thread t = new Thread(() -> work(slot), "tflited-worker-" + slot);
      t.setDaemon(true);
      workers[i] = t;
      t.start();
    }
  }

  public int threads() {
    return workers.length + 1;
  }

  /** Runs {@code task} over [0, n) split across the pool; rethrows a worker's exception. */
  public void parallelFor(ExecContext context, int count, RangeTask body) {
    if (workers.length == 0 || count <= 1) {
      body.run(context, 0, count);
      return;
    }
    task = body;
    ctx = context;
    n = count;
    failure = null;
    waiter[0] = Thread.currentThread();
    pending.set(workers.length);
    generation++;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    Throwable own = null;
    try {
      int to = (int) ((long) count / threads());
      if (to > 0) {
        body.run(context, 0, to);
      }
    } catch (Throwable t) {
      own = t;
    }
    if (pending.get() > 0) {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (pending.get() > 0 && System.nanoTime() < spinUntil) {
        Thread.onSpinWait();
      }
      while (pending.get() > 0) {
        LockSupport.park(this);
      }
    }
    task = null;
    ctx = null;
    Throwable f = own != null ? own : failure;
    if (f instanceof RuntimeException re) {
      throw re;
    }
    if (f instanceof Error e) {
      throw e;
    }
  }

  private void work(int slot) {
    int seen = 0;
    while (true) {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (generation == seen && !closed && System.nanoTime() < spinUntil) {
        Thread.onSpinWait();
      }
      while (generation == seen && !closed) {
        LockSupport.park(this);
      }
      if (closed) {
        return;
      }
      seen = generation;
      int count = n;
      int parts = threads();
      int from = (int) ((long) count * slot / parts);
      int to = (int) ((long) count * (slot + 1) / parts);
      try {
        if (from < to) {
          task.run(ctx, from, to);
        }
      } catch (Throwable t) {
        failure = t;
      } finally {
        if (pending.decrementAndGet() == 0) {
          LockSupport.unpark(waiter[0]);
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
  }
}
