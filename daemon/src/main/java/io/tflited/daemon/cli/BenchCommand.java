package io.tflited.daemon.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tflited.daemon.metrics.ProcessStats;
import io.tflited.daemon.registry.SeededInputs;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
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
    return "tflited bench --model MODEL [--threads N] [--warmup-runs N] [--num-runs N] [--json]";
  }

  @Override
  public Args args() {
    return new Args(name())
        .option("model", "MODEL", "the .tflite model file")
        .option("threads", "N", "intra-op threads (default 1)")
        .option("warmup-runs", "N", "warm-up inferences after the first (default 1)")
        .option("num-runs", "N", "timed steady-state inferences (default 50)")
        .flag("json", "print the results as one JSON object on the last line of stdout");
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    if (!args.positionals().isEmpty()) {
      throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
    }
    Path modelPath = Path.of(args.require("model"));
    int threads = args.intValue("threads", 1, 1, 256);
    int warmup = args.intValue("warmup-runs", 1, 0, 1_000_000);
    int runs = args.intValue("num-runs", 50, 1, 10_000_000);
    boolean json = args.flag("json");

    long t0 = System.nanoTime();
    CompiledModel model = RunCommand.open(modelPath, threads);
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
    for (int i = 0; i < warmup; i++) {
      s = System.nanoTime();
      it.run();
      warmSum += ms(System.nanoTime() - s);
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
