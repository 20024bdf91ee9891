package io.tflited.runtime.ops.activation;

import static io.tflited.runtime.ops.activation.UnaryModels.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SoftmaxOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.SharedModels;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every SOFTMAX, LOGISTIC, TANH, QUANTIZE and DEQUANTIZE node of the shared corpus, cut out
 * as a single-op model with its real types, shapes, quantization and options, run on random
 * inputs against TFLite 2.4.1.
 */
class CorpusNodesTest {
  private static final Set<Integer> OPS = Set.of(
      BuiltinOperator.SOFTMAX, BuiltinOperator.LOGISTIC, BuiltinOperator.TANH,
      BuiltinOperator.QUANTIZE, BuiltinOperator.DEQUANTIZE);

  @Test
  void corpusNodesMatchTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    Path root = SharedModels.require("ops.md").getParent();
    List<Path> models;
    try (Stream<Path> s = Files.walk(root)) {
      models = s.filter(p -> p.toString().endsWith(".tflite"))
          .filter(p -> !p.toString().contains("invalid_models")).sorted().toList();
    }
    Random r = new Random(20);
    int checked = 0;
    int unchecked = 0;
    for (Path path : models) {
      ModelFile file;
      try {
        file = ModelFile.open(path);
      } catch (io.tflited.runtime.ModelException e) {
        // Loader limitations belong to the core, not to these ops.
        System.out.println("CorpusNodesTest: skipping " + path.getFileName() + ": " + e.getMessage());
        continue;
      }
      for (Node node : file.graph().nodes()) {
        if (!OPS.contains(node.builtinCode())) {
          continue;
        }
        TensorSpec in = file.graph().tensors().get(node.inputs()[0]);
        TensorSpec out = file.graph().tensors().get(node.outputs()[0]);
        if (in.isConstant()) {
          continue;
        }
        int[] shape = in.shape();
        for (int i = 0; i < shape.length; i++) {
          shape[i] = Math.max(shape[i], 1);
        }
        ModelBuilder.OptionsWriter options = null;
        int optionsType = 0;
        if (node.builtinCode() == BuiltinOperator.SOFTMAX) {
          SoftmaxOptions o = (SoftmaxOptions) node.operator().builtinOptions(new SoftmaxOptions());
          float beta = o == null ? 0f : o.beta();
          optionsType = BuiltinOptions.SoftmaxOptions;
          options = fbb -> SoftmaxOptions.createSoftmaxOptions(fbb, beta);
        }
        if ((in.type() == DataType.INT16 && in.zeroPoint() != 0)
            || (out.type() == DataType.INT16 && out.zeroPoint() != 0)) {
          // TFLite 2.4.1 refuses int16 zero points other than 0 (TFLite Micro models use
          // them); check only that tflited runs the node.
          byte[] plain = unary(node.builtinCode(), node.version(), in.type(), in.quantization(),
              out.type(), out.quantization(), shape);
          int count = 1;
          for (int d : shape) {
            count *= d;
          }
          byte[] raw = new byte[count * in.type().byteSize()];
          r.nextBytes(raw);
          run(plain, raw);
          unchecked++;
          continue;
        }
        byte[] model = wrapped(node.builtinCode(), node.version(), in.type(), in.quantization(),
            out.type(), out.quantization(), shape, optionsType, options);
        int n = 1;
        for (int d : shape) {
          n *= d;
        }
        byte[] input = randomInput(r, in.type(), in.quantization(), out.quantization(), n);
        try {
          if (out.type() == DataType.FLOAT32) {
            Differential.assertMatchesTfLite(model, new byte[][] {input});
          } else {
            assertExact(model, input);
          }
        } catch (AssertionError e) {
          throw new AssertionError(path.getFileName() + " node " + node.index() + " "
              + node.opName() + ": " + e.getMessage(), e);
        }
        checked++;
      }
    }
    assertTrue(checked >= 15, "only " + checked + " corpus nodes found");
    System.out.println("CorpusNodesTest: " + checked + " nodes checked against TFLite 2.4.1, "
        + unchecked + " run only");
  }

  private static byte[] randomInput(Random r, DataType t, Quantization inQ, Quantization outQ, int n) {
    switch (t) {
      case FLOAT32 -> {
        float range = outQ.isQuantized() ? outQ.scale() * 300 : 10f;
        return randomFloats(r, n, range);
      }
      case INT16 -> {
        ByteBuffer bb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          bb.putFloat((r.nextInt(65536) - 32768) * inQ.scale());
        }
        return bb.array();
      }
      default -> {
        byte[] b = new byte[n * t.byteSize()];
        r.nextBytes(b);
        return b;
      }
    }
  }
}
