package io.tflited.runtime.ops.index;

import static io.tflited.runtime.ops.index.IndexHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SparseToDenseOptions;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SEGMENT_SUM, SCATTER_ND, SPARSE_TO_DENSE, HASHTABLE_LOOKUP vs hand checks and TFLite 2.4.1. */
class SparseOpsTest {
  static byte[] segmentSum(DataType t, int[] shape, int[] ids, boolean constIds) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, shape);
    int s = constIds ? b.addInt32Constant("ids", new int[] {ids.length}, ids)
        : b.addTensor("ids", DataType.INT32, new int[] {ids.length});
    int[] os = shape.clone();
    os[0] = ids.length == 0 ? 0 : ids[ids.length - 1] + 1;
    int y = b.addTensor("y", t, os);
    b.addOperator(BuiltinOperator.SEGMENT_SUM, 1, new int[] {x, s}, new int[] {y});
    return (constIds ? b.setInputs(x) : b.setInputs(x, s)).setOutputs(y).buildBytes();
  }

  static byte[] scatterNd(DataType t, int[] is, int[] us, int[] shape) {
    ModelBuilder b = new ModelBuilder();
    int i = b.addTensor("indices", DataType.INT32, is);
    int u = b.addTensor("updates", t, us, quant(t));
    int s = b.addInt32Constant("shape", new int[] {shape.length}, shape);
    int y = b.addTensor("y", t, shape, quant(t));
    b.addOperator(BuiltinOperator.SCATTER_ND, 1, new int[] {i, u, s}, new int[] {y});
    return b.setInputs(i, u).setOutputs(y).buildBytes();
  }

  static byte[] sparseToDense(DataType t, DataType it, int[] is, int[] vs, int[] shape) {
    ModelBuilder b = new ModelBuilder();
    int i = b.addTensor("indices", it, is);
    int s = b.addInt32Constant("shape", new int[] {shape.length}, shape);
    int v = b.addTensor("values", t, vs, quant(t));
    int d = b.addTensor("default", t, new int[] {}, quant(t));
    int y = b.addTensor("y", t, shape, quant(t));
    b.addOperator(BuiltinOperator.SPARSE_TO_DENSE, 1, new int[] {i, s, v, d}, new int[] {y},
        BuiltinOptions.SparseToDenseOptions,
        fbb -> {
          SparseToDenseOptions.startSparseToDenseOptions(fbb);
          return SparseToDenseOptions.endSparseToDenseOptions(fbb);
        });
    return b.setInputs(i, v, d).setOutputs(y).buildBytes();
  }

  static byte[] hashtable(DataType t, int n, int[] vshape) {
    ModelBuilder b = new ModelBuilder();
    int l = b.addTensor("lookup", DataType.INT32, new int[] {n});
    int k = b.addTensor("key", DataType.INT32, new int[] {vshape[0]});
    int v = b.addTensor("value", t, vshape, quant(t));
    int[] os = vshape.clone();
    os[0] = n;
    int y = b.addTensor("y", t, os, quant(t));
    int h = b.addTensor("hits", DataType.UINT8, new int[] {n});
    b.addOperator(BuiltinOperator.HASHTABLE_LOOKUP, 1, new int[] {l, k, v}, new int[] {y, h});
    return b.setInputs(l, k, v).setOutputs(y, h).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    byte[] ss = segmentSum(DataType.INT32, new int[] {4, 2}, new int[] {0, 0, 1, 1}, true);
    assertArrayEquals(new int[] {4, 6, 12, 14}, toInts(run(ss, ints(1, 2, 3, 4, 5, 6, 7, 8))[0]));
    assertThrows(ModelException.class, () -> compile(segmentSum(DataType.INT32, new int[] {3},
        new int[] {0, 2, 2}, true)));
    assertThrows(ModelException.class, () -> compile(segmentSum(DataType.INT32, new int[] {3},
        new int[] {0, 1, 1}, false)));
    byte[] sc = scatterNd(DataType.INT32, new int[] {3, 1}, new int[] {3, 2}, new int[] {3, 2});
    assertArrayEquals(new int[] {0, 0, 4, 6, 5, 6},
        toInts(run(sc, ints(1, 2, 1), ints(1, 2, 5, 6, 3, 4))[0]));
    assertThrows(InvocationException.class, () -> run(sc, ints(1, 3, 1), ints(1, 2, 5, 6, 3, 4)));
    byte[] sd = sparseToDense(DataType.FLOAT32, DataType.INT32, new int[] {2, 2}, new int[] {2},
        new int[] {2, 3});
    assertArrayEquals(new float[] {9, 1, 9, 9, 9, 2},
        toFloats(run(sd, ints(0, 1, 1, 2), floats(1, 2), floats(9))[0]));
    byte[] ht = hashtable(DataType.INT32, 3, new int[] {3, 1});
    byte[][] hy = run(ht, ints(5, 4, -1), ints(-1, 2, 5), ints(10, 20, 30));
    assertArrayEquals(new int[] {30, 0, 10}, toInts(hy[0]));
    assertArrayEquals(new byte[] {1, 0, 1}, hy[1]);
  }

  static void compile(byte[] m) throws Exception {
    CompiledModel.fromBuffer(ByteBuffer.wrap(m), InterpreterOptions.defaults());
  }

  @Test
  void differentialSegmentSum() throws Exception {
    Random r = new Random(51);
    for (int trial = 0; trial < 30; trial++) {
      DataType t = trial % 2 == 0 ? DataType.FLOAT32 : DataType.INT32;
      int[] shape = randomShape(r, 1 + r.nextInt(3), 5);
      shape[0] = 1 + r.nextInt(8);
      int[] ids = new int[shape[0]];
      for (int i = 1; i < ids.length; i++) {
        ids[i] = ids[i - 1] + r.nextInt(2);
      }
      Differential.assertMatchesTfLite(segmentSum(t, shape, ids, true),
          new byte[][] {randomFull(r, t, prod(shape))});
    }
  }

  @Test
  void differentialScatterNd() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.UINT8, DataType.INT8, DataType.INT32,
        DataType.INT64};
    Random r = new Random(52);
    for (int trial = 0; trial < 50; trial++) {
      DataType t = types[trial % types.length];
      int[] shape = randomShape(r, 1 + r.nextInt(3), 4);
      int nd = 1 + r.nextInt(shape.length);
      int[] outer = randomShape(r, 1 + r.nextInt(2), 4);
      int[] is = Arrays.copyOf(outer, outer.length + 1);
      is[outer.length] = nd;
      int[] us = new int[outer.length + shape.length - nd];
      System.arraycopy(outer, 0, us, 0, outer.length);
      System.arraycopy(shape, nd, us, outer.length, shape.length - nd);
      int[] idx = new int[prod(is)];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = r.nextInt(shape[i % nd]); // duplicates accumulate
      }
      Differential.assertMatchesTfLite(scatterNd(t, is, us, shape),
          new byte[][] {ints(idx), randomFull(r, t, prod(us))});
    }
  }

  @Test
  void differentialSparseToDense() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.INT8,
        DataType.UINT8};
    Random r = new Random(53);
    for (int trial = 0; trial < 50; trial++) {
      DataType t = types[trial % types.length];
      DataType it = r.nextBoolean() ? DataType.INT32 : DataType.INT64;
      int[] shape = randomShape(r, 1 + r.nextInt(4), 4);
      int n = trial % 7 == 0 ? 1 : 1 + r.nextInt(6);
      boolean vector = shape.length == 1 && r.nextBoolean();
      int[] is = vector ? new int[] {n} : new int[] {n, shape.length};
      long[] idx = new long[prod(is)];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = r.nextInt(shape[i % shape.length]);
      }
      byte[] ib;
      if (it == DataType.INT32) {
        int[] v = new int[idx.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = (int) idx[i];
        }
        ib = ints(v);
      } else {
        ib = longs(idx);
      }
      int[] vs = n == 1 && r.nextBoolean() ? new int[] {} : new int[] {n};
      Differential.assertMatchesTfLite(sparseToDense(t, it, is, vs, shape),
          new byte[][] {ib, randomFull(r, t, prod(vs)), randomFull(r, t, 1)});
    }
  }

  @Test
  void differentialHashtableLookup() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.INT32, DataType.UINT8, DataType.INT8,
        DataType.INT64};
    Random r = new Random(54);
    for (int trial = 0; trial < 40; trial++) {
      DataType t = types[trial % types.length];
      int[] vshape = randomShape(r, 1 + r.nextInt(3), 5);
      vshape[0] = 1 + r.nextInt(10);
      int rows = vshape[0];
      int[] keys = new int[rows];
      boolean extreme = trial % 4 == 3;
      for (int i = 0; i < rows; i++) {
        keys[i] = extreme ? r.nextInt() : r.nextInt(20) - 5;
      }
      Arrays.sort(keys); // may hold duplicates
      int n = 1 + r.nextInt(8);
      int[] look = new int[n];
      for (int i = 0; i < n; i++) {
        look[i] = r.nextBoolean() ? keys[r.nextInt(rows)] : (extreme ? r.nextInt() : r.nextInt(20) - 5);
      }
      Differential.assertMatchesTfLite(hashtable(t, n, vshape),
          new byte[][] {ints(look), ints(keys), randomFull(r, t, prod(vshape))});
    }
  }
}
