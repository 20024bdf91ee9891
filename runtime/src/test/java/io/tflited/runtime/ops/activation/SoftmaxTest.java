package io.tflited.runtime.ops.activation;

import static io.tflited.runtime.ops.activation.UnaryModels.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SoftmaxOptions;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
  private static byte[] model(DataType in, Quantization inQ, DataType out, Quantization outQ,
      int[] shape, float beta) {
    return wrapped(BuiltinOperator.SOFTMAX, in == DataType.FLOAT32 || in == DataType.UINT8 ? 1 : 2,
        in, inQ, out, outQ, shape, BuiltinOptions.SoftmaxOptions,
        fbb -> SoftmaxOptions.createSoftmaxOptions(fbb, beta));
  }

  @Test
  void floatHandChecked() throws Exception {
    byte[] m = model(DataType.FLOAT32, Quantization.NONE, DataType.FLOAT32, Quantization.NONE,
        new int[] {2, 2}, 1f);
    float[] out = toFloats(run(m, floats(0f, 0f, 1f, 1000f)));
    assertArrayEquals(new float[] {0.5f, 0.5f, 0f, 1f}, out, 1e-6f);
  }

  @Test
  void uint8EqualInputsSplitEvenly() throws Exception {
    byte[] m = model(DataType.UINT8, q(0.1, 0), DataType.UINT8, q(1.0 / 256, 0), new int[] {1, 4}, 1f);
    byte[] out = run(m, new byte[] {7, 7, 7, 7});
    for (byte b : out) {
      assertEquals(64, b & 0xff);
    }
    byte[] one = run(m, new byte[] {(byte) 255, 0, 0, 0});
    assertEquals(255, one[0] & 0xff); // 256 * ~1.0 + 0.5 clamps at 255
  }

  @Test
  void floatMatchesTfLite() throws Exception {
    Random r = new Random(4);
    for (int k = 0; k < 12; k++) {
      int depth = 1 + r.nextInt(k < 6 ? 20 : 1100);
      int rows = 1 + r.nextInt(4);
      float beta = k % 3 == 0 ? 1f : (float) (0.1 + r.nextDouble() * 3);
      byte[] m = model(DataType.FLOAT32, Quantization.NONE, DataType.FLOAT32, Quantization.NONE,
          new int[] {rows, depth}, beta);
      Differential.assertMatchesTfLite(m, new byte[][] {randomFloats(r, rows * depth, 10f)});
    }
    byte[] m4 = model(DataType.FLOAT32, Quantization.NONE, DataType.FLOAT32, Quantization.NONE,
        new int[] {2, 3, 4, 5}, 1f);
    Differential.assertMatchesTfLite(m4, new byte[][] {randomFloats(r, 120, 10f)});
    byte[] q4 = model(DataType.INT8, q(0.1, 3), DataType.INT8, q(1.0 / 256, -128),
        new int[] {2, 3, 4, 5}, 1f);
    byte[] in4 = new byte[120];
    r.nextBytes(in4);
    assertExact(q4, in4);
  }

  @Test
  void quantizedMatchesTfLite() throws Exception {
    Random r = new Random(5);
    Object[][] variants = {
      {DataType.UINT8, DataType.UINT8, 0},
      {DataType.INT8, DataType.INT8, -128},
      {DataType.INT8, DataType.INT16, 0},
      {DataType.UINT8, DataType.INT16, 0},
    };
    for (Object[] v : variants) {
      DataType in = (DataType) v[0];
      DataType out = (DataType) v[1];
      int outZp = (Integer) v[2];
      Quantization outQ = q(out == DataType.INT16 ? 1.0 / 32768 : 1.0 / 256, outZp);
      for (int k = 0; k < 10; k++) {
        int depth = switch (k % 4) {
          case 0 -> 1 + r.nextInt(5);
          case 1 -> 1001;
          case 2 -> 10;
          default -> 1 + r.nextInt(300);
        };
        int rows = 1 + r.nextInt(3);
        float beta = k < 5 ? 1f : (float) (0.05 + r.nextDouble() * 2);
        Quantization inQ = q(randomScale(r, -6, 0), sweepZeroPoint(r, in, k));
        byte[] m = model(in, inQ, out, outQ, new int[] {rows, depth}, beta);
        byte[] input = new byte[rows * depth];
        r.nextBytes(input);
        if (k == 9) {
          // A narrow band near the maximum, as real logits are.
          for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (100 + r.nextInt(20));
          }
        }
        assertExact(m, input);
      }
      // Unusual but legal output quantization.
      Quantization odd = q(out == DataType.INT16 ? 1.0 / 1000 : 1.0 / 100,
          out == DataType.UINT8 ? 3 : out == DataType.INT8 ? -100 : 0);
      byte[] m = model(in, q(0.25, in == DataType.UINT8 ? 128 : 0), out, odd, new int[] {3, 7}, 1f);
      byte[] input = new byte[21];
      r.nextBytes(input);
      assertExact(m, input);
    }
  }

  @Test
  void int16MatchesTfLite() throws Exception {
    Random r = new Random(17);
    Quantization outQ = q(1.0 / 32768, 0);
    for (int k = 0; k < 12; k++) {
      int depth = 1 + r.nextInt(k < 4 ? 6 : 1000);
      int rows = 1 + r.nextInt(3);
      float inScale = randomScale(r, -14, -6);
      float beta = k < 6 ? 1f : (float) (0.1 + r.nextDouble() * 2);
      int spread = k % 3 == 0 ? 65536 : 1 + r.nextInt(3000);
      float[] input = new float[rows * depth];
      for (int i = 0; i < input.length; i++) {
        input[i] = (float) Math.max(-32768, Math.min(32767, r.nextInt(spread) - spread / 2)) * inScale;
      }
      byte[] m = wrapped(BuiltinOperator.SOFTMAX, 3, DataType.INT16, q(inScale, 0), DataType.INT16,
          outQ, new int[] {rows, depth}, BuiltinOptions.SoftmaxOptions,
          fbb -> SoftmaxOptions.createSoftmaxOptions(fbb, beta));
      assertExact(m, floats(input));
    }
  }
}
