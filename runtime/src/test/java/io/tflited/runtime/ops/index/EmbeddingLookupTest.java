package io.tflited.runtime.ops.index;

import static io.tflited.runtime.ops.index.IndexHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** EMBEDDING_LOOKUP (plain and hybrid) against hand-checked cases and TFLite 2.4.1. */
class EmbeddingLookupTest {
  /** Value as a model input (or a constant table when {@code table} is non-null). */
  static byte[] model(DataType vt, DataType ot, int[] vshape, int n, byte[] table) {
    ModelBuilder b = new ModelBuilder();
    int l = b.addTensor("lookup", DataType.INT32, new int[] {n});
    Quantization q = vt == DataType.FLOAT32 ? Quantization.NONE
        : Quantization.of(0.37f, vt == DataType.UINT8 ? 128 : 0);
    int v = table == null ? b.addTensor("value", vt, vshape, q) : b.addConstant("value", vt, vshape, q, table);
    int[] os = vshape.clone();
    os[0] = n;
    int y = b.addTensor("y", ot, os, ot == DataType.FLOAT32 ? Quantization.NONE : q);
    b.addOperator(BuiltinOperator.EMBEDDING_LOOKUP, 1, new int[] {l, v}, new int[] {y});
    return (table == null ? b.setInputs(l, v) : b.setInputs(l)).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    byte[] m = model(DataType.FLOAT32, DataType.FLOAT32, new int[] {3, 2}, 2, null);
    assertArrayEquals(new float[] {5, 6, 1, 2},
        toFloats(run(m, ints(2, 0), floats(1, 2, 3, 4, 5, 6))[0]));
    assertThrows(InvocationException.class, () -> run(m, ints(3, 0), floats(1, 2, 3, 4, 5, 6)));
    assertThrows(InvocationException.class, () -> run(m, ints(-1, 0), floats(1, 2, 3, 4, 5, 6)));
    // Hybrid uint8: bytes read as signed, no zero point (2.4.1 behaviour).
    byte[] h = model(DataType.UINT8, DataType.FLOAT32, new int[] {2, 2}, 1,
        new byte[] {1, 2, (byte) 200, (byte) 255});
    assertArrayEquals(new float[] {(float) (-56 * (double) 0.37f), (float) (-1 * (double) 0.37f)},
        toFloats(run(h, ints(1))[0]));
  }

  @Test
  void differential() throws Exception {
    Random r = new Random(41);
    DataType[][] combos = {{DataType.FLOAT32, DataType.FLOAT32}, {DataType.UINT8, DataType.UINT8},
        {DataType.INT8, DataType.INT8}, {DataType.UINT8, DataType.FLOAT32},
        {DataType.INT8, DataType.FLOAT32}};
    for (int trial = 0; trial < 50; trial++) {
      DataType vt = combos[trial % combos.length][0];
      DataType ot = combos[trial % combos.length][1];
      int[] vshape = randomShape(r, 2 + r.nextInt(2), 6);
      int n = 1 + r.nextInt(8);
      int[] idx = new int[n];
      for (int i = 0; i < n; i++) {
        idx[i] = r.nextInt(vshape[0]);
      }
      byte[] table = randomFull(r, vt, prod(vshape));
      boolean constant = ot == DataType.FLOAT32 && vt != DataType.FLOAT32 || r.nextBoolean();
      byte[] m = model(vt, ot, vshape, n, constant ? table : null);
      Differential.assertMatchesTfLite(m,
          constant ? new byte[][] {ints(idx)} : new byte[][] {ints(idx), table});
    }
  }
}
