package io.tflited.runtime.ops.activation;

import static io.tflited.runtime.ops.activation.UnaryModels.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticTanhTest {
  @Test
  void logisticInt8HandChecked() throws Exception {
    byte[] m = unary(BuiltinOperator.LOGISTIC, 2, DataType.INT8, q(0.1, 0), DataType.INT8,
        q(1.0 / 256, -128), new int[] {3});
    byte[] out = run(m, new byte[] {0, 127, -128});
    assertEquals(0, out[0]); // 0.5 * 256 - 128
    assertEquals(127, out[1]); // ~1.0 saturates
    assertEquals(-128, out[2]); // sigmoid(-12.8) * 256 rounds to 0
  }

  @Test
  void tanhUint8HandChecked() throws Exception {
    byte[] m = unary(BuiltinOperator.TANH, 1, DataType.UINT8, q(0.05, 128), DataType.UINT8,
        q(1.0 / 128, 128), new int[] {3});
    byte[] out = run(m, new byte[] {(byte) 128, (byte) 255, 0});
    assertEquals(128, out[0] & 0xff);
    assertEquals(255, out[1] & 0xff);
    assertEquals(0, out[2] & 0xff);
  }

  @Test
  void floatMatchesTfLite() throws Exception {
    Random r = new Random(6);
    for (int op : new int[] {BuiltinOperator.LOGISTIC, BuiltinOperator.TANH}) {
      for (float range : new float[] {1f, 5f, 30f}) {
        int n = 1 + r.nextInt(500);
        byte[] m = unary(op, 1, DataType.FLOAT32, Quantization.NONE, DataType.FLOAT32,
            Quantization.NONE, new int[] {n});
        Differential.assertMatchesTfLite(m, new byte[][] {randomFloats(r, n, range)});
      }
    }
  }

  @Test
  void everyEightBitValueMatchesTfLite() throws Exception {
    Random r = new Random(7);
    for (int op : new int[] {BuiltinOperator.LOGISTIC, BuiltinOperator.TANH}) {
      for (DataType t : new DataType[] {DataType.INT8, DataType.UINT8}) {
        for (int k = 0; k < 12; k++) {
          Quantization inQ = q(randomScale(r, -8, 0), sweepZeroPoint(r, t, k));
          Quantization outQ;
          if (op == BuiltinOperator.LOGISTIC) {
            outQ = q(1.0 / 256, t == DataType.INT8 ? -128 : 0);
          } else if (k % 2 == 0) {
            outQ = q(1.0 / 128, t == DataType.INT8 ? 0 : 128);
          } else {
            outQ = q(randomScale(r, -9, -5), sweepZeroPoint(r, t, 6 - k));
          }
          byte[] m = unary(op, t == DataType.INT8 ? 2 : 1, t, inQ, t, outQ, new int[] {256});
          assertExact(m, allValues(t));
        }
      }
    }
  }

  @Test
  void int16HandChecked() throws Exception {
    byte[] m = wrapped(BuiltinOperator.LOGISTIC, 3, DataType.INT16, q(1.0 / 4096, 0), DataType.INT16,
        q(1.0 / 32768, 0), new int[] {3});
    float[] out = toFloats(run(m, floats(0f, 7.99f, -8f)));
    assertEquals(0.5f, out[0]);
    assertEquals(1f, out[1], 1e-3f);
    assertEquals(0f, out[2], 1e-3f);
  }

  @Test
  void everyInt16ValueMatchesTfLite() throws Exception {
    Quantization outQ = q(1.0 / 32768, 0);
    Quantization in12 = q(1.0 / 4096, 0);
    assertExact(wrapped(BuiltinOperator.LOGISTIC, 3, DataType.INT16, in12, DataType.INT16, outQ,
        new int[] {65536}), int16AsFloats(in12.scale()));
    for (Quantization inQ : new Quantization[] {in12, q(1.0 / 2048, 0)}) {
      assertExact(wrapped(BuiltinOperator.TANH, 3, DataType.INT16, inQ, DataType.INT16, outQ,
          new int[] {65536}), int16AsFloats(inQ.scale()));
    }
  }
}
