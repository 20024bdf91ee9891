package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND. */
class SpaceToBatchTest {
  static byte[] model(DataType t, int[] in, int[] block, int[][] pc, boolean toBatch, Quantization outQ) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int m = block.length;
    int[] flat = new int[2 * m];
    int[] out = in.clone();
    int blocks = 1;
    for (int k = 0; k < m; k++) {
      flat[2 * k] = pc[k][0];
      flat[2 * k + 1] = pc[k][1];
      blocks *= block[k];
      out[k + 1] = toBatch ? (in[k + 1] + pc[k][0] + pc[k][1]) / block[k]
          : in[k + 1] * block[k] - pc[k][0] - pc[k][1];
    }
    out[0] = toBatch ? in[0] * blocks : in[0] / blocks;
    int bs = b.addInt32Constant("block", new int[] {m}, block);
    int p = b.addInt32Constant("pc", new int[] {m, 2}, flat);
    int y = b.addTensor("y", t, out, outQ == null ? quant(t) : outQ);
    b.addOperator(toBatch ? BuiltinOperator.SPACE_TO_BATCH_ND : BuiltinOperator.BATCH_TO_SPACE_ND, 1,
        new int[] {x, bs, p}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    // 1x2x2x1 with block [2,2]: each pixel becomes its own batch.
    assertArrayEquals(ints(1, 2, 3, 4), run(model(DataType.INT32, new int[] {1, 2, 2, 1}, new int[] {2, 2},
        new int[][] {{0, 0}, {0, 0}}, true, null), ints(1, 2, 3, 4))[0]);
    assertArrayEquals(ints(1, 2, 3, 4), run(model(DataType.INT32, new int[] {4, 1, 1, 1}, new int[] {2, 2},
        new int[][] {{0, 0}, {0, 0}}, false, null), ints(1, 2, 3, 4))[0]);
    // Padding [1,0] on a 1x1x1x1 uint8 with block [2,1]: batch 0 gets the pad (zero point).
    byte[] q = run(model(DataType.UINT8, new int[] {1, 1, 1, 1}, new int[] {2, 1}, new int[][] {{1, 0}, {0, 0}},
        true, Quantization.of(0.5f, 9)), new byte[] {42})[0];
    assertArrayEquals(new byte[] {9, 42}, q);
    assertThrows(ModelException.class, () -> ReshapeTest.compile(model(DataType.INT32, new int[] {1, 3, 2, 1},
        new int[] {2, 2}, new int[][] {{0, 0}, {0, 0}}, true, null)));
  }

  @Test
  void differential() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32, DataType.INT64};
    Random r = new Random(111);
    for (int trial = 0; trial < 48; trial++) {
      DataType t = types[trial % types.length];
      int m = trial % 4 == 3 ? 1 : 2;
      int[] block = new int[m];
      int[][] pc = new int[m][2];
      int[] in = new int[m + 2];
      in[0] = 1 + r.nextInt(2);
      in[m + 1] = 1 + r.nextInt(3);
      for (int k = 0; k < m; k++) {
        block[k] = 1 + r.nextInt(3);
        pc[k][0] = r.nextInt(3);
        int total = block[k] * (1 + r.nextInt(3));
        int size = Math.max(1, total - pc[k][0] - r.nextInt(2));
        pc[k][1] = total - pc[k][0] - size;
        if (pc[k][1] < 0) {
          pc[k][0] = 0;
          pc[k][1] = 0;
          size = total;
        }
        in[k + 1] = size;
      }
      Quantization oq = t == DataType.UINT8 || t == DataType.INT8
          ? Quantization.of(0.5f, t == DataType.UINT8 ? 77 : -77) : null;
      assertMatches(t, tt -> model(tt, in, block, pc, true, oq), trial);
      // BATCH_TO_SPACE: batch a multiple of the block count, crops within range.
      int[] bin = new int[m + 2];
      int blocks = 1;
      int[][] crops = new int[m][2];
      for (int k = 0; k < m; k++) {
        blocks *= block[k];
        bin[k + 1] = 1 + r.nextInt(3);
        int full = bin[k + 1] * block[k];
        crops[k][0] = r.nextInt(Math.min(2, full));
        crops[k][1] = r.nextInt(Math.min(2, full - crops[k][0]));
      }
      bin[0] = blocks * (1 + r.nextInt(2));
      bin[m + 1] = 1 + r.nextInt(3);
      assertMatches(t, tt -> model(tt, bin, block, crops, false, null), trial);
    }
  }
}
