package io.tflited.runtime.ops.activation;

import static io.tflited.runtime.ops.activation.UnaryModels.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogSoftmaxTest {
  private static byte[] model(DataType t, Quantization inQ, Quantization outQ, int[] shape) {
    return unary(BuiltinOperator.LOG_SOFTMAX, t == DataType.INT8 ? 2 : 1, t, inQ, t, outQ, shape);
  }

  @Test
  void handChecked() throws Exception {
    float[] out = toFloats(run(model(DataType.FLOAT32, Quantization.NONE, Quantization.NONE,
        new int[] {1, 2}), floats(1f, 1f)));
    assertArrayEquals(new float[] {(float) -Math.log(2), (float) -Math.log(2)}, out, 1e-6f);
    // Two equal uint8 inputs: log(1/2) / (1/16) = -11.09 -> -11 + 255 = 244.
    byte[] q = run(model(DataType.UINT8, q(0.5, 0), q(16.0 / 256, 255), new int[] {2}),
        new byte[] {9, 9});
    assertArrayEquals(new byte[] {(byte) 244, (byte) 244}, q);
  }

  @Test
  void floatMatchesTfLite() throws Exception {
    Random r = new Random(15);
    for (int k = 0; k < 6; k++) {
      int depth = 1 + r.nextInt(k < 3 ? 10 : 1000);
      int rows = 1 + r.nextInt(4);
      byte[] m = model(DataType.FLOAT32, Quantization.NONE, Quantization.NONE, new int[] {rows, depth});
      Differential.assertMatchesTfLite(m, new byte[][] {randomFloats(r, rows * depth, 10f)});
    }
  }

  @Test
  void uint8MatchesTfLite() throws Exception {
    Random r = new Random(16);
    Quantization outQ = q(16.0 / 256, 255);
    for (int k = 0; k < 12; k++) {
      int depth = 1 + r.nextInt(k < 6 ? 10 : 1200);
      int rows = 1 + r.nextInt(3);
      Quantization inQ = q(randomScale(r, -6, 0), randomZeroPoint(r, DataType.UINT8));
      byte[] input = new byte[rows * depth];
      r.nextBytes(input);
      assertExact(model(DataType.UINT8, inQ, outQ, new int[] {rows, depth}), input);
    }
  }

  @Test
  void rejectsInt8() {
    // TFLite 2.4.1's int8 kernel (version 2) reads uninitialized state: the same model and input
    // give different outputs from one interpreter to the next, so there is nothing to match.
    byte[] m = model(DataType.INT8, q(0.1, 0), q(16.0 / 256, 127), new int[] {1, 4});
    assertThrows(ModelException.class,
        () -> CompiledModel.fromBuffer(ByteBuffer.wrap(m), InterpreterOptions.defaults()));
  }
}
