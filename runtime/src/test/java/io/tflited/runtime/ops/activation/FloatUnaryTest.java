package io.tflited.runtime.ops.activation;

import static io.tflited.runtime.ops.activation.UnaryModels.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** EXP, LOG, SQRT, RSQRT, NEG, FLOOR, CEIL, ROUND, SQUARE. */
class FloatUnaryTest {
  private static byte[] model(int op, DataType t, int n) {
    return unary(op, 1, t, Quantization.NONE, t, Quantization.NONE, new int[] {n});
  }

  @Test
  void handChecked() throws Exception {
    byte[] in = floats(-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 2.7f);
    assertArrayEquals(new float[] {-2f, -2f, -0f, 0f, 2f, 2f, 3f},
        toFloats(run(model(BuiltinOperator.ROUND, DataType.FLOAT32, 7), in)));
    assertArrayEquals(new float[] {-3f, -2f, -1f, 0f, 1f, 2f, 2f},
        toFloats(run(model(BuiltinOperator.FLOOR, DataType.FLOAT32, 7), in)));
    assertArrayEquals(new float[] {-2f, -1f, -0f, 1f, 2f, 3f, 3f},
        toFloats(run(model(BuiltinOperator.CEIL, DataType.FLOAT32, 7), in)));
    assertArrayEquals(new float[] {0.5f, 2f},
        toFloats(run(model(BuiltinOperator.RSQRT, DataType.FLOAT32, 2), floats(4f, 0.25f))));
  }

  @Test
  void floatMatchesTfLite() throws Exception {
    Random r = new Random(10);
    int[] ops = {
      BuiltinOperator.EXP, BuiltinOperator.LOG, BuiltinOperator.SQRT, BuiltinOperator.RSQRT,
      BuiltinOperator.NEG, BuiltinOperator.FLOOR, BuiltinOperator.CEIL, BuiltinOperator.ROUND,
      BuiltinOperator.SQUARE, BuiltinOperator.ABS
    };
    for (int op : ops) {
      for (float range : new float[] {3f, 80f}) {
        int n = 1 + r.nextInt(400);
        byte[] input = randomFloats(r, n, range);
        if (op == BuiltinOperator.ROUND || op == BuiltinOperator.FLOOR || op == BuiltinOperator.CEIL) {
          // Exact halves and integers too.
          ByteBuffer bb = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < n; i += 2) {
            bb.putFloat(4 * i, (r.nextInt(41) - 20) * 0.5f);
          }
        }
        Differential.assertMatchesTfLite(model(op, DataType.FLOAT32, n), new byte[][] {input});
      }
    }
  }

  @Test
  void negIntegersMatchTfLite() throws Exception {
    Random r = new Random(11);
    for (DataType t : new DataType[] {DataType.INT32, DataType.INT64}) {
      int n = 64;
      byte[] input = new byte[n * t.byteSize()];
      r.nextBytes(input);
      // Include the minimum value, which wraps.
      input[t.byteSize() - 1] = (byte) 0x80;
      for (int k = 0; k < t.byteSize() - 1; k++) {
        input[k] = 0;
      }
      assertExact(model(BuiltinOperator.NEG, t, n), input);
    }
  }
}
