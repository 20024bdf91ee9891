package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ConcatenationOptions;
import io.tflited.runtime.model.fb.StridedSliceOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scalars, empty tensors, constant folding and the copy planner. */
class EdgeCaseTest {
  @Test
  void emptyTensorsAreFine() throws Exception {
    // Concatenating an empty input, and transposing an empty tensor.
    byte[] c = ConcatenationTest.concat(DataType.INT32, new int[][] {{2, 0}, {2, 1}}, null, null, 1, 0);
    assertArrayEquals(ints(5, 6), run(c, new byte[0], ints(5, 6))[0]);
    byte[] t = TileTransposeTest.transpose(DataType.FLOAT32, new int[] {0, 3}, new int[] {1, 0});
    assertEquals(0, run(t, new byte[0])[0].length);
    byte[] g = GatherTest.gather(DataType.INT8, DataType.INT32, new int[] {3}, new int[] {0}, 0, 0);
    assertEquals(0, run(g, new byte[3], new byte[0])[0].length);
  }

  @Test
  void scalarsReshapeAndTile() throws Exception {
    byte[] r = ReshapeTest.reshape(DataType.FLOAT32, new int[] {}, new int[] {1, 1}, new int[] {1, 1}, true, false);
    assertArrayEquals(floats(2.5f), run(r, floats(2.5f))[0]);
    byte[] tile = TileTransposeTest.tile(DataType.INT32, DataType.INT64, new int[] {1}, new int[] {3});
    assertArrayEquals(ints(7, 7, 7), run(tile, ints(7))[0]);
  }

  @Test
  void constantInputsAreFolded() throws Exception {
    // STRIDED_SLICE of a constant: folded at prepare, and the model output is its value.
    ModelBuilder b = new ModelBuilder();
    int x = b.addConstant("x", DataType.INT32, new int[] {4}, Quantization.NONE, ints(10, 11, 12, 13));
    int bi = b.addInt32Constant("b", new int[] {1}, -1);
    int ei = b.addInt32Constant("e", new int[] {1}, 0);
    int si = b.addInt32Constant("s", new int[] {1}, -2);
    int y = b.addTensor("y", DataType.INT32, new int[] {2});
    int z = b.addTensor("z", DataType.INT32, new int[] {1});
    int w = b.addTensor("w", DataType.INT32, new int[] {3});
    b.addOperator(BuiltinOperator.STRIDED_SLICE, 1, new int[] {x, bi, ei, si}, new int[] {y},
        BuiltinOptions.StridedSliceOptions,
        fbb -> StridedSliceOptions.createStridedSliceOptions(fbb, 0, 0, 0, 0, 0, false));
    b.addOperator(BuiltinOperator.CONCATENATION, 1, new int[] {y, z}, new int[] {w},
        BuiltinOptions.ConcatenationOptions,
        fbb -> ConcatenationOptions.createConcatenationOptions(fbb, 0, (byte) 0));
    byte[] m = b.setInputs(z).setOutputs(w).buildBytes();
    assertArrayEquals(ints(13, 11, 99), run(m, ints(99))[0]);
  }

  @Test
  void copyPlannerMatchesNaiveLoops() {
    Random r = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      // Small shapes, and bigger ones that exercise the tiled path with partial tiles.
      boolean big = trial % 3 == 0;
      int rank = big ? 2 + r.nextInt(2) : r.nextInt(5);
      int[] shape = randomShape(r, rank, big ? 40 : 4);
      int es = new int[] {1, 2, 4, 8}[r.nextInt(4)];
      int[] src = new int[rank];
      int[] dst = StridedCopy.strides(shape);
      // Source: a permuted, possibly reversed or broadcast view of a bigger buffer.
      int[] perm = iota(rank);
      for (int i = rank - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      int[] permShape = new int[rank];
      for (int i = 0; i < rank; i++) {
        permShape[perm[i]] = shape[i];
      }
      int[] ps = StridedCopy.strides(permShape);
      int base = 0;
      for (int i = 0; i < rank; i++) {
        int mode = r.nextInt(4);
        src[i] = mode == 0 ? 0 : ps[perm[i]];
        if (mode == 1) {
          src[i] = -src[i];
          base += (shape[i] - 1) * ps[perm[i]];
        }
      }
      int n = prod(shape);
      byte[] in = new byte[n * es];
      r.nextBytes(in);
      byte[] expect = new byte[n * es];
      int[] idx = new int[rank];
      for (int k = 0; k < n; k++) {
        int rem = k;
        int so = base;
        int dO = 0;
        for (int d = rank - 1; d >= 0; d--) {
          idx[d] = rem % shape[d];
          rem /= shape[d];
          so += idx[d] * src[d];
          dO += idx[d] * dst[d];
        }
        System.arraycopy(in, so * es, expect, dO * es, es);
      }
      byte[] got = new byte[n * es];
      StridedCopy.plan(shape, src, dst, es).run(in, base * es, got, 0);
      assertArrayEquals(expect, got, "trial " + trial);
    }
  }
}
