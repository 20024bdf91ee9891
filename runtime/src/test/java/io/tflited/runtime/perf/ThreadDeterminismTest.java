package io.tflited.runtime.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Intra-op threads change only who computes which rows: every corpus model gives bit-identical
 * outputs (floats included) with 1, 2 and 3 threads, on the same seeded inputs. Three threads
 * on this 2-core machine checks uneven splits.
 */
class ThreadDeterminismTest {
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
  void multiThreadedOutputsAreBitIdentical(String name) throws Exception {
    Assumptions.assumeTrue(SharedModels.root() != null, "../shared/models not found");
    Path path = SharedModels.require(name);
    CompiledModel one = CompiledModel.open(path, InterpreterOptions.defaults().withThreads(1));
    byte[][] inputs = Differential.randomInputs(one.inputs(), 11, 1f);
    byte[][] expected = Differential.run(one, inputs);
    for (int threads : new int[] {2, 3}) {
      CompiledModel many =
          CompiledModel.open(path, InterpreterOptions.defaults().withThreads(threads));
      byte[][] actual = Differential.run(many, inputs);
      for (int o = 0; o < expected.length; o++) {
        assertArrayEquals(
            expected[o], actual[o], name + " output " + o + " with " + threads + " threads");
      }
    }
  }
}
