package io.tflited.runtime.ops.activation;

import static io.tflited.runtime.ops.activation.UnaryModels.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CastTest {
  private static final DataType[] TYPES = {
    DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.UINT8, DataType.BOOL
  };

  private static byte[] model(DataType from, DataType to, int n) {
    return unary(BuiltinOperator.CAST, 1, from, Quantization.NONE, to, Quantization.NONE, new int[] {n});
  }

  @Test
  void handChecked() throws Exception {
    byte[] out = run(model(DataType.FLOAT32, DataType.INT32, 4), floats(-1.7f, 2.9f, 0f, 1e10f));
    ByteBuffer bb = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    assertArrayEquals(new int[] {-1, 2, 0, Integer.MIN_VALUE},
        new int[] {bb.getInt(0), bb.getInt(4), bb.getInt(8), bb.getInt(12)});
    assertArrayEquals(new byte[] {1, 0, 1},
        run(model(DataType.FLOAT32, DataType.BOOL, 3), floats(-0.5f, 0f, Float.NaN)));
    assertArrayEquals(new byte[] {(byte) 255, 44},
        run(model(DataType.FLOAT32, DataType.UINT8, 2), floats(-1.5f, 300.7f)));
  }

  private static byte[] randomInput(Random r, DataType t, int n) {
    byte[] b = new byte[n * t.byteSize()];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      switch (t) {
        case FLOAT32 -> bb.putFloat(4 * i, switch (i % 4) {
          case 0 -> (r.nextFloat() * 2 - 1) * 400f;
          case 1 -> (r.nextInt(21) - 10) * 0.5f;
          case 2 -> (r.nextFloat() * 2 - 1) * 3e9f;
          default -> (r.nextFloat() * 2 - 1) * 2f;
        });
        case INT32 -> bb.putInt(4 * i, i % 2 == 0 ? r.nextInt() : r.nextInt(600) - 300);
        case INT64 -> bb.putLong(8 * i, i % 2 == 0 ? r.nextLong() : r.nextInt(600) - 300);
        case UINT8 -> b[i] = (byte) r.nextInt(256);
        case BOOL -> b[i] = (byte) r.nextInt(2);
        default -> throw new IllegalArgumentException();
      }
    }
    return b;
  }

  @Test
  void nonFiniteAndHugeFloatsMatchTfLite() throws Exception {
    byte[] input = floats(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e9f, -3e9f,
        1e30f, -1e30f, 2.1e9f, -2.1e9f, 0f, -0f, 255.9f, 256f, -0.9f, -1f, 1e19f, -1e19f);
    for (DataType to : TYPES) {
      assertExact(model(DataType.FLOAT32, to, 17), input);
    }
  }

  @Test
  void everyPairMatchesTfLite() throws Exception {
    Random r = new Random(12);
    for (DataType from : TYPES) {
      for (DataType to : TYPES) {
        int n = 200;
        assertExact(model(from, to, n), randomInput(r, from, n));
      }
    }
  }
}
