package io.tflited.runtime.ops.index;

import static io.tflited.runtime.ops.index.IndexHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** MATRIX_DIAG and MATRIX_SET_DIAG against hand-checked cases and TFLite 2.4.1. */
class MatrixDiagTest {
  static final DataType[] TYPES = {DataType.FLOAT32, DataType.UINT8, DataType.INT8,
      DataType.INT32, DataType.INT64};

  static byte[] diag(DataType t, int[] shape) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, shape, quant(t));
    int[] os = Arrays.copyOf(shape, shape.length + 1);
    os[shape.length] = shape[shape.length - 1];
    int y = b.addTensor("y", t, os, quant(t));
    b.addOperator(BuiltinOperator.MATRIX_DIAG, 1, new int[] {x}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  static byte[] setDiag(DataType t, int[] shape) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, shape, quant(t));
    int[] ds = Arrays.copyOf(shape, shape.length - 1);
    ds[ds.length - 1] = Math.min(shape[shape.length - 2], shape[shape.length - 1]);
    int d = b.addTensor("d", t, ds, quant(t));
    int y = b.addTensor("y", t, shape, quant(t));
    b.addOperator(BuiltinOperator.MATRIX_SET_DIAG, 1, new int[] {x, d}, new int[] {y});
    return b.setInputs(x, d).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    assertArrayEquals(new int[] {1, 0, 0, 2, 3, 0, 0, 4},
        toInts(run(diag(DataType.INT32, new int[] {2, 2}), ints(1, 2, 3, 4))[0]));
    assertArrayEquals(new int[] {9, 1, 2, 3, 8, 5},
        toInts(run(setDiag(DataType.INT32, new int[] {2, 3}), ints(0, 1, 2, 3, 4, 5), ints(9, 8))[0]));
    assertArrayEquals(new int[] {9, 1, 2, 8, 4, 5},
        toInts(run(setDiag(DataType.INT32, new int[] {3, 2}), ints(0, 1, 2, 3, 4, 5), ints(9, 8))[0]));
  }

  @Test
  void differentialDiag() throws Exception {
    Random r = new Random(21);
    for (int trial = 0; trial < 36; trial++) {
      DataType t = TYPES[trial % TYPES.length];
      int[] shape = randomShape(r, 1 + r.nextInt(3), 5);
      Differential.assertMatchesTfLite(diag(t, shape), new byte[][] {randomFull(r, t, prod(shape))});
    }
  }

  @Test
  void differentialSetDiag() throws Exception {
    Random r = new Random(22);
    for (int trial = 0; trial < 36; trial++) {
      DataType t = TYPES[trial % TYPES.length];
      int[] shape = randomShape(r, 2 + r.nextInt(3), 5);
      int nd = prod(shape) / shape[shape.length - 1] / shape[shape.length - 2]
          * Math.min(shape[shape.length - 1], shape[shape.length - 2]);
      Differential.assertMatchesTfLite(setDiag(t, shape),
          new byte[][] {randomFull(r, t, prod(shape)), randomFull(r, t, nd)});
    }
  }
}
