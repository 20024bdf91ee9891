package io.tflited.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The arena plan of every corpus model: no two live buffers overlap, and memory is reused. */
class CorpusPlanTest {
  @Test
  void plansOfEveryModelAreSound() throws Exception {
    Path root = SharedModels.require(".");
    List<Path> models;
    try (Stream<Path> s = Files.walk(root)) {
      models = s.filter(p -> p.toString().endsWith(".tflite"))
          .filter(p -> !p.toString().contains("invalid_models"))
          .sorted()
          .toList();
    }
    for (Path p : models) {
      CompiledModel m = CompiledModel.open(p);
      m.verifyPlan();
      System.out.printf("plan %-70s arena %9d bytes, weights %9d bytes%n",
          root.relativize(p), m.arenaBytes(), m.weightBytes());
      assertTrue(m.arenaBytes() >= 0);
    }
  }
}
