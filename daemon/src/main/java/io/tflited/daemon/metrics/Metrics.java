package io.tflited.daemon.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** Request counters and latency histograms, rendered in the Prometheus text format. */
public final class Metrics {
  private static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private record Key(String model, int code) {}

  private static final class Histogram {
    final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
    final LongAdder count = new LongAdder();
    final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double seconds) {
      int i = 0;
      while (i < BUCKETS.length && seconds > BUCKETS[i]) {
        i++;
      }
      counts[i].increment();
      count.increment();
      sum.add(seconds);
    }
  }

  /** Per-model gauges supplied by the registry: name to {queue depth, in flight}. */
  public interface ModelGauges {
    Map<String, int[]> queueAndInFlight();

    int loaded();

    int failed();
  }

  private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
  private final Map<String, Histogram> inference = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> inferenceAllocated = new ConcurrentHashMap<>();
  private final Supplier<ModelGauges> gauges;
  private final long startNanos = System.nanoTime();

  public Metrics(Supplier<ModelGauges> gauges) {
    this.gauges = gauges;
  }

  /** Records one answered request; model is "" for non-model endpoints. */
  public void record(String model, int code, long nanos) {
    requests.computeIfAbsent(new Key(model == null ? "" : model, code), k -> new LongAdder()).increment();
    if (model != null && !model.isEmpty()) {
      latency.computeIfAbsent(model, k -> new Histogram()).observe(nanos / 1e9);
    }
  }

  /**
   * Records one interpreter run (no queueing, no decoding): its duration, and the bytes its
   * thread allocated during it (0 once the kernels are compiled).
   */
  public void recordInference(String model, long nanos, long allocatedBytes) {
    inference.computeIfAbsent(model, k -> new Histogram()).observe(nanos / 1e9);
    inferenceAllocated.computeIfAbsent(model, k -> new LongAdder()).add(allocatedBytes);
  }

  private static void histogram(StringBuilder sb, String name, Map<String, Histogram> hs) {
    new TreeMap<>(hs).forEach((m, h) -> {
      long cum = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cum += h.counts[i].sum();
        sb.append(name).append("_bucket{model=\"").append(esc(m)).append("\",le=\"")
            .append(BUCKETS[i]).append("\"} ").append(cum).append('\n');
      }
      cum += h.counts[BUCKETS.length].sum();
      sb.append(name).append("_bucket{model=\"").append(esc(m)).append("\",le=\"+Inf\"} ").append(cum).append('\n');
      sb.append(name).append("_sum{model=\"").append(esc(m)).append("\"} ").append(h.sum.sum()).append('\n');
      sb.append(name).append("_count{model=\"").append(esc(m)).append("\"} ").append(h.count.sum()).append('\n');
    });
  }

  public String render() {
    StringBuilder sb = new StringBuilder(4096);
    sb.append("# HELP tflited_requests_total HTTP requests answered, by model and status code.\n");
    sb.append("# TYPE tflited_requests_total counter\n");
    Map<String, Long> sorted = new TreeMap<>();
    requests.forEach((k, v) -> sorted.put(labels(k.model(), k.code()), v.sum()));
    sorted.forEach((l, v) -> sb.append("tflited_requests_total").append(l).append(' ').append(v).append('\n'));
    sb.append("# HELP tflited_request_errors_total HTTP requests answered with a 4xx/5xx code.\n");
    sb.append("# TYPE tflited_request_errors_total counter\n");
    Map<String, Long> errors = new TreeMap<>();
    requests.forEach((k, v) -> {
      if (k.code() >= 400) {
        errors.put(labels(k.model(), k.code()), v.sum());
      }
    });
    errors.forEach((l, v) -> sb.append("tflited_request_errors_total").append(l).append(' ').append(v).append('\n'));
    sb.append("# HELP tflited_request_duration_seconds Latency of model requests.\n");
    sb.append("# TYPE tflited_request_duration_seconds histogram\n");
    histogram(sb, "tflited_request_duration_seconds", latency);
    sb.append("# HELP tflited_inference_duration_seconds Interpreter run time per inference.\n");
    sb.append("# TYPE tflited_inference_duration_seconds histogram\n");
    histogram(sb, "tflited_inference_duration_seconds", inference);
    sb.append("# HELP tflited_inference_allocated_bytes_total Bytes allocated by the inference"
        + " thread during interpreter runs: flat in steady state; growth means kernels running"
        + " uncompiled (after start-up: a restart recompiles them).\n");
    sb.append("# TYPE tflited_inference_allocated_bytes_total counter\n");
    new TreeMap<>(inferenceAllocated).forEach((m, v) -> sb
        .append("tflited_inference_allocated_bytes_total{model=\"").append(esc(m)).append("\"} ")
        .append(v.sum()).append('\n'));
    ModelGauges g = gauges.get();
    sb.append("# HELP tflited_queue_depth Requests waiting in a model's queue.\n");
    sb.append("# TYPE tflited_queue_depth gauge\n");
    Map<String, int[]> q = new TreeMap<>(g.queueAndInFlight());
    q.forEach((m, v) -> sb.append("tflited_queue_depth{model=\"").append(esc(m)).append("\"} ").append(v[0]).append('\n'));
    sb.append("# HELP tflited_in_flight Requests queued or running, by model.\n");
    sb.append("# TYPE tflited_in_flight gauge\n");
    q.forEach((m, v) -> sb.append("tflited_in_flight{model=\"").append(esc(m)).append("\"} ").append(v[1]).append('\n'));
    sb.append("# HELP tflited_models_loaded Models ready to serve.\n# TYPE tflited_models_loaded gauge\n");
    sb.append("tflited_models_loaded ").append(g.loaded()).append('\n');
    sb.append("# HELP tflited_models_failed Models that failed to load.\n# TYPE tflited_models_failed gauge\n");
    sb.append("tflited_models_failed ").append(g.failed()).append('\n');
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    sb.append("# HELP tflited_heap_used_bytes JVM heap in use.\n# TYPE tflited_heap_used_bytes gauge\n");
    sb.append("tflited_heap_used_bytes ").append(heap.getUsed()).append('\n');
    sb.append("# HELP tflited_heap_max_bytes JVM heap limit.\n# TYPE tflited_heap_max_bytes gauge\n");
    sb.append("tflited_heap_max_bytes ").append(heap.getMax()).append('\n');
    sb.append("# HELP tflited_resident_memory_bytes Resident set size (VmRSS).\n# TYPE tflited_resident_memory_bytes gauge\n");
    sb.append("tflited_resident_memory_bytes ").append(ProcessStats.rssBytes()).append('\n');
    sb.append("# HELP tflited_peak_resident_memory_bytes Peak resident set size (VmHWM).\n# TYPE tflited_peak_resident_memory_bytes gauge\n");
    sb.append("tflited_peak_resident_memory_bytes ").append(ProcessStats.peakRssBytes()).append('\n');
    sb.append("# HELP tflited_uptime_seconds Seconds since the server started.\n# TYPE tflited_uptime_seconds gauge\n");
    sb.append("tflited_uptime_seconds ").append((System.nanoTime() - startNanos) / 1e9).append('\n');
    return sb.toString();
  }

  private static String labels(String model, int code) {
    return "{model=\"" + esc(model) + "\",code=\"" + code + "\"}";
  }

  private static String esc(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
