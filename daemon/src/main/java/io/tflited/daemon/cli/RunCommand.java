package io.tflited.daemon.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tflited.daemon.registry.SeededInputs;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.TensorInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code tflited run --model MODEL --input-dir IN --output-dir OUT [--threads N]}: one
 * inference on raw little-endian input files; writes output_i.bin and meta.json.
 */
public final class RunCommand implements Command {
  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "run a model once on IN/input_<i>.bin, write OUT/output_<i>.bin and OUT/meta.json";
  }

  @Override
  public String usage() {
    return "tflited run --model MODEL --input-dir IN --output-dir OUT [--threads N] [--kernels SET]\n\n"
        + "Inputs are raw little-endian bytes in the input tensor's dtype; the size must match exactly.\n"
        + "When IN holds no input files, seeded inputs are generated like the golden data\n"
        + "(" + io.tflited.daemon.registry.SeededInputs.DESCRIPTION + ") and written to IN.";
  }

  @Override
  public Args args() {
    return new Args(name())
        .option("model", "MODEL", "the .tflite model file")
        .option("input-dir", "IN", "directory of input_<i>.bin files (raw little-endian)")
        .option("output-dir", "OUT", "directory for output_<i>.bin and meta.json (created)")
        .option("threads", "N", "intra-op threads (default 1)")
        .option("kernels", "SET", "scalar (default: fastest for one inference), vector or auto");
  }

  /**
   * The kernel set for a command. One inference is done before the JIT has compiled the Vector
   * API kernels (cold, they run the library's boxing fallbacks), so the scalar twins finish it
   * sooner: mobilenet_v2 quant load + first inference 0.35 + 0.44 s scalar vs 0.46 + 0.86 s
   * vector, measured side by side. Results are identical (the vector kernels' parity tests).
   */
  static InterpreterOptions.KernelSet kernels(Args args, InterpreterOptions.KernelSet fallback)
      throws UsageException {
    String v = args.get("kernels");
    if (v == null) {
      return fallback;
    }
    return switch (v) {
      case "scalar" -> InterpreterOptions.KernelSet.SCALAR;
      case "vector" -> InterpreterOptions.KernelSet.VECTOR;
      case "auto" -> InterpreterOptions.KernelSet.AUTO;
      default -> throw new UsageException("--kernels must be scalar, vector or auto, not '" + v + "'");
    };
  }

  /** Opens a model, mapping its exceptions to one-line command failures. */
  static CompiledModel open(Path model, int threads, InterpreterOptions.KernelSet kernels)
      throws CommandFailedException, IOException {
    if (!Files.isRegularFile(model)) {
      throw new CommandFailedException("model file not found: " + model);
    }
    try {
      return CompiledModel.open(model, InterpreterOptions.defaults().withThreads(threads).withKernels(kernels));
    } catch (ModelException e) {
      throw new CommandFailedException("cannot load model " + model + ": " + e.getMessage(), e);
    }
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    if (!args.positionals().isEmpty()) {
      throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
    }
    Path modelPath = Path.of(args.require("model"));
    Path in = Path.of(args.require("input-dir"));
    Path outDir = Path.of(args.require("output-dir"));
    int threads = args.intValue("threads", 1, 1, 256);
    CompiledModel model = open(modelPath, threads, kernels(args, InterpreterOptions.KernelSet.SCALAR));
    List<TensorInfo> inputs = model.inputs();
    boolean generated = false;
    boolean anyPresent = false;
    for (int i = 0; i < inputs.size(); i++) {
      anyPresent |= Files.exists(in.resolve("input_" + i + ".bin"));
    }
    List<byte[]> data = new ArrayList<>();
    if (!anyPresent && inputs.size() > 0) {
      if (Files.exists(in) && !Files.isDirectory(in)) {
        throw new CommandFailedException("input dir " + in + " is not a directory");
      }
      Files.createDirectories(in);
      data = SeededInputs.generate(inputs);
      for (int i = 0; i < data.size(); i++) {
        Files.write(in.resolve("input_" + i + ".bin"), data.get(i));
      }
      generated = true;
    } else {
      for (int i = 0; i < inputs.size(); i++) {
        TensorInfo t = inputs.get(i);
        Path f = in.resolve("input_" + i + ".bin");
        if (!Files.isRegularFile(f)) {
          throw new CommandFailedException(
              "missing " + f + " for input " + i + " '" + t.name() + "' (" + t.dataType()
                  + Arrays.toString(t.shape()) + ", " + t.byteSize() + " bytes)");
        }
        long size = Files.size(f);
        if (size != t.byteSize()) {
          throw new CommandFailedException(
              f + " for input " + i + " '" + t.name() + "' (" + t.dataType()
                  + Arrays.toString(t.shape()) + ") has " + size + " bytes, expected "
                  + t.byteSize());
        }
        data.add(Files.readAllBytes(f));
      }
    }
    Files.createDirectories(outDir);
    ObjectNode meta = Json.MAPPER.createObjectNode();
    meta.put("runtime", "tflited");
    meta.put("model", modelPath.toString());
    meta.put("threads", threads);
    meta.put("inputs_generated", generated);
    try (Interpreter it = model.newInterpreter()) {
      for (int i = 0; i < data.size(); i++) {
        it.copyInput(i, data.get(i));
      }
      it.run();
      ArrayNode ia = meta.putArray("inputs");
      for (int i = 0; i < inputs.size(); i++) {
        ObjectNode t = Json.tensor(i, inputs.get(i));
        t.put("bytes", inputs.get(i).byteSize());
        t.put("file", "input_" + i + ".bin");
        ia.add(t);
      }
      ArrayNode oa = meta.putArray("outputs");
      for (int i = 0; i < it.outputCount(); i++) {
        TensorInfo t = it.output(i);
        byte[] bytes = it.outputBytes(i);
        String name = "output_" + i + ".bin";
        Files.write(outDir.resolve(name), bytes);
        ObjectNode o = Json.tensor(i, t);
        o.put("bytes", bytes.length);
        o.put("file", name);
        oa.add(o);
      }
    }
    meta.put("reference", "tflited");
    if (generated) {
      meta.put("inputs_seed", SeededInputs.DESCRIPTION);
    }
    Files.writeString(outDir.resolve("meta.json"), Json.PRETTY.writeValueAsString(meta) + "\n");
    out.println("wrote " + meta.get("outputs").size() + " output(s) and meta.json to " + outDir
        + (generated ? " (inputs generated into " + in + ")" : ""));
    return 0;
  }
}
