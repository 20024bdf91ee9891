package io.tflited.daemon.cli;

import io.tflited.converter.keras.ConversionException;
import io.tflited.converter.keras.KerasConverter;
import io.tflited.converter.keras.KerasModel;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code tflited convert MODEL.h5|MODEL.keras OUT.tflite}: a Keras model to a float32 TFLite
 * model with TensorFlow's converter fusions (batch norm folded, ReLU/ReLU6 fused, dropout
 * removed). The output is loaded back by the runtime before it is written.
 */
public final class ConvertCommand implements Command {
  @Override
  public String name() {
    return "convert";
  }

  @Override
  public String summary() {
    return "convert a Keras model (.h5 or .keras) to a float32 .tflite";
  }

  @Override
  public String usage() {
    return "tflited convert MODEL.h5|MODEL.keras OUT.tflite";
  }

  @Override
  public Args args() {
    return new Args(name());
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    if (args.positionals().size() != 2) {
      throw new UsageException(
          "expected MODEL.h5|MODEL.keras and OUT.tflite, got " + args.positionals().size()
              + " arguments");
    }
    Path in = Path.of(args.positionals().get(0));
    Path outPath = Path.of(args.positionals().get(1));
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
    Path tmp = outPath.resolveSibling(outPath.getFileName() + ".tmp");
    Files.write(tmp, c.model());
    Files.move(tmp, outPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    out.printf(
        "Converted %s (%s, %d layers) to %s: %d bytes, %d ops %s; %d batch norms folded,"
            + " %d activations fused%n",
        in, keras.modelClass(), keras.layers().size(), outPath, c.model().length,
        check.nodeCount(), check.opHistogram(), c.batchNormsFolded(), c.activationsFused());
    return 0;
  }
}
