package io.tflited.daemon.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tflited.daemon.metrics.ProcessStats;
import io.tflited.daemon.registry.SeededInputs;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.kernels.vector.VectorWarmup;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code tflited bench}: timings in the spirit of TFLite's benchmark_model (init, first
 * inference, warm-up average, steady-state statistics, peak RSS) on seeded random inputs.
 */
public final class BenchCommand implements Command {
  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "benchmark a model on seeded random inputs (init, first run, warm-up, steady state, peak RSS)";
  }

  @Override
  public String usage() {
    return "tflited bench --model MODEL [--threads N] [--warmup-runs N] [--warmup-seconds S] [--num-runs N] [--kernels SET] [--enable-op-profiling] [--json]";
  }

  @Override
  public Args args() {
    return new Args(name())
        .option("model", "MODEL", "the .tflite model file")
        .option("threads", "N", "intra-op threads (default 1)")
        .option("warmup-runs", "N", "warm-up inferences after the first (default 1;"
            + " more while the vector kernels are still being compiled)")
        .option("warmup-seconds", "S", "keep warming up for S seconds after the vector"
            + " kernels are compiled (default 0): the JIT needs time as well as runs")
        .option("num-runs", "N", "timed steady-state inferences (default 50)")
        .option("kernels", "SET", "auto (default: Vector API where supported), vector or scalar")
        .flag(
            "enable-op-profiling",
            "after the timed runs, time every node over the same number of runs and print the"
                + " ops by total time (like benchmark_model --enable_op_profiling)")
        .flag("json", "print the results as one JSON object on the last line of stdout");
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    if (!args.positionals().isEmpty()) {
      throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
    }
    Path modelPath = Path.of(args.require("model"));
    int threads = args.intValue("threads", 1, 1, 256);
    int warmupMin = args.intValue("warmup-runs", 1, 0, 1_000_000);
    long warmupNanos = 1_000_000_000L * args.intValue("warmup-seconds", 0, 0, 3600);
    int runs = args.intValue("num-runs", 50, 1, 10_000_000);
    boolean json = args.flag("json");
    boolean profile = args.flag("enable-op-profiling");

    long t0 = System.nanoTime();
    CompiledModel model = RunCommand.open(modelPath, threads,
        RunCommand.kernels(args, io.tflited.runtime.InterpreterOptions.KernelSet.AUTO));
    Interpreter it = model.newInterpreter();
    double initMs = ms(System.nanoTime() - t0);
    List<byte[]> inputs = SeededInputs.generate(model.inputs());
    for (int i = 0; i < inputs.size(); i++) {
      it.copyInput(i, inputs.get(i));
    }
    out.printf("Model: %s  threads=%d%n", modelPath, threads);
    out.printf("Initialized in %.3f ms (load + prepare)%n", initMs);

    long s = System.nanoTime();
    it.run();
    double firstMs = ms(System.nanoTime() - s);
    out.printf("First inference: %.3f ms%n", firstMs);

    double warmSum = 0;
    int warmup = 0;
    long warmStart = System.nanoTime();
    // The warm-up seconds count from when the runtime's vector kernel warm-up is over: until
    // then the vector ops run their scalar twins, and right after it the model's own code
    // still deoptimizes and recompiles for the vector paths (measured: dtln 0.87 ms median
    // when timed from the switch, 0.09 after a few seconds of it).
    long readySince = VectorWarmup.ready() ? warmStart : -1;
    while (true) {
      long now = System.nanoTime();
      if (readySince < 0 && VectorWarmup.ready()) {
        readySince = now;
      }
      if (warmup >= warmupMin && readySince >= 0 && now - readySince >= warmupNanos) {
        break;
      }
      s = System.nanoTime();
      it.run();
      warmSum += ms(System.nanoTime() - s);
      warmup++;
    }
    double warmAvg = warmup == 0 ? 0 : warmSum / warmup;
    if (warmup > 0) {
      out.printf("Warm-up: %d runs, avg %.3f ms%n", warmup, warmAvg);
    }

    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      s = System.nanoTime();
      it.run();
      t[i] = ms(System.nanoTime() - s);
    }
    double sum = 0;
    for (double v : t) {
      sum += v;
    }
    double mean = sum / runs;
    double var = 0;
    for (double v : t) {
      var += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(var / runs);
    double[] sorted = t.clone();
    Arrays.sort(sorted);
    double min = sorted[0];
    double max = sorted[runs - 1];
    double median = percentile(sorted, 50);
    double p90 = percentile(sorted, 90);
    double p99 = percentile(sorted, 99);
    long hwm = ProcessStats.peakRssBytes();
    double peakMb = hwm < 0 ? -1 : hwm / 1048576.0;
    out.printf(
        "Steady state: count=%d min=%.3f median=%.3f p90=%.3f p99=%.3f max=%.3f mean=%.3f std=%.3f ms%n",
        runs, min, median, p90, p99, max, mean, std);
    out.printf("Peak RSS: %.1f MB%n", peakMb);
    if (profile) {
      printOpProfile(it, runs, median, out);
    }
    if (json) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("model", modelPath.toString());
      o.put("threads", threads);
      o.put("init_ms", round(initMs));
      o.put("first_run_ms", round(firstMs));
      o.put("warmup_runs", warmup);
      o.put("warmup_avg_ms", round(warmAvg));
      o.put("runs", runs);
      o.put("min_ms", round(min));
      o.put("median_ms", round(median));
      o.put("p90_ms", round(p90));
      o.put("p99_ms", round(p99));
      o.put("max_ms", round(max));
      o.put("mean_ms", round(mean));
      o.put("std_ms", round(std));
      o.put("peak_rss_mb", round(peakMb));
      o.put("arena_bytes", model.arenaBytes());
      o.put("weight_bytes", model.weightBytes());
      out.println(Json.MAPPER.writeValueAsString(o));
    }
    it.close();
    return 0;
  }

  /**
   * Times every node over {@code runs} more inferences (separately from the steady-state
   * numbers, whose runs are not slowed by the clock reads) and prints the nodes and the
   * operator types sorted by total time.
   */
  private static void printOpProfile(Interpreter it, int runs, double medianMs, PrintStream out)
      throws Exception {
    int n = it.nodeCount();
    long[] nanos = new long[n];
    long[] mins = new long[n];
    Arrays.fill(mins, Long.MAX_VALUE);
    long[] once = new long[n];
    for (int r = 0; r < runs; r++) {
      Arrays.fill(once, 0);
      it.runProfiled(once);
      for (int i = 0; i < n; i++) {
        nanos[i] += once[i];
        mins[i] = Math.min(mins[i], once[i]);
      }
    }
    long sum = 0;
    for (long v : nanos) {
      sum += v;
    }
    final long total = sum;
    double totalMs = ms(total) / runs;
    out.printf(
        "Op profile: %d runs, sum of nodes %.3f ms per run (steady-state median %.3f ms)%n",
        runs, totalMs, medianMs);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(nanos[b], nanos[a]));
    java.util.Map<String, long[]> byType = new java.util.LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String type = it.nodeDescription(i).split(" ", 2)[0];
      long[] acc = byType.computeIfAbsent(type, k -> new long[2]);
      acc[0] += nanos[i];
      acc[1]++;
    }
    out.println("By operator type:");
    byType.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
        .forEach(
            e ->
                out.printf(
                    "  %-28s nodes=%-4d %9.3f ms %5.1f%%%n",
                    e.getKey(),
                    e.getValue()[1],
                    ms(e.getValue()[0]) / runs,
                    total == 0 ? 0 : 100.0 * e.getValue()[0] / total));
    out.println("Nodes by average time (min: the fastest run, for a noisy machine):");
    for (Integer i : order) {
      if (nanos[i] == 0) {
        continue;
      }
      out.printf(
          "  %4d avg %9.3f ms %5.1f%%  min %9.3f ms  %s%n",
          i, ms(nanos[i]) / runs, 100.0 * nanos[i] / total, ms(mins[i]),
          it.nodeDescription(i));
    }
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
