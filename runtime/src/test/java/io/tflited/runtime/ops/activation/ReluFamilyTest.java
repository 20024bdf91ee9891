package io.tflited.runtime.ops.activation;

import static io.tflited.runtime.ops.activation.UnaryModels.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.LeakyReluOptions;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, HARD_SWISH, ABS. */
class ReluFamilyTest {
  private static final int[] OPS = {
    BuiltinOperator.RELU, BuiltinOperator.RELU6, BuiltinOperator.RELU_N1_TO_1,
    BuiltinOperator.LEAKY_RELU, BuiltinOperator.HARD_SWISH
  };

  private static byte[] model(int op, DataType t, Quantization inQ, Quantization outQ, int n, float alpha) {
    int version = t == DataType.INT8 && op != BuiltinOperator.HARD_SWISH
        && op != BuiltinOperator.RELU_N1_TO_1 ? 2 : 1;
    if (op == BuiltinOperator.LEAKY_RELU) {
      return unary(op, version, t, inQ, t, outQ, new int[] {n}, BuiltinOptions.LeakyReluOptions,
          fbb -> LeakyReluOptions.createLeakyReluOptions(fbb, alpha));
    }
    return unary(op, version, t, inQ, t, outQ, new int[] {n});
  }

  @Test
  void handChecked() throws Exception {
    Quantization q = q(0.5, -10);
    byte[] in = {-128, -12, -10, -9, 0, 127};
    // real values: -59, -1, 0, 0.5, 5, 68.5
    assertArrayEquals(new byte[] {-10, -10, -10, -9, 0, 127},
        run(model(BuiltinOperator.RELU, DataType.INT8, q, q, 6, 0), in));
    assertArrayEquals(new byte[] {-10, -10, -10, -9, 0, 2},
        run(model(BuiltinOperator.RELU6, DataType.INT8, q, q, 6, 0), in));
    assertArrayEquals(new byte[] {-12, -12, -10, -9, -8, -8},
        run(model(BuiltinOperator.RELU_N1_TO_1, DataType.INT8, q, q, 6, 0), in));
    // Output at twice the scale: requantized (round half away from zero) then clamped.
    assertArrayEquals(new byte[] {0, 0, 0, 1, 5, 69},
        run(model(BuiltinOperator.RELU, DataType.INT8, q, q(1.0, 0), 6, 0), in));
    float[] f = toFloats(run(unary(BuiltinOperator.LEAKY_RELU, 1, DataType.FLOAT32, Quantization.NONE,
        DataType.FLOAT32, Quantization.NONE, new int[] {2}, BuiltinOptions.LeakyReluOptions,
        fbb -> LeakyReluOptions.createLeakyReluOptions(fbb, 0.25f)), floats(-4f, 3f)));
    assertArrayEquals(new float[] {-1f, 3f}, f);
  }

  @Test
  void floatMatchesTfLite() throws Exception {
    Random r = new Random(8);
    for (int op : OPS) {
      for (int k = 0; k < 3; k++) {
        int n = 1 + r.nextInt(300);
        float alpha = (float) r.nextDouble();
        byte[] m = model(op, DataType.FLOAT32, Quantization.NONE, Quantization.NONE, n, alpha);
        Differential.assertMatchesTfLite(m, new byte[][] {randomFloats(r, n, 8f)});
      }
    }
    byte[] m = unary(BuiltinOperator.ABS, 1, DataType.FLOAT32, Quantization.NONE, DataType.FLOAT32,
        Quantization.NONE, new int[] {50});
    Differential.assertMatchesTfLite(m, new byte[][] {randomFloats(r, 50, 8f)});
  }

  @Test
  void everyEightBitValueMatchesTfLite() throws Exception {
    Random r = new Random(9);
    for (int op : OPS) {
      for (DataType t : new DataType[] {DataType.INT8, DataType.UINT8}) {
        for (int k = 0; k < 10; k++) {
          float inScale = randomScale(r, -7, 0);
          int inZp = sweepZeroPoint(r, t, k);
          Quantization inQ = q(inScale, inZp);
          Quantization outQ = k < 2 ? inQ
              : q(inScale * randomScale(r, -2, op == BuiltinOperator.HARD_SWISH ? 1 : 2),
                  sweepZeroPoint(r, t, 5 - k));
          float alpha = k % 3 == 0 ? 0.2f : (float) r.nextDouble() * 1.5f;
          assertExact(model(op, t, inQ, outQ, 256, alpha), allValues(t));
        }
      }
    }
    for (int k = 0; k < 10; k++) {
      Quantization inQ = q(randomScale(r, -7, 0), randomZeroPoint(r, DataType.INT8));
      Quantization outQ = k < 3 ? inQ : q(randomScale(r, -7, 0), randomZeroPoint(r, DataType.INT8));
      byte[] m = unary(BuiltinOperator.ABS, 2, DataType.INT8, inQ, DataType.INT8, outQ, new int[] {256});
      assertExact(m, allValues(DataType.INT8));
    }
  }
}
