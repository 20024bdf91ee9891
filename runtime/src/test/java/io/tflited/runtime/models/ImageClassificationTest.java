package io.tflited.runtime.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.testing.Bmp;
import io.tflited.runtime.testing.SharedModels;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real images through real classifiers: the top-1 ImageNet label must be the expected one,
 * and (where TFLite 2.4.1 runs here) the same class TFLite picks, with identical scores.
 */
class ImageClassificationTest {
  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
    "mobilenet_v2_1.0_224_quant.tflite, cat.bmp, cat",
    "mobilenet_v2_1.0_224_quant.tflite, grace_hopper.bmp, military uniform",
    "tf2_mobilenet_v2_1.0_224_ptq.tflite, cat.bmp, cat",
    "tf2_mobilenet_v2_1.0_224_ptq.tflite, grace_hopper.bmp, military uniform",
    "mobilenet_v1_0.25_128_quant.tflite, resized_cat.bmp, cat",
  })
  void topLabel(String modelName, String image, String expected) throws Exception {
    Path modelPath = SharedModels.require("google-coral-test_data/" + modelName);
    List<String> labels =
        Files.readAllLines(SharedModels.require("google-coral-test_data/imagenet_labels.txt"));
    CompiledModel model = CompiledModel.open(modelPath);
    TensorInfo in = model.inputs().get(0);
    int h = in.shape()[1];
    int w = in.shape()[2];
    byte[] pixels = Bmp.read(SharedModels.require("google-coral-test_data/" + image)).resize(w, h).pixels();
    byte[] scores;
    try (Interpreter it = model.newInterpreter()) {
      it.copyInput(0, pixels);
      it.run();
      scores = it.outputBytes(0);
    }
    int top = argmaxUnsigned(scores);
    String label = labels.get(top);
    System.out.printf("%s on %s: top-1 %d '%s' score %d/255%n", modelName, image, top, label, scores[top] & 0xff);
    assertTrue(label.contains(expected), modelName + " on " + image + " says '" + label + "'");
    if (TfLiteOracle.isAvailable()) {
      byte[] ref = TfLiteOracle.run(modelPath, new byte[][] {pixels})[0];
      assertEquals(argmaxUnsigned(ref), top, "TFLite 2.4.1 picks another class");
      assertEquals(java.util.HexFormat.of().formatHex(ref), java.util.HexFormat.of().formatHex(scores));
    }
  }

  private static int argmaxUnsigned(byte[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if ((v[i] & 0xff) > (v[best] & 0xff)) {
        best = i;
      }
    }
    return best;
  }
}
