package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.StridedSliceOptions;
import io.tflited.runtime.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** STRIDED_SLICE and SLICE. */
class SliceTest {
  static final DataType[] TYPES = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
      DataType.INT32, DataType.INT64, DataType.BOOL};

  /** Output shape by the reference rules, for the test model's declared output shape. */
  static int[] stridedShape(int[] in, int[] b, int[] e, int[] s, int bm, int em, int sm) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      int start = StridedSlice.startForAxis(b[i], (bm & (1 << i)) != 0, s[i], in[i]);
      int stop = StridedSlice.stopForAxis(e[i], (em & (1 << i)) != 0, (sm & (1 << i)) != 0, start, s[i], in[i]);
      int n = Math.max(0, (int) Math.ceil((stop - start) / (float) s[i]));
      if ((sm & (1 << i)) == 0) {
        out.add(n);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  static byte[] strided(DataType t, int[] in, int[] b, int[] e, int[] s, int bm, int em, int sm,
      int ellipsis, int newAxis, int[] outShape) {
    ModelBuilder mb = new ModelBuilder();
    int x = mb.addTensor("x", t, in, quant(t));
    int bi = mb.addInt32Constant("b", new int[] {b.length}, b);
    int ei = mb.addInt32Constant("e", new int[] {e.length}, e);
    int si = mb.addInt32Constant("s", new int[] {s.length}, s);
    int y = mb.addTensor("y", t, outShape, quant(t));
    mb.addOperator(BuiltinOperator.STRIDED_SLICE, 1, new int[] {x, bi, ei, si}, new int[] {y},
        BuiltinOptions.StridedSliceOptions,
        fbb -> StridedSliceOptions.createStridedSliceOptions(fbb, bm, em, ellipsis, newAxis, sm, false));
    return mb.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    int[] in = {3, 4};
    byte[] data = ints(iota(12));
    // Reverse rows, every second column from 1: rows 2,1,0 x cols 1,3.
    byte[] m = strided(DataType.INT32, in, new int[] {-1, 1}, new int[] {-4, 4}, new int[] {-1, 2}, 0, 0, 0, 0, 0, new int[] {3, 2});
    assertArrayEquals(ints(9, 11, 5, 7, 1, 3), run(m, data)[0]);
    // Shrink axis 0 at index -2 (row 1), full columns via end mask.
    byte[] s = strided(DataType.INT32, in, new int[] {-2, 0}, new int[] {0, 0}, new int[] {1, 1}, 0, 2, 1, 0, 0, new int[] {4});
    assertArrayEquals(ints(4, 5, 6, 7), run(s, data)[0]);
    // Ellipsis then a new axis then column 2 shrunk: x[..., None, 2] -> shape [3, 1].
    byte[] el = strided(DataType.INT32, in, new int[] {0, 0, 2}, new int[] {0, 0, 3}, new int[] {1, 1, 1}, 0, 0, 4, 1, 2, new int[] {3, 1});
    assertArrayEquals(new int[] {3, 1}, outputInfos(el).get(0).shape());
    assertArrayEquals(ints(2, 6, 10), run(el, data)[0]);
    // A spec shorter than the rank takes the remaining axes whole: x[1:3] -> [2, 4].
    byte[] sh = strided(DataType.INT32, in, new int[] {1}, new int[] {3}, new int[] {1}, 0, 0, 0, 0, 0, new int[] {2, 4});
    assertArrayEquals(ints(4, 5, 6, 7, 8, 9, 10, 11), run(sh, data)[0]);
    assertThrows(ModelException.class, () -> ReshapeTest.compile(
        strided(DataType.INT32, in, new int[] {0, 0}, new int[] {1, 1}, new int[] {1, 0}, 0, 0, 0, 0, 0, new int[] {1, 1})));
  }

  @Test
  void differentialStrided() throws Exception {
    Random r = new Random(31);
    for (int trial = 0; trial < 140; trial++) {
      DataType t = TYPES[trial % TYPES.length];
      int rank = 1 + r.nextInt(4);
      int[] in = randomShape(r, rank, 5);
      int[] b = new int[rank];
      int[] e = new int[rank];
      int[] s = new int[rank];
      for (int i = 0; i < rank; i++) {
        b[i] = r.nextInt(2 * in[i] + 3) - in[i] - 1;
        e[i] = r.nextInt(2 * in[i] + 3) - in[i] - 1;
        s[i] = (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(3));
      }
      int bm = r.nextInt(1 << rank);
      int em = r.nextInt(1 << rank);
      int sm = r.nextInt(4) == 0 ? r.nextInt(1 << rank) : 0;
      for (int i = 0; i < rank; i++) {
        if ((sm & (1 << i)) != 0) {
          // TFLite 2.4.1 writes garbage past a shrunk axis with a negative stride or end mask
          // (its eval loop and its shape disagree), so shrink only with stride 1, no end mask,
          // and an in-range begin.
          s[i] = 1;
          em &= ~(1 << i);
          b[i] = r.nextInt(2 * in[i]) - in[i];
        }
      }
      int[] out = stridedShape(in, b, e, s, bm, em, sm);
      if (prod(out) == 0) {
        continue; // TFLite's Java API cannot read an unallocated empty output.
      }
      int fem = em;
      assertMatches(t, tt -> strided(tt, in, b, e, s, bm, fem, sm, 0, 0, out), trial);
    }
  }

  @Test
  void ellipsisAndNewAxisMatchTheirDenseEquivalent() throws Exception {
    // TFLite 2.4.1 rejects ellipsis_mask and new_axis_mask. A spec using them selects the same
    // bytes as the dense spec that spells the ellipsis out as full ranges and drops the new
    // axes (which only add size-1 dimensions), and the oracle runs the dense spec.
    Random r = new Random(37);
    int checked = 0;
    for (int trial = 0; trial < 200 && checked < 40; trial++) {
      DataType t = TYPES[trial % TYPES.length];
      int rank = 1 + r.nextInt(4);
      int[] in = randomShape(r, rank, 4);
      int n = 1 + r.nextInt(rank + 2);
      int ellipsisAt = r.nextInt(n + 1); // n means no ellipsis
      int em = 0;
      int na = 0;
      int bm = 0;
      int endm = 0;
      int sm = 0;
      int[] b = new int[n];
      int[] e = new int[n];
      int[] st = new int[n];
      int consuming = 0;
      for (int i = 0; i < n; i++) {
        st[i] = 1;
        if (i == ellipsisAt) {
          em |= 1 << i;
        } else if (r.nextInt(4) == 0) {
          na |= 1 << i;
        } else {
          consuming++;
        }
      }
      if (consuming > rank) {
        continue;
      }
      // Dense spec: one entry per input axis.
      int[] db = new int[rank];
      int[] de = new int[rank];
      int[] ds = new int[rank];
      int dbm = 0;
      int dem = 0;
      int dsm = 0;
      int axis = 0;
      java.util.List<Integer> outShape = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        int bit = 1 << i;
        if ((em & bit) != 0) {
          for (int k = 0; k < rank - consuming; k++, axis++) {
            ds[axis] = 1;
            dbm |= 1 << axis;
            dem |= 1 << axis;
            outShape.add(in[axis]);
          }
          continue;
        }
        if ((na & bit) != 0) {
          outShape.add(1);
          continue;
        }
        int size = in[axis];
        st[i] = (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(2));
        b[i] = r.nextInt(2 * size) - size;
        e[i] = r.nextInt(2 * size + 1) - size;
        if (r.nextInt(4) == 0) {
          sm |= bit;
          st[i] = 1;
        }
        if (r.nextInt(3) == 0) {
          bm |= bit;
        }
        if (r.nextInt(3) == 0 && (sm & bit) == 0) {
          endm |= bit;
        }
        db[axis] = b[i];
        de[axis] = e[i];
        ds[axis] = st[i];
        int abit = 1 << axis;
        if ((bm & bit) != 0) {
          dbm |= abit;
        }
        if ((endm & bit) != 0) {
          dem |= abit;
        }
        if ((sm & bit) != 0) {
          dsm |= abit;
        }
        int start = StridedSlice.startForAxis(b[i], (bm & bit) != 0, st[i], size);
        int stop = StridedSlice.stopForAxis(e[i], (endm & bit) != 0, (sm & bit) != 0, start, st[i], size);
        int cnt = Math.max(0, (int) Math.ceil((stop - start) / (float) st[i]));
        if ((sm & bit) == 0) {
          outShape.add(cnt);
        }
        axis++;
      }
      for (; axis < rank; axis++) {
        ds[axis] = 1;
        dbm |= 1 << axis;
        dem |= 1 << axis;
        outShape.add(in[axis]);
      }
      int[] os = outShape.stream().mapToInt(Integer::intValue).toArray();
      int[] dense = stridedShape(in, db, de, ds, dbm, dem, dsm);
      if (prod(dense) == 0) {
        continue;
      }
      int fem = em;
      int fna = na;
      int fbm = bm;
      int fendm = endm;
      int fsm = sm;
      int fdbm = dbm;
      int fdem = dem;
      int fdsm = dsm;
      byte[] ours = strided(t, in, b, e, st, fbm, fendm, fsm, fem, fna, os);
      assertArrayEquals(os, outputInfos(ours).get(0).shape());
      byte[][] inputs = io.tflited.runtime.testing.Differential.randomInputs(inputInfos(ours), trial, 10f);
      byte[] expected;
      if (t == DataType.INT16) {
        expected = narrow(io.tflited.runtime.testing.TfLiteOracle.run(
            strided(DataType.INT32, in, db, de, ds, fdbm, fdem, fdsm, 0, 0, dense),
            new byte[][] {widen(inputs[0])})[0]);
      } else {
        io.tflited.runtime.testing.TfLiteOracle.assumeAvailable();
        expected = io.tflited.runtime.testing.TfLiteOracle.run(
            strided(t, in, db, de, ds, fdbm, fdem, fdsm, 0, 0, dense), inputs)[0];
      }
      assertArrayEquals(expected, run(ours, inputs)[0], "trial " + trial);
      checked++;
    }
    org.junit.jupiter.api.Assertions.assertTrue(checked >= 20, "only " + checked + " cases checked");
  }

  @Test
  void seanetStridedSliceMatchesGolden() throws Exception {
    Path model = SharedModels.require("tflite-micro/seanet/strided_slice/strided_slice0.tflite");
    Path g = SharedModels.require("golden/tflite-micro/seanet/strided_slice/strided_slice0");
    byte[][] out = run(Files.readAllBytes(model), Files.readAllBytes(g.resolve("input_0.bin")));
    assertArrayEquals(Files.readAllBytes(g.resolve("output_0.bin")), out[0]);
  }

  static byte[] slice(DataType t, DataType it, int[] in, int[] begin, int[] size) {
    ModelBuilder mb = new ModelBuilder();
    int x = mb.addTensor("x", t, in, quant(t));
    int bi = intConstant(mb, "b", it, new int[] {begin.length}, begin);
    int si = intConstant(mb, "s", it, new int[] {size.length}, size);
    int[] out = new int[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = size[i] == -1 ? in[i] - begin[i] : size[i];
    }
    int y = mb.addTensor("y", t, out, quant(t));
    mb.addOperator(BuiltinOperator.SLICE, 1, new int[] {x, bi, si}, new int[] {y});
    return mb.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void slice() throws Exception {
    byte[] m = slice(DataType.INT32, DataType.INT32, new int[] {3, 4}, new int[] {1, 2}, new int[] {-1, 1});
    assertArrayEquals(ints(6, 10), run(m, ints(iota(12)))[0]);
    assertThrows(ModelException.class, () -> ReshapeTest.compile(
        slice(DataType.INT32, DataType.INT32, new int[] {3}, new int[] {2}, new int[] {2})));
    Random r = new Random(41);
    for (int trial = 0; trial < 35; trial++) {
      DataType t = TYPES[trial % TYPES.length];
      int rank = 1 + r.nextInt(4);
      int[] in = randomShape(r, rank, 5);
      int[] begin = new int[rank];
      int[] size = new int[rank];
      for (int i = 0; i < rank; i++) {
        begin[i] = r.nextInt(in[i]);
        size[i] = r.nextInt(3) == 0 ? -1 : 1 + r.nextInt(in[i] - begin[i]);
      }
      DataType it = r.nextBoolean() ? DataType.INT32 : DataType.INT64;
      assertMatches(t, tt -> slice(tt, it, in, begin, size), trial);
    }
  }
}
