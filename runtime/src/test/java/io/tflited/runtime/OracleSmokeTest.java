package io.tflited.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.testing.SharedModels;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OracleSmokeTest {
  @Test
  void oracleRunsHelloWorldLikeItsGolden() throws Exception {
    TfLiteOracle.assumeAvailable();
    Path model = SharedModels.require("tflite-micro/hello_world/hello_world_float.tflite");
    Path golden = SharedModels.require("golden/tflite-micro/hello_world/hello_world_float");
    byte[][] out =
        TfLiteOracle.run(model, new byte[][] {Files.readAllBytes(golden.resolve("input_0.bin"))});
    assertEquals(
        java.util.HexFormat.of().formatHex(Files.readAllBytes(golden.resolve("output_0.bin"))),
        java.util.HexFormat.of().formatHex(out[0]));
  }
}
