package io.tflited.daemon.cli;

import io.tflited.converter.quantize.CalibrationData;
import io.tflited.converter.quantize.Calibrator;
import io.tflited.converter.quantize.QuantizationReport;
import io.tflited.converter.quantize.Quantizer;
import io.tflited.daemon.registry.SeededInputs;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.TfLitedException;
import io.tflited.runtime.model.ModelFile;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tflited quantize}: post-training quantization of a float model (float16 weights,
 * dynamic-range int8 weights, or full int8 calibrated on a representative dataset), with an
 * optional measured report of size, latency and agreement for every variant.
 */
public final class QuantizeCommand implements Command {
  @Override
  public String name() {
    return "quantize";
  }

  @Override
  public String summary() {
    return "quantize a float model (float16, dynamic-range int8 weights, or full int8)";
  }

  @Override
  public String usage() {
    return "tflited quantize --mode float16|dynamic|int8 [--calibration DIR] [--io"
               + " float|int8|uint8] [--calibration-method percentile|minmax|mean] [--report [--json] [--compare FILES]]"
               + " IN.tflite OUT.tflite";
  }

  @Override
  public Args args() {
    return new Args(name())
        .option("mode", "MODE", "float16, dynamic or int8")
        .option(
            "calibration",
            "DIR",
            "representative dataset: one subfolder per sample with"
                + " input_<i>.bin, or image files (required for int8)")
        .option(
            "io",
            "TYPE",
            "int8 mode: dtype of the inputs and outputs (float, int8, uint8;" + " default float)")
        .option(
            "calibration-method",
            "M",
            "percentile (default: 10th/90th percentile of the per-sample min/max),"
                + " minmax (overall min and max, TFLite's calibrator) or mean (mean of the"
                + " per-sample min and max)")
        .option("image-max", "X", "calibration images are scaled to [0, X] (default 1)")
        .option("runs", "N", "report: timed runs per variant (default 50)")
        .option(
            "compare",
            "FILES",
            "report: also measure these already-quantized models of the same network"
                + " (comma-separated; e.g. TensorFlow's own int8 file) on the same data")
        .flag(
            "report",
            "measure float32, float16, dynamic and int8: size, median latency,"
                + " agreement with the float model")
        .flag("json", "print the report as one JSON object on the last line of stdout");
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    List<String> pos = args.positionals();
    if (pos.size() != 2) {
      throw new UsageException("expected IN.tflite OUT.tflite, got " + pos.size() + " argument(s)");
    }
    Path in = Path.of(pos.get(0));
    Path outPath = Path.of(pos.get(1));
    Quantizer.Mode mode = parse(Quantizer.Mode.class, "mode", args.require("mode"));
    Quantizer.IoType io = parse(Quantizer.IoType.class, "io", args.get("io", "float"));
    Calibrator.Method method =
        parse(
            Calibrator.Method.class,
            "calibration-method",
            args.get(
                "calibration-method",
                Calibrator.Method.DEFAULT.name().toLowerCase(java.util.Locale.ROOT)));
    if (io != Quantizer.IoType.FLOAT && mode != Quantizer.Mode.INT8) {
      throw new UsageException("--io " + args.get("io") + " needs --mode int8");
    }
    float imageMax;
    try {
      imageMax = Float.parseFloat(args.get("image-max", "1"));
    } catch (NumberFormatException e) {
      throw new UsageException("--image-max must be a number, not '" + args.get("image-max") + "'");
    }
    int runs = args.intValue("runs", 50, 1, 1_000_000);
    boolean report = args.flag("report");
    if (args.flag("json") && !report) {
      throw new UsageException("--json needs --report");
    }
    List<Path> compare = new ArrayList<>();
    if (args.has("compare")) {
      if (!report) {
        throw new UsageException("--compare needs --report");
      }
      for (String f : args.get("compare").split(",")) {
        Path p = Path.of(f.strip());
        if (!Files.isRegularFile(p)) {
          throw new CommandFailedException("--compare: model file not found: " + p);
        }
        compare.add(p);
      }
    }
    if (mode == Quantizer.Mode.INT8 && !args.has("calibration")) {
      throw new UsageException("--mode int8 needs --calibration DIR");
    }
    if (!Files.isRegularFile(in)) {
      throw new CommandFailedException("model file not found: " + in);
    }
    byte[] floatBytes = Files.readAllBytes(in);
    ModelFile model;
    try {
      model = ModelFile.parse(ByteBuffer.wrap(floatBytes));
    } catch (ModelException e) {
      throw new CommandFailedException("cannot load model " + in + ": " + e.getMessage(), e);
    }
    List<TensorInfo> inputs = new ArrayList<>();
    for (int t : model.graph().inputs()) {
      inputs.add(model.graph().tensors().get(t).info());
    }
    CalibrationData cal = null;
    if (args.has("calibration")) {
      cal = CalibrationData.load(Path.of(args.get("calibration")), inputs, imageMax);
    }

    Quantizer.Result details = quantize(model, mode, io, cal, method, in);
    byte[] result = details.model();
    Files.write(outPath, result);
    out.printf(
        "Wrote %s: %s, %d bytes (input %d bytes)%n",
        outPath, mode.name().toLowerCase(java.util.Locale.ROOT), result.length, floatBytes.length);
    if (!details.floatOperators().isEmpty()) {
      out.println("Kept in float32 (no int8 rule): " + String.join(", ", details.floatOperators()));
    }

    if (report) {
      List<byte[][]> samples;
      if (cal != null) {
        samples = cal.samples();
      } else {
        samples = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
          samples.add(SeededInputs.generate(inputs, SeededInputs.SEED + k).toArray(new byte[0][]));
        }
        out.println(
            "Report data: 8 seeded random inputs (seeds 42..49; "
                + SeededInputs.DESCRIPTION
                + "); pass --calibration for real data");
      }
      QuantizationReport r = QuantizationReport.start(floatBytes, samples, runs, "float32");
      for (Quantizer.Mode m : Quantizer.Mode.values()) {
        if (m == Quantizer.Mode.INT8 && cal == null) {
          out.println("int8: skipped (needs --calibration)");
          continue;
        }
        byte[] variant = m == mode ? result : quantize(model, m, io, cal, method, in).model();
        r.add(m.name().toLowerCase(java.util.Locale.ROOT), variant, runs);
      }
      for (Path p : compare) {
        try {
          r.add(p.getFileName().toString(), Files.readAllBytes(p), runs);
        } catch (TfLitedException | IllegalArgumentException | IllegalStateException e) {
          throw new CommandFailedException(
              "--compare: cannot run " + p + " on the report data: " + e.getMessage(), e);
        }
      }
      out.print(r.table());
      if (args.flag("json")) {
        out.println(r.json());
      }
    }
    return 0;
  }

  private static Quantizer.Result quantize(
      ModelFile model,
      Quantizer.Mode mode,
      Quantizer.IoType io,
      CalibrationData cal,
      Calibrator.Method method,
      Path in)
      throws CommandFailedException {
    try {
      Quantizer.IoType variantIo = mode == Quantizer.Mode.INT8 ? io : Quantizer.IoType.FLOAT;
      return Quantizer.quantizeWithDetails(model, mode, variantIo, cal, method);
    } catch (TfLitedException e) {
      throw new CommandFailedException("cannot quantize " + in + ": " + e.getMessage(), e);
    }
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String option, String value)
      throws UsageException {
    try {
      return Enum.valueOf(type, value.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--"
              + option
              + " must be one of "
              + java.util.Arrays.toString(type.getEnumConstants())
                  .toLowerCase(java.util.Locale.ROOT)
              + ", not '"
              + value
              + "'");
    }
  }
}
