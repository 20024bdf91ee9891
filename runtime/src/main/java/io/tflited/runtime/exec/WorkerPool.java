package io.tflited.runtime.exec;

import io.tflited.runtime.ops.ExecContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool for intra-op parallelism, owned by one interpreter: {@code threads - 1} worker
 * threads plus the calling thread. {@link #parallelFor} splits [0, n) into one contiguous
 * part per thread and returns when all are done. Parts are claimed, not assigned: the caller
 * and each worker take the next unclaimed part until none is left, so when a worker does not
 * get a CPU in time (a core shared with other processes) the caller runs its part too instead
 * of waiting for it. Which thread runs a part never changes the part's range, so results do
 * not depend on it. Nothing is allocated per call: the task and context are handed over in
 * fields, workers are woken with unpark and signal completion through a counter.
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
  /** Parts of the current dispatch not finished yet. */
  private final AtomicInteger pending = new AtomicInteger();
  /** Next part to claim; at or past {@link #threads()} when all are taken. */
  private final AtomicInteger nextPart = new AtomicInteger(1 << 30);
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
      Thread t = new Thread(this::work, "tflited-worker-" + (i + 1));
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
    pending.set(threads());
    nextPart.set(0);
    generation++;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    Throwable own = null;
    int part;
    while ((part = nextPart.getAndIncrement()) < threads()) {
      try {
        runPart(body, context, count, part);
      } catch (Throwable t) {
        own = t;
      }
      pending.decrementAndGet();
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

  private void work() {
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
      int part;
      while ((part = nextPart.getAndIncrement()) < threads()) {
        // Fields read after the claim: a claim made means this dispatch's fields are set.
        try {
          runPart(task, ctx, n, part);
        } catch (Throwable t) {
          failure = t;
        } finally {
          if (pending.decrementAndGet() == 0) {
            LockSupport.unpark(waiter[0]);
          }
        }
      }
    }
  }

  private void runPart(RangeTask body, ExecContext context, int count, int part) {
    int parts = threads();
    int from = (int) ((long) count * part / parts);
    int to = (int) ((long) count * (part + 1) / parts);
    if (from < to) {
      body.run(context, from, to);
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
