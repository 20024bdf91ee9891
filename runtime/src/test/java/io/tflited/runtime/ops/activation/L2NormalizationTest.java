package io.tflited.runtime.ops.activation;

import static io.tflited.runtime.ops.activation.UnaryModels.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

class L2NormalizationTest {
  private static byte[] model(DataType t, Quantization inQ, Quantization outQ, int[] shape) {
    return unary(BuiltinOperator.L2_NORMALIZATION, t == DataType.INT8 ? 2 : 1, t, inQ, t, outQ, shape);
  }

  @Test
  void handChecked() throws Exception {
    float[] out = toFloats(run(model(DataType.FLOAT32, Quantization.NONE, Quantization.NONE,
        new int[] {2, 2}), floats(3f, 4f, 0f, 0f)));
    assertArrayEquals(new float[] {0.6f, 0.8f, 0f, 0f}, out, 1e-6f);
    // (3, 4) -> (0.6, 0.8) * 128 = (76.8, 102.4) -> 77, 102
    byte[] q8 = run(model(DataType.INT8, q(0.1, 0), q(1.0 / 128, 0), new int[] {1, 2}),
        new byte[] {3, 4});
    assertArrayEquals(new byte[] {77, 102}, q8);
  }

  @Test
  void floatMatchesTfLite() throws Exception {
    Random r = new Random(13);
    for (int k = 0; k < 6; k++) {
      int depth = 1 + r.nextInt(k < 3 ? 8 : 300);
      int rows = 1 + r.nextInt(5);
      byte[] m = model(DataType.FLOAT32, Quantization.NONE, Quantization.NONE, new int[] {rows, depth});
      Differential.assertMatchesTfLite(m, new byte[][] {randomFloats(r, rows * depth, 5f)});
    }
  }

  @Test
  void quantizedMatchesTfLite() throws Exception {
    Random r = new Random(14);
    for (DataType t : new DataType[] {DataType.UINT8, DataType.INT8}) {
      Quantization outQ = q(1.0 / 128, t == DataType.INT8 ? 0 : 128);
      for (int k = 0; k < 12; k++) {
        Quantization inQ = q(randomScale(r, -8, 0), sweepZeroPoint(r, t, k));
        int depth = switch (k % 4) {
          case 0 -> 1;
          case 1 -> 2 + r.nextInt(6);
          case 2 -> 256;
          default -> 1 + r.nextInt(2000);
        };
        int rows = 1 + r.nextInt(4);
        byte[] input = new byte[rows * depth];
        if (depth == 256) {
          for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 7 + rows);
          }
        } else {
          r.nextBytes(input);
        }
        if (k == 5) {
          // A row equal to the zero point, and one with a single step above it.
          java.util.Arrays.fill(input, (byte) inQ.zeroPoint());
          input[0] = (byte) (inQ.zeroPoint() + 1);
        }
        assertExact(model(t, inQ, outQ, new int[] {rows, depth}), input);
      }
    }
  }
}
