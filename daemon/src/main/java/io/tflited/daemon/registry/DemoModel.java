package io.tflited.daemon.registry;

import io.tflited.runtime.DataType;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.FullyConnectedOptions;
import io.tflited.runtime.model.fb.SoftmaxOptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * The built-in "demo" model served when no model directory is configured: a tiny float32
 * iris-style classifier (4 features -> FULLY_CONNECTED(8, RELU) -> FULLY_CONNECTED(3) ->
 * SOFTMAX) with fixed, deterministic weights. Generated in memory; nothing is downloaded.
 */
public final class DemoModel {
  public static final String NAME = "demo";
  public static final List<String> LABELS = List.of("setosa", "versicolor", "virginica");

  private DemoModel() {}

  public static ByteBuffer build() {
    ModelBuilder b = new ModelBuilder();
    b.setDescription("tflited built-in demo classifier");
    int x = b.addTensor("input", DataType.FLOAT32, new int[] {1, 4});
    // Hidden layer: hand-made feature detectors (sepal/petal length and width in cm).
    float[] w1 = {
      0.5f, 0.8f, -1.0f, -1.0f,
      -0.3f, -0.2f, 0.9f, 0.4f,
      -0.2f, -0.4f, 0.6f, 1.2f,
      0.1f, 0.6f, -0.8f, -0.6f,
      0.0f, -0.1f, 0.5f, 0.3f,
      0.3f, -0.5f, 0.2f, 0.9f,
      -0.4f, 0.7f, -0.3f, -0.9f,
      0.2f, 0.1f, 0.4f, -0.2f
    };
    float[] b1 = {1.0f, -0.5f, -1.5f, 0.8f, -0.2f, -1.0f, 1.2f, 0.1f};
    float[] w2 = {
      1.2f, -0.8f, -1.0f, 1.0f, -0.5f, -0.6f, 1.1f, 0.1f,
      -0.4f, 0.9f, 0.2f, -0.3f, 0.8f, 0.1f, -0.5f, 0.3f,
      -0.9f, 0.3f, 1.1f, -0.8f, 0.2f, 1.0f, -0.9f, 0.0f
    };
    float[] b2 = {0.1f, 0.0f, -0.1f};
    int w1t = b.addFloatConstant("dense/kernel", new int[] {8, 4}, w1);
    int b1t = b.addFloatConstant("dense/bias", new int[] {8}, b1);
    int h = b.addTensor("dense/Relu", DataType.FLOAT32, new int[] {1, 8});
    int w2t = b.addFloatConstant("logits/kernel", new int[] {3, 8}, w2);
    int b2t = b.addFloatConstant("logits/bias", new int[] {3}, b2);
    int logits = b.addTensor("logits", DataType.FLOAT32, new int[] {1, 3});
    int probs = b.addTensor("probabilities", DataType.FLOAT32, new int[] {1, 3});
    b.addOperator(BuiltinOperator.FULLY_CONNECTED, 1, new int[] {x, w1t, b1t}, new int[] {h},
        BuiltinOptions.FullyConnectedOptions,
        fbb -> FullyConnectedOptions.createFullyConnectedOptions(
            fbb, ActivationFunctionType.RELU, (byte) 0, false, false, (byte) 0));
    b.addOperator(BuiltinOperator.FULLY_CONNECTED, 1, new int[] {h, w2t, b2t}, new int[] {logits},
        BuiltinOptions.FullyConnectedOptions,
        fbb -> FullyConnectedOptions.createFullyConnectedOptions(
            fbb, ActivationFunctionType.NONE, (byte) 0, false, false, (byte) 0));
    b.addOperator(BuiltinOperator.SOFTMAX, 1, new int[] {logits}, new int[] {probs},
        BuiltinOptions.SoftmaxOptions, fbb -> SoftmaxOptions.createSoftmaxOptions(fbb, 1.0f));
    b.setInputs(x).setOutputs(probs);
    b.addSignature("serving_default", Map.of("input", x), Map.of("probabilities", probs));
    return b.build();
  }
}
