package io.tflited.daemon.cli;

import io.tflited.converter.keras.ConversionException;
import io.tflited.converter.keras.KerasConverter;
import io.tflited.converter.keras.KerasModel;
import io.tflited.converter.quantize.CalibrationData;
import io.tflited.converter.quantize.Calibrator;
import io.tflited.converter.quantize.Quantizer;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.TfLitedException;
import io.tflited.runtime.model.ModelFile;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code tflited convert MODEL.h5|MODEL.keras OUT.tflite [--quantize MODE ...]}: a Keras model to a
 * float32 TFLite model with TensorFlow's converter fusions (batch norm folded, ReLU/ReLU6 fused,
 * dropout removed), optionally quantized by the {@code tflited quantize} code ({@link Quantizer}).
 * The float model is loaded back by the runtime before anything is written.
 */
public final class ConvertCommand implements Command {
  @Override
  public String name() {
    return "convert";
  }

  @Override
  public String summary() {
    return "convert a Keras model (.h5 or .keras) to .tflite (float32, or quantized)";
  }

  @Override
  public String usage() {
    return "tflited convert MODEL.h5|MODEL.keras OUT.tflite [--quantize float16|dynamic|int8"
        + " [--calibration DIR] [--io float|int8|uint8] [--calibration-method percentile|minmax|mean]"
        + " [--image-max X]]";
  }

  @Override
  public Args args() {
    return new Args(name())
        .option("quantize", "MODE", "also quantize: float16, dynamic or int8 (as tflited quantize)")
        .option("calibration", "DIR", "int8: representative dataset (as tflited quantize)")
        .option("io", "TYPE", "int8: dtype of the inputs and outputs (float, int8, uint8)")
        .option("calibration-method", "M", "int8: percentile (default), minmax or mean")
        .option("image-max", "X", "int8: calibration images are scaled to [0, X] (default 1)");
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    if (args.positionals().size() != 2) {
      throw new UsageException(
          "expected MODEL.h5|MODEL.keras and OUT.tflite, got "
              + args.positionals().size()
              + " arguments");
    }
    Path in = Path.of(args.positionals().get(0));
    Path outPath = Path.of(args.positionals().get(1));
    Quantizer.Mode mode = null;
    if (args.has("quantize")) {
      mode = parse(Quantizer.Mode.class, "quantize", args.get("quantize"));
    }
    Quantizer.IoType io = parse(Quantizer.IoType.class, "io", args.get("io", "float"));
    Calibrator.Method method =
        parse(
            Calibrator.Method.class,
            "calibration-method",
            args.get(
                "calibration-method",
                Calibrator.Method.DEFAULT.name().toLowerCase(java.util.Locale.ROOT)));
    for (String o : List.of("calibration", "io", "calibration-method", "image-max")) {
      if (args.has(o) && mode != Quantizer.Mode.INT8) {
        throw new UsageException("--" + o + " needs --quantize int8");
      }
    }
    if (mode == Quantizer.Mode.INT8 && !args.has("calibration")) {
      throw new UsageException("--quantize int8 needs --calibration DIR");
    }
    float imageMax;
    try {
      imageMax = Float.parseFloat(args.get("image-max", "1"));
    } catch (NumberFormatException e) {
      throw new UsageException("--image-max must be a number, not '" + args.get("image-max") + "'");
    }

    KerasConverter.Conversion c;
    KerasModel keras;
    try {
      keras = KerasModel.read(in);
      c = KerasConverter.convertWithStats(keras);
    } catch (ConversionException e) {
      throw new CommandFailedException("cannot convert " + in + ": " + e.getMessage(), e);
    }
    CompiledModel check;
    try {
      check = CompiledModel.fromBuffer(ByteBuffer.wrap(c.model()), InterpreterOptions.defaults());
    } catch (ModelException e) {
      throw new CommandFailedException(
          "converted model does not load in tflited (converter bug): " + e.getMessage(), e);
    }
    out.printf(
        "Converted %s (%s, %d layers): %d bytes float32, %d ops %s; %d batch norms folded,"
            + " %d activations fused%n",
        in,
        keras.modelClass(),
        keras.layers().size(),
        c.model().length,
        check.nodeCount(),
        check.opHistogram(),
        c.batchNormsFolded(),
        c.activationsFused());

    byte[] result = c.model();
    if (mode != null) {
      try {
        ModelFile model = ModelFile.parse(ByteBuffer.wrap(c.model()));
        List<TensorInfo> inputs = new ArrayList<>();
        for (int t : model.graph().inputs()) {
          inputs.add(model.graph().tensors().get(t).info());
        }
        CalibrationData cal =
            mode == Quantizer.Mode.INT8
                ? CalibrationData.load(Path.of(args.get("calibration")), inputs, imageMax)
                : null;
        Quantizer.Result q = Quantizer.quantizeWithDetails(model, mode, io, cal, method);
        result = q.model();
        out.printf(
            "Quantized: %s, %d bytes%n", mode.name().toLowerCase(Locale.ROOT), result.length);
        if (!q.floatOperators().isEmpty()) {
          out.println("Kept in float32 (no int8 rule): " + String.join(", ", q.floatOperators()));
        }
      } catch (TfLitedException | IllegalArgumentException e) {
        throw new CommandFailedException(
            "cannot quantize the converted " + in + ": " + e.getMessage(), e);
      }
    }
    Path tmp = outPath.resolveSibling(outPath.getFileName() + ".tmp");
    Files.write(tmp, result);
    Files.move(tmp, outPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    out.printf("Wrote %s: %d bytes%n", outPath, result.length);
    return 0;
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String option, String value)
      throws UsageException {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--"
              + option
              + " must be one of "
              + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
              + ", not '"
              + value
              + "'");
    }
  }
}
