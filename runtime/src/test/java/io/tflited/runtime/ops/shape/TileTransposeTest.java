package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** TILE and TRANSPOSE. */
class TileTransposeTest {
  static byte[] tile(DataType t, DataType mt, int[] in, int[] m) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int mi = intConstant(b, "m", mt, new int[] {m.length}, m);
    int[] out = new int[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[i] * m[i];
    }
    int y = b.addTensor("y", t, out, quant(t));
    b.addOperator(BuiltinOperator.TILE, 1, new int[] {x, mi}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  static byte[] transpose(DataType t, int[] in, int[] perm) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int p = b.addInt32Constant("perm", new int[] {perm.length}, perm);
    int[] out = new int[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[perm[i]];
    }
    int y = b.addTensor("y", t, out, quant(t));
    b.addOperator(BuiltinOperator.TRANSPOSE, 1, new int[] {x, p}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    byte[] m = tile(DataType.INT32, DataType.INT32, new int[] {2, 2}, new int[] {2, 3});
    assertArrayEquals(ints(1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4),
        run(m, ints(1, 2, 3, 4))[0]);
    byte[] tr = transpose(DataType.INT16, new int[] {2, 3}, new int[] {1, 0});
    assertArrayEquals(shorts(0, 3, 1, 4, 2, 5), run(tr, shorts(0, 1, 2, 3, 4, 5))[0]);
    assertThrows(ModelException.class, () -> ReshapeTest.compile(transpose(DataType.FLOAT32, new int[] {2, 3}, new int[] {0, 0})));
  }

  @Test
  void differentialTile() throws Exception {
    // TFLite 2.4.1's TILE supports float32, uint8, int32, int64 and bool (not int8).
    DataType[] types = {DataType.FLOAT32, DataType.UINT8, DataType.INT16, DataType.INT32,
        DataType.INT64, DataType.BOOL};
    Random r = new Random(51);
    for (int trial = 0; trial < 36; trial++) {
      DataType t = types[trial % types.length];
      int rank = 1 + r.nextInt(4);
      int[] in = randomShape(r, rank, 4);
      int[] m = randomShape(r, rank, 3);
      DataType mt = r.nextBoolean() ? DataType.INT32 : DataType.INT64;
      assertMatches(t, tt -> tile(tt, mt, in, m), trial);
    }
  }

  @Test
  void differentialTranspose() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32, DataType.INT64, DataType.BOOL};
    Random r = new Random(61);
    for (int trial = 0; trial < 42; trial++) {
      DataType t = types[trial % types.length];
      int rank = 1 + r.nextInt(5);
      int[] in = randomShape(r, rank, 4);
      int[] perm = iota(rank);
      for (int i = rank - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      assertMatches(t, tt -> transpose(tt, in, perm), trial);
    }
  }

  @Test
  void rankSixTranspose() throws Exception {
    // TFLite 2.4.1 stops at rank 5; check rank 6 against an explicit index computation.
    int[] in = {2, 1, 3, 2, 2, 3};
    int[] perm = {5, 3, 0, 4, 2, 1};
    int n = prod(in);
    byte[] out = run(transpose(DataType.INT32, in, perm), ints(iota(n)))[0];
    int[] got = toInts(out);
    int[] os = new int[6];
    for (int i = 0; i < 6; i++) {
      os[i] = in[perm[i]];
    }
    int[] inStr = io.tflited.runtime.kernels.shape.StridedCopy.strides(in);
    int[] idx = new int[6];
    for (int k = 0; k < n; k++) {
      int rem = k;
      int src = 0;
      for (int d = 5; d >= 0; d--) {
        idx[d] = rem % os[d];
        rem /= os[d];
        src += idx[d] * inStr[perm[d]];
      }
      if (got[k] != src) {
        throw new AssertionError("element " + k + ": got " + got[k] + ", expected " + src);
      }
    }
  }
}
