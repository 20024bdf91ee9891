package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.GatherOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** GATHER and GATHER_ND. */
class GatherTest {
  static byte[] gather(DataType t, DataType it, int[] p, int[] q, int axis, int bd) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, p, quant(t));
    int i = b.addTensor("i", it, q);
    int a = axis < 0 ? axis + p.length : axis;
    int bdn = bd < 0 ? bd + q.length : bd;
    java.util.List<Integer> os = new java.util.ArrayList<>();
    for (int k = 0; k < a; k++) {
      os.add(p[k]);
    }
    for (int k = bdn; k < q.length; k++) {
      os.add(q[k]);
    }
    for (int k = a + 1; k < p.length; k++) {
      os.add(p[k]);
    }
    int y = b.addTensor("y", t, os.stream().mapToInt(Integer::intValue).toArray(), quant(t));
    b.addOperator(BuiltinOperator.GATHER, 1, new int[] {x, i}, new int[] {y}, BuiltinOptions.GatherOptions,
        fbb -> GatherOptions.createGatherOptions(fbb, axis, bd));
    return b.setInputs(x, i).setOutputs(y).buildBytes();
  }

  static byte[] gatherNd(DataType t, DataType it, int[] p, int[] q) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, p, quant(t));
    int i = b.addTensor("i", it, q);
    int depth = q[q.length - 1];
    java.util.List<Integer> os = new java.util.ArrayList<>();
    for (int k = 0; k < q.length - 1; k++) {
      os.add(q[k]);
    }
    for (int k = depth; k < p.length; k++) {
      os.add(p[k]);
    }
    int y = b.addTensor("y", t, os.stream().mapToInt(Integer::intValue).toArray(), quant(t));
    b.addOperator(BuiltinOperator.GATHER_ND, 1, new int[] {x, i}, new int[] {y});
    return b.setInputs(x, i).setOutputs(y).buildBytes();
  }

  /** Random indices in [0, bound) (per position bound), in the index type's bytes. */
  static byte[] indices(Random r, DataType it, int n, int[] bounds) {
    ByteBuffer b = ByteBuffer.allocate(n * it.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < n; k++) {
      int v = r.nextInt(bounds[k % bounds.length]);
      if (it == DataType.INT32) {
        b.putInt(v);
      } else {
        b.putLong(v);
      }
    }
    return b.array();
  }

  @Test
  void handChecked() throws Exception {
    byte[] m = gather(DataType.FLOAT32, DataType.INT32, new int[] {3, 2}, new int[] {2}, -2, 0);
    assertArrayEquals(floats(5, 6, 1, 2), run(m, floats(1, 2, 3, 4, 5, 6), ints(2, 0))[0]);
    byte[] c = gather(DataType.INT16, DataType.INT64, new int[] {2, 3}, new int[] {2, 2}, 1, 1);
    // batch_dims 1: row b takes its own columns idx[b].
    assertArrayEquals(shorts(2, 0, 4, 4), run(c, shorts(0, 1, 2, 3, 4, 5), longs(2, 0, 1, 1))[0]);
    assertThrows(InvocationException.class, () -> run(m, floats(1, 2, 3, 4, 5, 6), ints(3, 0)));
    assertThrows(InvocationException.class, () -> run(m, floats(1, 2, 3, 4, 5, 6), ints(-1, 0)));
    byte[] nd = gatherNd(DataType.INT32, DataType.INT32, new int[] {2, 2, 2}, new int[] {2, 2});
    assertArrayEquals(ints(6, 7, 2, 3), run(nd, ints(iota(8)), ints(1, 1, 0, 1))[0]);
    assertThrows(InvocationException.class, () -> run(nd, ints(iota(8)), ints(1, 2, 0, 1)));
    assertThrows(InvocationException.class, () -> run(nd, ints(iota(8)), ints(1, -1, 0, 1)));
  }

  @Test
  void differentialGather() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32, DataType.INT64, DataType.BOOL};
    Random r = new Random(71);
    for (int trial = 0; trial < 56; trial++) {
      DataType t = types[trial % types.length];
      DataType it = r.nextBoolean() ? DataType.INT32 : DataType.INT64;
      int rank = 1 + r.nextInt(4);
      int[] p = randomShape(r, rank, 4);
      int axis = r.nextInt(2 * rank) - rank;
      int[] q = randomShape(r, r.nextInt(3), 3);
      byte[] model = gather(t, it, p, q, axis, 0);
      byte[] data = randomData(model, trial);
      byte[] idx = indices(r, it, prod(q), new int[] {p[axis < 0 ? axis + rank : axis]});
      assertMatches(t, tt -> gather(tt, it, p, q, axis, 0), new byte[][] {data, idx});
    }
  }

  static byte[] randomData(byte[] model, long seed) throws Exception {
    return io.tflited.runtime.testing.Differential.randomInputs(inputInfos(model), seed, 10f)[0];
  }

  @Test
  void batchDimsByExplicitLoops() throws Exception {
    // TFLite 2.4.1 has no batch_dims; check against the definition with explicit loops.
    Random r = new Random(73);
    for (int trial = 0; trial < 20; trial++) {
      int[] p = randomShape(r, 2 + r.nextInt(3), 4);
      int bd = 1 + r.nextInt(p.length - 1);
      int axis = bd + r.nextInt(p.length - bd);
      int[] q = new int[bd + r.nextInt(2)];
      for (int i = 0; i < q.length; i++) {
        q[i] = i < bd ? p[i] : 1 + r.nextInt(3);
      }
      int batch = 1;
      for (int i = 0; i < bd; i++) {
        batch *= p[i];
      }
      int outer = 1;
      for (int i = bd; i < axis; i++) {
        outer *= p[i];
      }
      int inner = 1;
      for (int i = axis + 1; i < p.length; i++) {
        inner *= p[i];
      }
      int coords = prod(q) / batch;
      int[] idx = new int[prod(q)];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = r.nextInt(p[axis]);
      }
      int[] data = iota(prod(p));
      int[] expect = new int[batch * outer * coords * inner];
      int k = 0;
      for (int b = 0; b < batch; b++) {
        for (int o = 0; o < outer; o++) {
          for (int c = 0; c < coords; c++) {
            for (int j = 0; j < inner; j++) {
              expect[k++] = data[((b * outer + o) * p[axis] + idx[b * coords + c]) * inner + j];
            }
          }
        }
      }
      byte[] m = gather(DataType.INT32, DataType.INT32, p, q, axis, trial % 2 == 0 || q.length == bd ? bd : bd - q.length);
      assertArrayEquals(ints(expect), run(m, ints(data), ints(idx))[0]);
    }
  }

  @Test
  void differentialGatherNd() throws Exception {
    // TFLite 2.4.1's GATHER_ND takes float32, uint8, int8, int32 and int64 params.
    DataType[] types = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32, DataType.INT64};
    Random r = new Random(81);
    for (int trial = 0; trial < 36; trial++) {
      DataType t = types[trial % types.length];
      DataType it = r.nextBoolean() ? DataType.INT32 : DataType.INT64;
      int[] p = randomShape(r, 1 + r.nextInt(4), 4);
      int depth = 1 + r.nextInt(p.length);
      int[] q0 = randomShape(r, r.nextInt(3), 3);
      int[] q = java.util.Arrays.copyOf(q0, q0.length + 1);
      q[q0.length] = depth;
      byte[] data = randomData(gatherNd(t, it, p, q), trial);
      byte[] idx = indices(r, it, prod(q), java.util.Arrays.copyOf(p, depth));
      assertMatches(t, tt -> gatherNd(tt, it, p, q), new byte[][] {data, idx});
    }
  }
}
