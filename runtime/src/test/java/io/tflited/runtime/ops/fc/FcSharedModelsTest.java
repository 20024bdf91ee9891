package io.tflited.runtime.ops.fc;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Shared corpus models made only of FULLY_CONNECTED nodes, against their TFLite 2.4.1 goldens. */
class FcSharedModelsTest {
  @ParameterizedTest
  @ValueSource(strings = {
    "mlcommons-tiny/anomaly_detection/ad01_fp32",
    "mlcommons-tiny/anomaly_detection/ad01_int8",
    "mlcommons-tiny/anomaly_detection/model_ToyCar_quant",
    "tflite-micro/hello_world/hello_world_float",
    "tflite-micro/hello_world/hello_world_int8",
  })
  void matchesGolden(String name) throws Exception {
    Path model = SharedModels.require(name + ".tflite");
    Path golden = SharedModels.require("golden/" + name);
    CompiledModel cm = CompiledModel.open(model);
    byte[][] inputs = new byte[cm.inputs().size()][];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = Files.readAllBytes(golden.resolve("input_" + i + ".bin"));
    }
    byte[][] expected = new byte[cm.outputs().size()][];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Files.readAllBytes(golden.resolve("output_" + i + ".bin"));
    }
    byte[][] actual = Differential.run(cm, inputs);
    Differential.assertOutputsMatch(cm.outputs(), expected, actual, name);
  }
}
