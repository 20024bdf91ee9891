package io.tflited.runtime.ops.sequence;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.SharedModels;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The LSTM and SVDF nodes of the shared corpus models, each cut out and run against TFLite. */
class SharedModelSequenceOpsTest {

  private static void checkNodes(String file, int code, int expectedCount) throws Exception {
    Path p = SharedModels.require(file);
    ByteBuffer model = ByteBuffer.wrap(Files.readAllBytes(p));
    List<Integer> ops = SingleOpExtractor.find(model, code);
    assertFalse(ops.isEmpty(), "no node of op " + code + " in " + file);
    if (expectedCount > 0 && ops.size() != expectedCount) {
      throw new AssertionError(file + " has " + ops.size() + " nodes, expected " + expectedCount);
    }
    for (int opIndex : ops) {
      ByteBuffer single = SingleOpExtractor.extract(model, opIndex);
      CompiledModel compiled = CompiledModel.fromBuffer(single.duplicate(), InterpreterOptions.defaults());
      List<TensorInfo> ins = compiled.inputs();
      byte[][][] steps = new byte[4][][];
      for (int s = 0; s < steps.length; s++) {
        steps[s] = Differential.randomInputs(ins, 31L * opIndex + s, 1.0f);
      }
      StatefulDiff.assertSequenceMatches(single, steps, file + " node " + opIndex);
    }
  }

  @Test
  void kerasLstmMnistLstmNode() throws Exception {
    checkNodes("google-coral-test_data/keras_lstm_mnist_ptq.tflite", BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, 1);
  }

  @Test
  void dtlnLstmNodes() throws Exception {
    checkNodes("tflite-micro/dtln/dtln_noise_suppression.tflite", BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, 2);
  }

  @Test
  void keywordScrambledSvdfNodes() throws Exception {
    checkNodes("tflite-micro/keyword_scrambled/keyword_scrambled.tflite", BuiltinOperator.SVDF, 7);
  }

  /** Skips when another family's operator is not merged in yet; a failure of ours still fails. */
  private static void skipIfOtherFamilyMissing(ModelException e) throws ModelException {
    String m = String.valueOf(e.getMessage());
    if (m.contains("unsupported operator") && !m.contains("LSTM") && !m.contains("SVDF")) {
      Assumptions.abort("model does not compile in this branch: " + m);
    }
    throw e;
  }

  /** Whole-model goldens; skipped while other operator families are not merged in. */
  private static void golden(String name) throws Exception {
    Path model = SharedModels.require(name + ".tflite");
    Path dir = SharedModels.require("golden/" + name);
    CompiledModel compiled;
    try {
      compiled = CompiledModel.open(model, InterpreterOptions.defaults());
    } catch (ModelException e) {
      skipIfOtherFamilyMissing(e);
      return;
    }
    byte[][] inputs = new byte[compiled.inputs().size()][];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = Files.readAllBytes(dir.resolve("input_" + i + ".bin"));
    }
    byte[][] expected = new byte[compiled.outputs().size()][];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Files.readAllBytes(dir.resolve("output_" + i + ".bin"));
    }
    Differential.assertOutputsMatch(compiled.outputs(), expected, Differential.run(compiled, inputs), name);
  }

  /** No golden exists (TFLite cannot run its int16 input); it must load and run statefully. */
  @Test
  void keywordScrambledLoadsAndRuns() throws Exception {
    Path model = SharedModels.require("tflite-micro/keyword_scrambled/keyword_scrambled.tflite");
    CompiledModel compiled;
    try {
      compiled = CompiledModel.open(model, InterpreterOptions.defaults());
    } catch (ModelException e) {
      skipIfOtherFamilyMissing(e);
      return;
    }
    try (var it = compiled.newInterpreter()) {
      byte[][] in = Differential.goldenStyleInputs(compiled.inputs());
      for (int step = 0; step < 3; step++) {
        for (int i = 0; i < in.length; i++) {
          it.copyInput(i, in[i]);
        }
        it.run();
        assertFalse(it.outputBytes(0).length == 0);
      }
    }
  }

  @Test
  void kerasLstmMnistGolden() throws Exception {
    golden("google-coral-test_data/keras_lstm_mnist_ptq");
  }

  @Test
  void dtlnGolden() throws Exception {
    golden("tflite-micro/dtln/dtln_noise_suppression");
  }
}
