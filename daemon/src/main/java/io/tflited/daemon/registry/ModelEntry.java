package io.tflited.daemon.registry;

import io.tflited.daemon.config.ModelSettings;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded (or failed) model version: the shared {@link CompiledModel}, a bounded queue and
 * worker threads that each own an {@link Interpreter}. Retiring an entry stops new requests;
 * queued and running ones finish on this version.
 */
public final class ModelEntry {
  private static final Logger LOG = LoggerFactory.getLogger(ModelEntry.class);

  /** Work done on a worker thread with its interpreter. */
  @FunctionalInterface
  public interface Task<T> {
    T run(Interpreter interpreter) throws Exception;
  }

  public enum State {
    READY,
    FAILED
  }

  private record Job<T>(Task<T> task, CompletableFuture<T> future) {}

  private final String name;
  private final int version;
  private final Path source;
  private final long sourceStamp;
  private final CompiledModel model;
  private final List<String> labels;
  private final ModelSettings settings;
  private final String failure;
  private final BlockingQueue<Job<?>> queue;
  private final Thread[] workers;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closed;
  private volatile int[][] inputSignatures = new int[0][];
  private volatile int warmupRuns;

  private ModelEntry(String name, int version, Path source, long stamp, CompiledModel model,
      List<String> labels, ModelSettings settings, String failure) {
    this.name = name;
    this.version = version;
    this.source = source;
    this.sourceStamp = stamp;
    this.model = model;
    this.labels = labels == null ? List.of() : List.copyOf(labels);
    this.settings = settings;
    this.failure = failure;
    if (model != null) {
      this.queue = new ArrayBlockingQueue<>(settings.queueSize());
      this.workers = new Thread[settings.workers()];
      for (int i = 0; i < workers.length; i++) {
        Interpreter it = model.newInterpreter();
        workers[i] = Thread.ofPlatform().daemon(true).name("model-" + name + "-v" + version + "-" + i)
            .unstarted(() -> work(it));
        workers[i].start();
      }
    } else {
      this.queue = new ArrayBlockingQueue<>(1);
      this.workers = new Thread[0];
    }
  }

  static ModelEntry ready(String name, int version, Path source, long stamp, CompiledModel model,
      List<String> labels, ModelSettings settings) {
    return new ModelEntry(name, version, source, stamp, model, labels, settings, null);
  }

  static ModelEntry failed(String name, int version, Path source, long stamp, String reason,
      ModelSettings settings) {
    return new ModelEntry(name, version, source, stamp, null, null, settings, reason);
  }

  private void work(Interpreter it) {
    try {
      while (true) {
        Job<?> job = queue.poll(200, TimeUnit.MILLISECONDS);
        if (job == null) {
          if (closed) {
            return;
          }
          continue;
        }
        run(job, it);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      it.close();
    }
  }

  private static <T> void run(Job<T> job, Interpreter it) {
    if (job.future().isDone()) {
      return; // timed out or cancelled while queued
    }
    try {
      job.future().complete(job.task().run(it));
    } catch (Throwable t) {
      job.future().completeExceptionally(t);
    }
  }

  /** Queues a task; fails at once when the queue is full. */
  public <T> CompletableFuture<T> submit(Task<T> task) throws QueueFullException {
    if (model == null) {
      throw new IllegalStateException("model " + name + " is not loaded");
    }
    if (closed) {
      throw new QueueFullException("model " + name + " version " + version + " is being replaced");
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    if (!queue.offer(new Job<>(task, f))) {
      throw new QueueFullException("the queue of model '" + name + "' is full ("
          + settings.queueSize() + " requests)");
    }
    inFlight.incrementAndGet();
    f.whenComplete((r, e) -> inFlight.decrementAndGet());
    return f;
  }

  /** Stops taking requests; workers exit once the queue is drained. */
  public void retire() {
    closed = true;
  }

  /** Waits until the workers have finished (after {@link #retire()}). */
  public boolean awaitDrained(long millis) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    for (Thread t : workers) {
      long left = (end - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return false;
      }
      t.join(left);
      if (t.isAlive()) {
        LOG.warn("model {} v{}: worker still busy after drain timeout", name, version);
        return false;
      }
    }
    return true;
  }

  public String name() {
    return name;
  }

  /** Input i's shape for metadata: the signature (-1 = variable) when declared, else the shape. */
  public int[] declaredShape(int i) {
    int[][] sigs = inputSignatures;
    int[] shape = model.inputs().get(i).shape();
    if (i < sigs.length && sigs[i] != null && sigs[i].length == shape.length) {
      return sigs[i].clone();
    }
    return shape;
  }

  /** Inferences the warm-up ran before this version went into service (0: warm-up off). */
  public int warmupRuns() {
    return warmupRuns;
  }

  void setWarmupRuns(int runs) {
    this.warmupRuns = runs;
  }

  void setInputSignatures(int[][] signatures) {
    this.inputSignatures = signatures;
  }

  /**
   * Whether input i may be given this shape: its declared shape, or a shape that matches the
   * model's shape signature (where -1 marks a dimension that may vary, e.g. the batch).
   */
  public boolean acceptsShape(int i, int[] shape) {
    if (java.util.Arrays.equals(model.inputs().get(i).shape(), shape)) {
      return true;
    }
    int[][] sigs = inputSignatures;
    if (i >= sigs.length || sigs[i] == null || sigs[i].length != shape.length) {
      return false;
    }
    for (int d = 0; d < shape.length; d++) {
      if (sigs[i][d] != -1 && sigs[i][d] != shape[d]) {
        return false;
      }
      if (shape[d] < 1) {
        return false;
      }
    }
    return true;
  }

  public int version() {
    return version;
  }

  public Path source() {
    return source;
  }

  long sourceStamp() {
    return sourceStamp;
  }

  public boolean isReady() {
    return model != null && !closed;
  }

  public State state() {
    return model != null ? State.READY : State.FAILED;
  }

  /** Why the model failed to load (null when it loaded). */
  public String failure() {
    return failure;
  }

  public CompiledModel model() {
    return model;
  }

  public List<String> labels() {
    return labels;
  }

  public ModelSettings settings() {
    return settings;
  }

  public int queueDepth() {
    return queue.size();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
