package io.tflited.runtime.ops.generate;

import static io.tflited.runtime.ops.math.SingleOp.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BroadcastToOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.OneHotOptions;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ZEROS_LIKE, FILL, RANGE, ONE_HOT, RANK, BROADCAST_TO. */
class GenerateTest {
  static int cases;

  static int shapeConst(ModelBuilder b, DataType t, int[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return b.addConstant("shape", t, new int[] {v.length}, Quantization.NONE, bytes(t, d));
  }

  static byte[] zerosLike(DataType t, int[] s) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, s);
    int y = b.addTensor("y", t, s);
    b.addOperator(BuiltinOperator.ZEROS_LIKE, 1, new int[] {x}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  static byte[] fill(DataType t, DataType dt, int[] dims) {
    ModelBuilder b = new ModelBuilder();
    int d = shapeConst(b, dt, dims);
    int v = b.addTensor("v", t, new int[0]);
    int y = b.addTensor("y", t, dims);
    b.addOperator(BuiltinOperator.FILL, 1, new int[] {d, v}, new int[] {y});
    return b.setInputs(v).setOutputs(y).buildBytes();
  }

  static byte[] rank(DataType t, int[] s) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, s);
    int y = b.addTensor("y", DataType.INT32, new int[0]);
    b.addOperator(BuiltinOperator.RANK, 1, new int[] {x}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  /** RANGE on constants, then ADD of a model input so the model has a runtime input. */
  static byte[] range(DataType t, double s, double l, double d, int size) {
    ModelBuilder b = new ModelBuilder();
    int si = b.addConstant("s", t, new int[0], Quantization.NONE, bytes(t, s));
    int li = b.addConstant("l", t, new int[0], Quantization.NONE, bytes(t, l));
    int di = b.addConstant("d", t, new int[0], Quantization.NONE, bytes(t, d));
    int r = b.addTensor("r", t, new int[] {size});
    int x = b.addTensor("x", t, new int[] {size});
    int y = b.addTensor("y", t, new int[] {size});
    b.addOperator(BuiltinOperator.RANGE, 1, new int[] {si, li, di}, new int[] {r});
    b.addOperator(BuiltinOperator.ADD, 1, new int[] {r, x}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  static byte[] oneHot(DataType t, DataType it, int[] s, int depth, int axis) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("i", it, s);
    int d = b.addInt32Constant("depth", new int[0], depth);
    int on = b.addTensor("on", t, new int[0]);
    int off = b.addTensor("off", t, new int[0]);
    int a = axis == -1 ? s.length : axis;
    int[] os = new int[s.length + 1];
    for (int i = 0; i < os.length; i++) {
      os[i] = i < a ? s[i] : i == a ? depth : s[i - 1];
    }
    int y = b.addTensor("y", t, os);
    b.addOperator(BuiltinOperator.ONE_HOT, 1, new int[] {x, d, on, off}, new int[] {y},
        BuiltinOptions.OneHotOptions, fbb -> OneHotOptions.createOneHotOptions(fbb, axis));
    return b.setInputs(x, on, off).setOutputs(y).buildBytes();
  }

  static byte[] broadcastTo(DataType t, DataType st, int[] in, int[] target) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in);
    int s = shapeConst(b, st, target);
    int y = b.addTensor("y", t, target);
    b.addOperator(BuiltinOperator.BROADCAST_TO, 2, new int[] {x, s}, new int[] {y},
        BuiltinOptions.BroadcastToOptions, fbb -> {
          BroadcastToOptions.startBroadcastToOptions(fbb);
          return BroadcastToOptions.endBroadcastToOptions(fbb);
        });
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    assertArrayEquals(bytes(DataType.INT8, 0, 0, 0),
        run(zerosLike(DataType.INT8, new int[] {3}), bytes(DataType.INT8, 1, -2, 3))[0]);
    assertArrayEquals(bytes(DataType.INT16, 7, 7, 7, 7, 7, 7),
        run(fill(DataType.INT16, DataType.INT64, new int[] {2, 3}), bytes(DataType.INT16, 7))[0]);
    assertArrayEquals(bytes(DataType.INT32, 3),
        run(rank(DataType.FLOAT32, new int[] {1, 2, 3}), bytes(DataType.FLOAT32, 0, 0, 0, 0, 0, 0))[0]);
    assertArrayEquals(bytes(DataType.INT32, 10, 7, 4, 1),
        run(range(DataType.INT32, 10, 0, -3, 4), bytes(DataType.INT32, 0, 0, 0, 0))[0]);
    assertArrayEquals(bytes(DataType.INT8, 0, 5, 5, 5, 5, 5, 5, 0, 5),
        run(oneHot(DataType.INT8, DataType.INT64, new int[] {3}, 3, 0),
            bytes(DataType.INT64, 0, 2, -1), bytes(DataType.INT8, 0), bytes(DataType.INT8, 5))[0]);
    assertArrayEquals(bytes(DataType.INT16, 1, 2, 1, 2, 1, 2),
        run(broadcastTo(DataType.INT16, DataType.INT32, new int[] {2}, new int[] {3, 2}),
            bytes(DataType.INT16, 1, 2))[0]);
    // A rank-8 broadcast checked against an index computation.
    int[] in = {1, 2, 1, 2, 1, 1, 2, 1};
    int[] tg = {2, 2, 2, 2, 1, 2, 2, 2};
    double[] src = new double[prod(in)];
    for (int i = 0; i < src.length; i++) {
      src[i] = i;
    }
    double[] got = values(DataType.INT32,
        run(broadcastTo(DataType.INT32, DataType.INT32, in, tg), bytes(DataType.INT32, src))[0]);
    for (int k = 0; k < got.length; k++) {
      int rem = k;
      int s = 0;
      int stride = 1;
      for (int d = 7; d >= 0; d--) {
        int id = rem % tg[d];
        rem /= tg[d];
        s += (in[d] == 1 ? 0 : id) * stride;
        stride *= in[d];
      }
      assertTrue(got[k] == s, "element " + k);
    }
    assertThrows(ModelException.class, () -> compile(range(DataType.INT32, 0, 5, -1, 5)));
    assertThrows(ModelException.class,
        () -> compile(broadcastTo(DataType.INT32, DataType.INT32, new int[] {3}, new int[] {2})));
  }

  @Test
  void valueDependentShapesNeedKnownInputs() throws Exception {
    // RANGE whose limit is a model input: the output size is unknown at prepare.
    ModelBuilder b = new ModelBuilder();
    int s = b.addInt32Constant("s", new int[0], 0);
    int l = b.addTensor("l", DataType.INT32, new int[0]);
    int d = b.addInt32Constant("d", new int[0], 1);
    int y = b.addTensor("y", DataType.INT32, new int[] {1});
    b.addOperator(BuiltinOperator.RANGE, 1, new int[] {s, l, d}, new int[] {y});
    byte[] range = b.setInputs(l).setOutputs(y).buildBytes();
    ModelException e = assertThrows(ModelException.class, () -> compile(range));
    assertTrue(e.getMessage().contains("RANGE"), e.getMessage());
    // FILL with runtime dims.
    ModelBuilder f = new ModelBuilder();
    int dims = f.addTensor("dims", DataType.INT32, new int[] {2});
    int v = f.addFloatConstant("v", new int[0], 1f);
    int fy = f.addTensor("y", DataType.FLOAT32, new int[] {1, 1});
    f.addOperator(BuiltinOperator.FILL, 1, new int[] {dims, v}, new int[] {fy});
    byte[] fill = f.setInputs(dims).setOutputs(fy).buildBytes();
    e = assertThrows(ModelException.class, () -> compile(fill));
    assertTrue(e.getMessage().contains("FILL"), e.getMessage());
    // ONE_HOT with runtime depth.
    ModelBuilder o = new ModelBuilder();
    int idx = o.addTensor("i", DataType.INT32, new int[] {2});
    int dep = o.addTensor("depth", DataType.INT32, new int[0]);
    int on = o.addFloatConstant("on", new int[0], 1f);
    int off = o.addFloatConstant("off", new int[0], 0f);
    int oy = o.addTensor("y", DataType.FLOAT32, new int[] {2, 1});
    o.addOperator(BuiltinOperator.ONE_HOT, 1, new int[] {idx, dep, on, off}, new int[] {oy});
    byte[] oneHot = o.setInputs(idx, dep).setOutputs(oy).buildBytes();
    e = assertThrows(ModelException.class, () -> compile(oneHot));
    assertTrue(e.getMessage().contains("ONE_HOT"), e.getMessage());
  }

  @Test
  void differentialShapeOnly() throws Exception {
    Random r = new Random(11);
    DataType[] zt = {DataType.FLOAT32, DataType.INT32, DataType.INT64};
    DataType[] ft = {DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.BOOL};
    for (int trial = 0; trial < 24; trial++) {
      int[] s = randomShape(r, 1 + r.nextInt(4), 4);
      diff(zerosLike(zt[trial % 3], s), trial, 5);
      diff(fill(ft[trial % 4], r.nextBoolean() ? DataType.INT32 : DataType.INT64, s), trial, 5);
      diff(rank(ft[trial % 4], randomShape(r, r.nextInt(6), 3)), trial, 5);
      cases += 3;
    }
  }

  @Test
  void differentialRange() throws Exception {
    Random r = new Random(12);
    for (int trial = 0; trial < 40; trial++) {
      if (trial % 2 == 0) {
        int s = r.nextInt(41) - 20;
        int d = (1 + r.nextInt(5)) * (r.nextBoolean() ? 1 : -1);
        int l = s + d * (1 + r.nextInt(10)) - (r.nextInt(Math.abs(d)) * Integer.signum(d));
        int size = (Math.abs(l - s) + Math.abs(d) - 1) / Math.abs(d);
        diff(range(DataType.INT32, s, l, d, size), trial, 5);
      } else {
        float s = (r.nextFloat() - 0.5f) * 20;
        float d = (0.1f + r.nextFloat() * 3) * (r.nextBoolean() ? 1 : -1);
        float l = s + d * (0.5f + r.nextInt(30)) ;
        int size = (int) Math.ceil(Math.abs((l - s) / d));
        diff(range(DataType.FLOAT32, s, l, d, size), trial, 5);
      }
      cases++;
    }
  }

  @Test
  void differentialOneHot() throws Exception {
    Random r = new Random(13);
    DataType[] types = {DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.BOOL,
        DataType.INT8, DataType.UINT8};
    for (int trial = 0; trial < 36; trial++) {
      DataType t = types[trial % types.length];
      DataType it = r.nextBoolean() ? DataType.INT32 : DataType.INT64;
      int[] s = randomShape(r, r.nextInt(4), 4);
      int depth = 1 + r.nextInt(5);
      int axis = r.nextInt(s.length + 2) - 1;
      byte[] m;
      try {
        m = oneHot(t, it, s, depth, axis);
      } catch (RuntimeException e) {
        throw e;
      }
      double[] idx = new double[prod(s)];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = r.nextInt(depth + 2) - 1;
      }
      byte[][] in = Differential.randomInputs(inputs(m), trial, 10);
      in[0] = bytes(it, idx);
      Differential.assertMatchesTfLite(m, in);
      cases++;
    }
  }

  /** x + zeros(target): TFLite 2.4.1 has no BROADCAST_TO, but its broadcasting ADD does the same. */
  static byte[] addZeros(DataType t, int[] in, int[] target) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in);
    int z = b.addConstant("z", t, target, Quantization.NONE, new byte[prod(target) * t.byteSize()]);
    int y = b.addTensor("y", t, target);
    b.addOperator(BuiltinOperator.ADD, 1, new int[] {x, z}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void differentialBroadcastTo() throws Exception {
    io.tflited.runtime.testing.TfLiteOracle.assumeAvailable();
    Random r = new Random(14);
    DataType[] types = {DataType.FLOAT32, DataType.INT32};
    for (int trial = 0; trial < 36; trial++) {
      DataType t = types[trial % types.length];
      int rank = 1 + r.nextInt(4);
      int[] tg = randomShape(r, rank, 4);
      int inRank = 1 + r.nextInt(rank);
      int[] in = new int[inRank];
      for (int i = 0; i < inRank; i++) {
        in[i] = r.nextInt(3) == 0 ? 1 : tg[rank - inRank + i];
      }
      byte[] m = broadcastTo(t, r.nextBoolean() ? DataType.INT32 : DataType.INT64, in, tg);
      byte[][] x = Differential.randomInputs(inputs(m), trial, 10);
      byte[][] expected = io.tflited.runtime.testing.TfLiteOracle.run(addZeros(t, in, tg), x);
      assertArrayEquals(expected[0], run(m, x)[0], "trial " + trial);
      cases++;
    }
    System.out.println("GenerateTest oracle cases so far: " + cases);
  }

  @Test
  void broadcastToAllTypesAgainstIndexMath() throws Exception {
    Random r = new Random(15);
    DataType[] types = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32, DataType.INT64, DataType.BOOL};
    for (int trial = 0; trial < 35; trial++) {
      DataType t = types[trial % types.length];
      int rank = 1 + r.nextInt(8);
      int[] tg = randomShape(r, rank, 3);
      int inRank = 1 + r.nextInt(rank);
      int[] in = new int[inRank];
      for (int i = 0; i < inRank; i++) {
        in[i] = r.nextInt(3) == 0 ? 1 : tg[rank - inRank + i];
      }
      int[] ext = io.tflited.runtime.graph.Shapes.extend(in, rank);
      double[] src = new double[prod(in)];
      for (int i = 0; i < src.length; i++) {
        src[i] = t == DataType.BOOL ? r.nextInt(2) : r.nextInt(100);
      }
      double[] got = values(t, run(broadcastTo(t, DataType.INT32, in, tg), bytes(t, src))[0]);
      for (int k = 0; k < got.length; k++) {
        int rem = k;
        int s = 0;
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
          int id = rem % tg[d];
          rem /= tg[d];
          s += (ext[d] == 1 ? 0 : id) * stride;
          stride *= ext[d];
        }
        assertTrue(got[k] == src[s], "trial " + trial + " element " + k);
      }
    }
  }
}
