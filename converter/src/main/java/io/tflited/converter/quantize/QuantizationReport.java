package io.tflited.converter.quantize;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.TfLitedException;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The measurements behind {@code tflited quantize --report}: for each variant of a model, its file
 * size, the median latency of {@code runs} tflited invocations (all variants timed in one
 * interleaved pass, see {@link #measureLatencies()}), and its agreement with the float
 * model on the evaluation samples: max and mean absolute error of output 0 and, for a classifier (a
 * model whose first output is written by SOFTMAX), top-1 agreement.
 *
 * <p>Samples are in the float model's input format; a variant with int8/uint8 inputs gets them
 * quantized with its input's scale and zero point (round half away from zero, clamped).
 */
public final class QuantizationReport {
  /** Warm-up time per timed run: 1 s at the CLI's default of 50 runs. */
  private static final long WARMUP_NANOS_PER_RUN = 20_000_000L;
  /** One measured variant; {@code top1} is NaN for a non-classifier. */
  public record Row(
      String name,
      long fileBytes,
      double medianMs,
      double top1,
      double maxAbsError,
      double meanAbsError) {}

  private final boolean classifier;
  private final List<Row> rows = new ArrayList<>();
  /** Model bytes of each row, kept until the latencies are measured together. */
  private final List<byte[]> models = new ArrayList<>();
  private int runs;
  private boolean timed;

  private QuantizationReport(boolean classifier) {
    this.classifier = classifier;
  }

  public boolean classifier() {
    return classifier;
  }

  /** The rows, latencies measured (see {@link #table()}). */
  public List<Row> rows() throws TfLitedException {
    measureLatencies();
    return List.copyOf(rows);
  }

  /** Starts a report for this float model; its own row is added first. */
  public static QuantizationReport start(
      byte[] floatModel, List<byte[][]> samples, int runs, String name) throws TfLitedException {
    ModelFile mf = ModelFile.parse(ByteBuffer.wrap(floatModel));
    boolean classifier = false;
    int out0 = mf.graph().outputs()[0];
    for (var n : mf.graph().nodes()) {
      for (int o : n.outputs()) {
        if (o == out0 && n.builtinCode() == BuiltinOperator.SOFTMAX) {
          classifier = true;
        }
      }
    }
    QuantizationReport r = new QuantizationReport(classifier);
    r.runs = runs;
    r.reference = outputs(floatModel, samples);
    r.samples = samples;
    r.add(name, floatModel, runs);
    return r;
  }

  private float[][] reference;
  private List<byte[][]> samples;

  /**
   * Adds a variant: its size and agreement with the float model are measured now, its latency
   * when the table or JSON is first asked for (all variants together, see {@link #table()}); the
   * returned row's {@code medianMs} is NaN.
   */
  public Row add(String name, byte[] model, int runs) throws TfLitedException {
    if (timed) {
      throw new IllegalStateException("latencies already measured; add variants before table()");
    }
    this.runs = Math.max(this.runs, runs);
    float[][] got = outputs(model, samples);
    int agree = 0;
    double maxAbs = 0;
    double sumAbs = 0;
    long count = 0;
    for (int s = 0; s < got.length; s++) {
      if (argmax(got[s]) == argmax(reference[s])) {
        agree++;
      }
      for (int i = 0; i < got[s].length; i++) {
        double d = Math.abs(got[s][i] - reference[s][i]);
        maxAbs = Math.max(maxAbs, d);
        sumAbs += d;
        count++;
      }
    }
    double top1 = classifier ? (double) agree / got.length : Double.NaN;
    Row row =
        new Row(
            name,
            model.length,
            Double.NaN,
            top1,
            maxAbs,
            sumAbs / Math.max(1, count));
    rows.add(row);
    models.add(model);
    return row;
  }

  /**
   * Times every variant in one interleaved pass: each is warmed up (at least {@code runs}
   * invocations and runs x 20 ms, so the JIT has compiled its kernels), then {@code runs} rounds
   * time one invocation of each variant in turn, on the first sample. Timed one after the other,
   * the variant measured right after the slow hybrid one came out up to 10x slower than the same
   * kernels later in the run (JIT recompilation and machine load land on one variant);
   * interleaving spreads both over all of them.
   */
  private void measureLatencies() throws TfLitedException {
    if (timed) {
      return;
    }
    timed = true;
    List<Interpreter> its = new ArrayList<>();
    try {
      for (byte[] model : models) {
        CompiledModel m =
            CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
        Interpreter it = m.newInterpreter();
        its.add(it);
        feed(it, samples.get(0));
      }
      for (Interpreter it : its) {
        long warmUntil = System.nanoTime() + WARMUP_NANOS_PER_RUN * runs;
        for (int i = 0; i < runs || System.nanoTime() < warmUntil; i++) {
          it.run();
        }
      }
      double[][] t = new double[its.size()][Math.max(1, runs)];
      for (int round = 0; round < t[0].length; round++) {
        for (int v = 0; v < its.size(); v++) {
          long start = System.nanoTime();
          its.get(v).run();
          t[v][round] = (System.nanoTime() - start) / 1e6;
        }
      }
      for (int v = 0; v < rows.size(); v++) {
        Arrays.sort(t[v]);
        Row r = rows.get(v);
        rows.set(
            v,
            new Row(
                r.name(),
                r.fileBytes(),
                t[v][(t[v].length - 1) / 2],
                r.top1(),
                r.maxAbsError(),
                r.meanAbsError()));
      }
    } finally {
      for (Interpreter it : its) {
        it.close();
      }
    }
  }

  /** The report as an aligned text table (measures the latencies on first use). */
  public String table() throws TfLitedException {
    measureLatencies();
    int width = "variant".length();
    for (Row r : rows) {
      width = Math.max(width, r.name().length());
    }
    String name = "%-" + width + "s";
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            name + " %12s %11s %-13s %-13s%s%n",
            "variant",
            "size (bytes)",
            "median ms",
            "max abs err",
            "mean abs err",
            classifier ? " top-1 agreement" : ""));
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT, name + " %12d %11.3f ", r.name(), r.fileBytes(), r.medianMs()));
      sb.append(String.format(Locale.ROOT, "%-13.6g %-13.6g", r.maxAbsError(), r.meanAbsError()));
      if (classifier) {
        sb.append(
            String.format(
                Locale.ROOT,
                " %.4f (%d of %d samples)",
                r.top1(),
                Math.round(r.top1() * samples.size()),
                samples.size()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The report as one JSON object (measures the latencies on first use). */
  public String json() throws TfLitedException {
    measureLatencies();
    StringBuilder sb =
        new StringBuilder("{\"classifier\":")
            .append(classifier)
            .append(",\"samples\":")
            .append(samples.size())
            .append(",\"variants\":[");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(i == 0 ? "" : ",")
          .append("{\"name\":\"")
          .append(r.name())
          .append("\",\"file_bytes\":")
          .append(r.fileBytes())
          .append(",\"median_ms\":")
          .append(num(r.medianMs()));
      if (classifier) {
        sb.append(",\"top1_agreement\":").append(num(r.top1()));
      }
      sb.append(",\"max_abs_error\":")
          .append(num(r.maxAbsError()))
          .append(",\"mean_abs_error\":")
          .append(num(r.meanAbsError()));
      sb.append('}');
    }
    return sb.append("]}").toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
  }

  /** Output 0 of {@code model}, dequantized, for every sample. */
  public static float[][] outputs(byte[] model, List<byte[][]> samples) throws TfLitedException {
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    float[][] out = new float[samples.size()][];
    try (Interpreter it = m.newInterpreter()) {
      for (int s = 0; s < out.length; s++) {
        feed(it, samples.get(s));
        it.run();
        out[s] = it.outputDequantized(0);
      }
    }
    return out;
  }

  /** Copies a float-format sample into the interpreter's inputs, quantizing where needed. */
  public static void feed(Interpreter it, byte[][] sample) throws TfLitedException {
    for (int i = 0; i < sample.length; i++) {
      it.copyInput(i, convert(sample[i], it.input(i)));
    }
  }

  /** A float32 sample converted to {@code info}'s dtype (int8/uint8 quantized); others as is. */
  public static byte[] convert(byte[] floats, TensorInfo info) {
    DataType t = info.dataType();
    if (t != DataType.INT8 && t != DataType.UINT8 || floats.length != 4 * info.elementCount()) {
      return floats;
    }
    ByteBuffer f = ByteBuffer.wrap(floats).order(ByteOrder.LITTLE_ENDIAN);
    byte[] q = new byte[floats.length / 4];
    float scale = info.quantization().scale();
    long zp = info.quantization().zeroPoint();
    int lo = t == DataType.INT8 ? -128 : 0;
    int hi = t == DataType.INT8 ? 127 : 255;
    for (int i = 0; i < q.length; i++) {
      long v = QuantizedMultiplier.roundHalfAwayFromZero((double) f.getFloat(4 * i) / scale) + zp;
      q[i] = (byte) Math.max(lo, Math.min(hi, v));
    }
    return q;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
