package io.tflited.runtime.models;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.SharedModels;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model of ../shared/models that TensorFlow Lite 2.4.1 can run, on fresh seeded inputs
 * (seed 7, unlike the goldens' 42), compared output by output with TFLite itself.
 */
class CorpusDifferentialTest {
  static Stream<String> models() throws Exception {
    Path root = SharedModels.root();
    if (root == null) {
      return Stream.of("<no shared corpus>");
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(p -> p.toString().endsWith(".tflite"))
          .filter(p -> !p.toString().contains("invalid_models"))
          .map(p -> root.relativize(p).toString())
          .sorted()
          .forEach(out::add);
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void matchesTfLite(String name) throws Exception {
    Assumptions.assumeTrue(SharedModels.root() != null, "../shared/models not found");
    TfLiteOracle.assumeAvailable();
    Path path = SharedModels.require(name);
    byte[] bytes = Files.readAllBytes(path);
    CompiledModel model = CompiledModel.open(path);
    byte[][] inputs = Differential.randomInputs(model.inputs(), 7, 1f);
    byte[][] expected;
    try {
      expected = TfLiteOracle.run(bytes, inputs);
    } catch (RuntimeException e) {
      Assumptions.abort("TFLite 2.4.1 cannot run " + name + ": " + e.getMessage());
      return;
    }
    byte[][] actual = Differential.run(model, inputs);
    Differential.assertOutputsMatch(model.outputs(), expected, actual, name);
  }
}
