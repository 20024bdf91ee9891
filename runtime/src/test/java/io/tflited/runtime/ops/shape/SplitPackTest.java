package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.PackOptions;
import io.tflited.runtime.model.fb.SplitOptions;
import io.tflited.runtime.model.fb.SplitVOptions;
import io.tflited.runtime.model.fb.UnpackOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SPLIT, SPLIT_V, PACK, UNPACK. */
class SplitPackTest {
  static final DataType[] TYPES = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
      DataType.INT32};

  static byte[] split(DataType t, int[] in, int axis, int num) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int a = b.addInt32Constant("axis", new int[] {}, axis);
    int ax = axis < 0 ? axis + in.length : axis;
    int[] os = in.clone();
    os[ax] /= num;
    int[] outs = new int[num];
    for (int i = 0; i < num; i++) {
      outs[i] = b.addTensor("y" + i, t, os, quant(t));
    }
    b.addOperator(BuiltinOperator.SPLIT, 1, new int[] {a, x}, outs, BuiltinOptions.SplitOptions,
        fbb -> SplitOptions.createSplitOptions(fbb, num));
    return b.setInputs(x).setOutputs(outs).buildBytes();
  }

  static byte[] splitV(DataType t, DataType st, int[] in, int axis, int[] sizes) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int s = intConstant(b, "sizes", st, new int[] {sizes.length}, sizes);
    int a = b.addInt32Constant("axis", new int[] {}, axis);
    int ax = axis < 0 ? axis + in.length : axis;
    int known = 0;
    for (int v : sizes) {
      known += v == -1 ? 0 : v;
    }
    int[] outs = new int[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      int[] os = in.clone();
      os[ax] = sizes[i] == -1 ? in[ax] - known : sizes[i];
      outs[i] = b.addTensor("y" + i, t, os, quant(t));
    }
    b.addOperator(BuiltinOperator.SPLIT_V, 1, new int[] {x, s, a}, outs, BuiltinOptions.SplitVOptions,
        fbb -> SplitVOptions.createSplitVOptions(fbb, sizes.length));
    return b.setInputs(x).setOutputs(outs).buildBytes();
  }

  static byte[] pack(DataType t, int[] in, int n, int axis, Quantization q2) {
    ModelBuilder b = new ModelBuilder();
    int[] ins = new int[n];
    for (int i = 0; i < n; i++) {
      ins[i] = b.addTensor("x" + i, t, in, i == 1 && q2 != null ? q2 : quant(t));
    }
    int ax = axis < 0 ? axis + in.length + 1 : axis;
    int[] os = new int[in.length + 1];
    for (int i = 0, j = 0; i < os.length; i++) {
      os[i] = i == ax ? n : in[j++];
    }
    int y = b.addTensor("y", t, os, quant(t));
    b.addOperator(BuiltinOperator.PACK, 1, ins, new int[] {y}, BuiltinOptions.PackOptions,
        fbb -> PackOptions.createPackOptions(fbb, n, axis));
    return b.setInputs(ins).setOutputs(y).buildBytes();
  }

  static byte[] unpack(DataType t, int[] in, int axis) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int ax = axis < 0 ? axis + in.length : axis;
    int n = in[ax];
    int[] os = new int[in.length - 1];
    for (int i = 0, j = 0; i < in.length; i++) {
      if (i != ax) {
        os[j++] = in[i];
      }
    }
    int[] outs = new int[n];
    for (int i = 0; i < n; i++) {
      outs[i] = b.addTensor("y" + i, t, os, quant(t));
    }
    b.addOperator(BuiltinOperator.UNPACK, 1, new int[] {x}, outs, BuiltinOptions.UnpackOptions,
        fbb -> UnpackOptions.createUnpackOptions(fbb, n, axis));
    return b.setInputs(x).setOutputs(outs).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    byte[][] s = run(split(DataType.FLOAT32, new int[] {2, 4}, -1, 2), floats(1, 2, 3, 4, 5, 6, 7, 8));
    assertArrayEquals(floats(1, 2, 5, 6), s[0]);
    assertArrayEquals(floats(3, 4, 7, 8), s[1]);
    byte[][] v = run(splitV(DataType.INT8, DataType.INT32, new int[] {5}, 0, new int[] {1, -1, 2}),
        new byte[] {1, 2, 3, 4, 5});
    assertArrayEquals(new byte[] {1}, v[0]);
    assertArrayEquals(new byte[] {2, 3}, v[1]);
    assertArrayEquals(new byte[] {4, 5}, v[2]);
    byte[] p = run(pack(DataType.INT16, new int[] {2}, 2, 1, null), shorts(1, 2), shorts(3, 4))[0];
    assertArrayEquals(shorts(1, 3, 2, 4), p);
    byte[][] u = run(unpack(DataType.INT32, new int[] {2, 2}, 1), ints(1, 2, 3, 4));
    assertArrayEquals(ints(1, 3), u[0]);
    assertArrayEquals(ints(2, 4), u[1]);
  }

  @Test
  void rejects() {
    assertThrows(ModelException.class, () -> ReshapeTest.compile(split(DataType.FLOAT32, new int[] {3}, 0, 2)));
    assertThrows(ModelException.class, () -> ReshapeTest.compile(
        pack(DataType.UINT8, new int[] {2}, 2, 0, Quantization.of(0.25f, 128))));
  }

  @Test
  void differential() throws Exception {
    Random r = new Random(11);
    for (int trial = 0; trial < 25; trial++) {
      DataType t = TYPES[trial % TYPES.length];
      int rank = 1 + r.nextInt(4);
      int[] in = randomShape(r, rank, 4);
      int axis = r.nextInt(2 * rank) - rank;
      int ax = axis < 0 ? axis + rank : axis;
      int num = 1 + r.nextInt(3);
      in[ax] = num * (1 + r.nextInt(2));
      assertMatches(t, tt -> split(tt, in, axis, num), trial);
      // A random composition of the axis into parts of at least 1 (TFLite 2.4.1 leaves
      // zero-sized outputs unallocated, which its Java API cannot read).
      int[] sizes = new int[1 + r.nextInt(Math.min(3, in[ax]))];
      int left = in[ax];
      for (int i = 0; i < sizes.length; i++) {
        int rest = sizes.length - 1 - i;
        sizes[i] = i == sizes.length - 1 ? left : 1 + r.nextInt(left - rest);
        left -= sizes[i];
      }
      if (r.nextBoolean()) {
        sizes[r.nextInt(sizes.length)] = -1;
      }
      DataType st = r.nextBoolean() ? DataType.INT32 : DataType.INT64;
      assertMatches(t, tt -> splitV(tt, st, in, axis, sizes), trial);
      int packAxis = r.nextInt(2 * rank + 2) - rank - 1;
      int n = 1 + r.nextInt(3);
      assertMatches(t, tt -> pack(tt, in, n, packAxis, null), trial);
      assertMatches(t, tt -> unpack(tt, in, axis), trial);
    }
  }
}
