package io.tflited.daemon;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.FullyConnectedOptions;
import io.tflited.runtime.model.fb.SoftmaxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Small models made with ModelBuilder for the daemon tests. */
public final class TestModels {
  private TestModels() {}

  /**
   * A model without operators whose outputs are its inputs: "q" int8[1,4] (scale 0.5, zero
   * point 3) and "f" float32[2,3]. Runs without any kernel, so protocol tests need no ops.
   */
  public static byte[] identity() {
    ModelBuilder b = new ModelBuilder();
    int q = b.addTensor("q", DataType.INT8, new int[] {1, 4}, Quantization.of(0.5f, 3));
    int f = b.addTensor("f", DataType.FLOAT32, new int[] {2, 3});
    b.setInputs(q, f).setOutputs(q, f);
    return b.buildBytes();
  }

  /** One float32 input [1,3] passed through (for TF Serving tests). */
  public static byte[] single(DataType t, int... shape) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, shape);
    b.setInputs(x).setOutputs(x);
    return b.buildBytes();
  }

  /** float32 [1,2] passed through, declared with shape signature [-1,2] (dynamic batch). */
  public static byte[] dynamicBatch() {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 2}, Quantization.NONE, new int[] {-1, 2});
    b.setInputs(x).setOutputs(x);
    return b.buildBytes();
  }

  /** An image "classifier" that outputs its [1,2,2,3] input: scores are the pixels. */
  public static byte[] image(DataType t) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("image", t, new int[] {1, 2, 2, 3});
    b.setInputs(x).setOutputs(x);
    return b.buildBytes();
  }

  /** FULLY_CONNECTED(3) + SOFTMAX over a float32 [1,4] input (needs those two ops). */
  public static byte[] classifier() {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 4});
    int w = b.addFloatConstant("w", new int[] {3, 4}, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1);
    int bias = b.addFloatConstant("b", new int[] {3}, 0, 0, 0);
    int l = b.addTensor("logits", DataType.FLOAT32, new int[] {1, 3});
    int p = b.addTensor("p", DataType.FLOAT32, new int[] {1, 3});
    b.addOperator(BuiltinOperator.FULLY_CONNECTED, 1, new int[] {x, w, bias}, new int[] {l},
        BuiltinOptions.FullyConnectedOptions,
        fbb -> FullyConnectedOptions.createFullyConnectedOptions(
            fbb, ActivationFunctionType.NONE, (byte) 0, false, false, (byte) 0));
    b.addOperator(BuiltinOperator.SOFTMAX, 1, new int[] {l}, new int[] {p},
        BuiltinOptions.SoftmaxOptions, fbb -> SoftmaxOptions.createSoftmaxOptions(fbb, 1f));
    b.setInputs(x).setOutputs(p);
    b.addSignature("serving_default", Map.of("features", x), Map.of("scores", p));
    return b.buildBytes();
  }

  /**
   * A slow model: {@code layers} chained FULLY_CONNECTED 1024x1024 layers sharing one (zero)
   * weight tensor over a float32 [batch, 1024] input, batch x 1M multiply-adds per layer.
   */
  public static byte[] slow(int layers, int batch) {
    int n = 1024;
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {batch, n});
    byte[] w = new byte[n * n * 4];
    int wt = b.addConstant("w", DataType.FLOAT32, new int[] {n, n}, Quantization.NONE, w);
    int prev = x;
    for (int i = 0; i < layers; i++) {
      int y = b.addTensor("y" + i, DataType.FLOAT32, new int[] {batch, n});
      b.addOperator(BuiltinOperator.FULLY_CONNECTED, 1, new int[] {prev, wt, -1}, new int[] {y},
          BuiltinOptions.FullyConnectedOptions,
          fbb -> FullyConnectedOptions.createFullyConnectedOptions(
              fbb, ActivationFunctionType.NONE, (byte) 0, false, false, (byte) 0));
      prev = y;
    }
    b.setInputs(x).setOutputs(prev);
    return b.buildBytes();
  }

  public static Path write(Path dir, String name, byte[] model) throws IOException {
    Path p = dir.resolve(name + ".tflite");
    Files.write(p, model);
    return p;
  }

  public static boolean supports(String... ops) {
    Map<String, Integer> s = io.tflited.runtime.CompiledModel.supportedOperators();
    for (String op : ops) {
      if (!s.containsKey(op)) {
        return false;
      }
    }
    return true;
  }
}
