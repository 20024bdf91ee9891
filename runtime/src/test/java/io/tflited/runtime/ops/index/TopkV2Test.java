package io.tflited.runtime.ops.index;

import static io.tflited.runtime.ops.index.IndexHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** TOPK_V2 against hand-checked cases and TFLite 2.4.1. */
class TopkV2Test {
  static byte[] model(DataType t, int[] shape, int k) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, shape, quant(t));
    int kk = b.addInt32Constant("k", new int[] {}, k);
    int[] os = shape.clone();
    os[os.length - 1] = k;
    int v = b.addTensor("values", t, os, quant(t));
    int i = b.addTensor("indices", DataType.INT32, os);
    b.addOperator(BuiltinOperator.TOPK_V2, 1, new int[] {x, kk}, new int[] {v, i});
    return b.setInputs(x).setOutputs(v, i).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    byte[] m = model(DataType.FLOAT32, new int[] {2, 5}, 3);
    byte[][] out = run(m, floats(1, 3, 3, 2, 3, -1, -2, -3, -1, 0));
    assertArrayEquals(new float[] {3, 3, 3, 0, -1, -1}, toFloats(out[0]));
    // Ties: the earlier index comes first.
    assertArrayEquals(new int[] {1, 2, 4, 4, 0, 3}, toInts(out[1]));
    byte[][] u = run(model(DataType.UINT8, new int[] {4}, 2), new byte[] {(byte) 200, 5, (byte) 255, 7});
    assertArrayEquals(new byte[] {(byte) 255, (byte) 200}, u[0]);
    assertArrayEquals(new int[] {2, 0}, toInts(u[1]));
    byte[][] s = run(model(DataType.INT8, new int[] {4}, 2), new byte[] {(byte) 200, 5, (byte) 255, 7});
    assertArrayEquals(new byte[] {7, 5}, s[0]);
    assertArrayEquals(new int[] {3, 1}, toInts(s[1]));
    assertThrows(ModelException.class, () -> CompiledModel.fromBuffer(
        ByteBuffer.wrap(model(DataType.FLOAT32, new int[] {2, 5}, 6)), InterpreterOptions.defaults()));
  }

  @Test
  void differential() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.UINT8, DataType.INT8, DataType.INT32,
        DataType.INT64};
    Random r = new Random(11);
    for (int trial = 0; trial < 100; trial++) {
      DataType t = types[trial % types.length];
      int rank = 1 + r.nextInt(3);
      int[] shape = randomShape(r, rank, 6);
      shape[rank - 1] = 1 + r.nextInt(trial % 4 == 0 ? 200 : 12);
      int k = 1 + r.nextInt(shape[rank - 1]);
      byte[] m = model(t, shape, k);
      boolean ties = r.nextBoolean();
      byte[] data = ties ? randomValues(r, t, prod(shape), -3, 3) : randomFull(r, t, prod(shape));
      Differential.assertMatchesTfLite(m, new byte[][] {data});
    }
  }
}
