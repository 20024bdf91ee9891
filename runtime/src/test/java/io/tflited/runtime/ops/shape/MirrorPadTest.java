package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.MirrorPadOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MirrorPadTest {
  static byte[] mirror(DataType t, DataType pt, int[] in, int[][] pads, int mode) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int[] flat = new int[2 * in.length];
    int[] out = new int[in.length];
    for (int i = 0; i < in.length; i++) {
      flat[2 * i] = pads[i][0];
      flat[2 * i + 1] = pads[i][1];
      out[i] = in[i] + pads[i][0] + pads[i][1];
    }
    int p = intConstant(b, "pads", pt, new int[] {in.length, 2}, flat);
    int y = b.addTensor("y", t, out, quant(t));
    b.addOperator(BuiltinOperator.MIRROR_PAD, 1, new int[] {x, p}, new int[] {y},
        BuiltinOptions.MirrorPadOptions, fbb -> MirrorPadOptions.createMirrorPadOptions(fbb, (byte) mode));
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    // REFLECT [1,2,3] by (2,2) -> [3,2,1,2,3,2,1]; SYMMETRIC -> [2,1,1,2,3,3,2].
    assertArrayEquals(ints(3, 2, 1, 2, 3, 2, 1),
        run(mirror(DataType.INT32, DataType.INT32, new int[] {3}, new int[][] {{2, 2}}, 0), ints(1, 2, 3))[0]);
    assertArrayEquals(ints(2, 1, 1, 2, 3, 3, 2),
        run(mirror(DataType.INT32, DataType.INT64, new int[] {3}, new int[][] {{2, 2}}, 1), ints(1, 2, 3))[0]);
    assertThrows(ModelException.class, () -> ReshapeTest.compile(
        mirror(DataType.INT32, DataType.INT32, new int[] {1}, new int[][] {{1, 0}}, 0)));
  }

  @Test
  void differential() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32, DataType.INT64};
    Random r = new Random(101);
    for (int trial = 0; trial < 48; trial++) {
      DataType t = types[trial % types.length];
      int mode = r.nextInt(2);
      int rank = 1 + r.nextInt(4);
      int[] in = randomShape(r, rank, 4);
      int[][] pads = new int[rank][2];
      for (int i = 0; i < rank; i++) {
        int max = in[i] - (mode == 0 ? 1 : 0);
        pads[i][0] = r.nextInt(max + 1);
        pads[i][1] = r.nextInt(max + 1);
      }
      assertMatches(t, tt -> mirror(tt, DataType.INT32, in, pads, mode), trial);
    }
  }
}
