package io.tflited.runtime.ops.activation;

import static io.tflited.runtime.ops.activation.UnaryModels.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizeTest {
  private static byte[] quantizeModel(DataType in, Quantization inQ, DataType out, Quantization outQ, int n) {
    return unary(BuiltinOperator.QUANTIZE, 1, in, inQ, out, outQ, new int[] {1, n});
  }

  @Test
  void floatToInt8RoundsHalfAwayFromZeroAndSaturates() throws Exception {
    byte[] model = quantizeModel(DataType.FLOAT32, Quantization.NONE, DataType.INT8, q(0.5, 10), 7);
    byte[] out = run(model, floats(1.25f, -0.25f, 0.75f, 100f, -100f, 0f, Float.NaN));
    // 2.5->3, -0.5->-1, 1.5->2; 200+10 -> 127; -200+10 -> -128; NaN -> INT_MIN -> -128
    assertArrayEquals(new byte[] {13, 9, 12, 127, -128, 10, -128}, out);
  }

  @Test
  void floatToUint8AndInt16() throws Exception {
    byte[] u8 = run(quantizeModel(DataType.FLOAT32, Quantization.NONE, DataType.UINT8, q(0.1, 128), 3),
        floats(-12.8f, 12.7f, 0.05f));
    assertEquals(0, u8[0] & 0xff);
    assertEquals(255, u8[1] & 0xff);
    assertEquals(129, u8[2] & 0xff); // 0.05/0.1 rounds half up (0.1f is slightly above 0.1)
    byte[] i16 = run(quantizeModel(DataType.FLOAT32, Quantization.NONE, DataType.INT16, q(1.0 / 1024, 0), 2),
        floats(1.5f, -40f));
    ByteBuffer bb = ByteBuffer.wrap(i16).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1536, bb.getShort(0));
    assertEquals(-32768, bb.getShort(2));
  }

  @Test
  void requantizeInt8ToUint8IsShiftBy128() throws Exception {
    byte[] model = quantizeModel(DataType.INT8, q(0.02, -5), DataType.UINT8, q(0.02, 123), 256);
    byte[] out = run(model, allValues(DataType.INT8));
    for (int i = 0; i < 256; i++) {
      assertEquals(((byte) i) + 128, out[i] & 0xff);
    }
  }

  @Test
  void int16WithNonZeroZeroPointLikeTfLiteMicro() throws Exception {
    // keyword_scrambled feeds int16 with zero point -32768 through QUANTIZE to int8.
    byte[] model = quantizeModel(DataType.INT16, q(0.5, -32768), DataType.INT8, q(2.0, -128), 3);
    ByteBuffer in = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
    in.putShort((short) -32768).putShort((short) -32766).putShort((short) 32767);
    // (x + 32768) * 0.25 - 128: 0 -> -128, 2 -> 0.5 rounds away -> -127, 65535 -> saturates 127
    assertArrayEquals(new byte[] {-128, -127, 127}, run(model, in.array()));
  }

  @Test
  void rejectsUnsupportedPairs() {
    byte[] model = quantizeModel(DataType.INT8, q(0.02, 0), DataType.INT16, q(0.02, 0), 4);
    assertThrows(ModelException.class,
        () -> CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults()));
    byte[] perChannel = quantizeModel(DataType.FLOAT32, Quantization.NONE, DataType.INT8,
        new Quantization(new float[] {0.1f, 0.2f}, new long[] {0, 0}, 1), 2);
    assertThrows(ModelException.class,
        () -> CompiledModel.fromBuffer(ByteBuffer.wrap(perChannel), InterpreterOptions.defaults()));
  }

  @Test
  void floatQuantizeMatchesTfLite() throws Exception {
    Random r = new Random(1);
    for (DataType out : new DataType[] {DataType.INT8, DataType.UINT8, DataType.INT16}) {
      for (int k = 0; k < 8; k++) {
        float scale = randomScale(r, -12, 2);
        int zp = sweepZeroPoint(r, out, k);
        int n = 1 + r.nextInt(700);
        float range = scale * (out == DataType.INT16 ? 40000 : 300);
        byte[] model = wrapped(BuiltinOperator.QUANTIZE, 1, DataType.FLOAT32, Quantization.NONE,
            out, q(scale, zp), new int[] {1, n});
        assertExact(model, randomFloats(r, n, range));
      }
      // Exact half-way points: k/2 * scale for a power-of-two scale.
      float[] halves = new float[401];
      for (int i = 0; i < halves.length; i++) {
        halves[i] = (i - 200) * 0.5f * 0.25f;
      }
      byte[] model = wrapped(BuiltinOperator.QUANTIZE, 1, DataType.FLOAT32, Quantization.NONE, out,
          q(0.25, out == DataType.INT16 ? 0 : out == DataType.INT8 ? 3 : 130),
          new int[] {halves.length});
      assertExact(model, floats(halves));
    }
  }

  @Test
  void nonFiniteAndHugeFloatsMatchTfLite() throws Exception {
    byte[] input = floats(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e9f, -3e9f,
        1e30f, -1e30f, 2.1e9f, -2.1e9f, 0f, -0f);
    for (DataType out : new DataType[] {DataType.INT8, DataType.UINT8, DataType.INT16}) {
      int zp = out == DataType.INT16 ? 0 : out == DataType.INT8 ? 5 : 7;
      assertExact(wrapped(BuiltinOperator.QUANTIZE, 1, DataType.FLOAT32, Quantization.NONE, out,
          q(1.0, zp), new int[] {11}), input);
    }
  }

  @Test
  void requantizeEveryValueMatchesTfLite() throws Exception {
    DataType[][] pairs = {
      {DataType.INT8, DataType.INT8}, {DataType.INT8, DataType.UINT8},
      {DataType.UINT8, DataType.INT8}, {DataType.UINT8, DataType.UINT8},
      {DataType.INT16, DataType.INT8}, {DataType.INT16, DataType.INT16},
      {DataType.INT16, DataType.INT32},
    };
    Random r = new Random(2);
    for (DataType[] p : pairs) {
      for (int k = 0; k < 6; k++) {
        float inScale = randomScale(r, -10, 0);
        float outScale = k == 0 ? inScale : inScale * randomScale(r, -3, 3);
        int inZp = sweepZeroPoint(r, p[0], k);
        int outZp = sweepZeroPoint(r, p[1], 5 - k);
        if (k == 1 && p[0] != DataType.INT16 && p[0] != p[1]) {
          outScale = inScale;
          outZp = inZp + (p[0] == DataType.INT8 ? 128 : -128);
        }
        int n = count(p[0]);
        byte[] model = wrapped(BuiltinOperator.QUANTIZE, 1, p[0], q(inScale, inZp), p[1],
            q(outScale, outZp), new int[] {n});
        assertExact(model, allValuesWrapped(p[0], q(inScale, inZp)));
      }
    }
  }
}
