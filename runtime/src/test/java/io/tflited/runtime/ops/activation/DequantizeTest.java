package io.tflited.runtime.ops.activation;

import static io.tflited.runtime.ops.activation.UnaryModels.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DequantizeTest {
  @Test
  void handChecked() throws Exception {
    byte[] model = unary(BuiltinOperator.DEQUANTIZE, 2, DataType.INT8, q(0.5, -3), DataType.FLOAT32,
        Quantization.NONE, new int[] {4});
    float[] out = toFloats(run(model, new byte[] {-128, -3, 0, 127}));
    assertArrayEquals(new float[] {-62.5f, 0f, 1.5f, 65f}, out);
  }

  @Test
  void float16() throws Exception {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT16, new int[] {3});
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {3});
    b.addOperator(BuiltinOperator.DEQUANTIZE, 3, new int[] {x}, new int[] {y});
    b.setInputs(x).setOutputs(y);
    // 1.0, -2.5, 65504
    float[] out = toFloats(run(b.buildBytes(), new byte[] {0, 0x3c, 0, (byte) 0xc1, (byte) 0xff, 0x7b}));
    assertArrayEquals(new float[] {1f, -2.5f, 65504f}, out);
  }

  @Test
  void everyValueMatchesTfLite() throws Exception {
    Random r = new Random(3);
    for (DataType t : new DataType[] {DataType.INT8, DataType.UINT8, DataType.INT16}) {
      for (int k = 0; k < 5; k++) {
        Quantization q = q(randomScale(r, -12, 4), sweepZeroPoint(r, t, k));
        byte[] model = wrapped(BuiltinOperator.DEQUANTIZE, 2, t, q, DataType.FLOAT32,
            Quantization.NONE, new int[] {count(t)});
        assertExact(model, allValuesWrapped(t, q));
      }
    }
  }

  @Test
  void rejectsPerChannelInput() {
    // TFLite 2.4.1 ignores per-channel parameters here (it dequantizes with scale 0), so a model
    // relying on them cannot be meant for it; tflited refuses it instead of returning zeros.
    Quantization q = new Quantization(new float[] {0.5f, 2f}, new long[] {0, 0}, 0);
    byte[] model = unary(BuiltinOperator.DEQUANTIZE, 2, DataType.INT8, q, DataType.FLOAT32,
        Quantization.NONE, new int[] {2, 2});
    assertThrows(ModelException.class,
        () -> CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults()));
  }
}
