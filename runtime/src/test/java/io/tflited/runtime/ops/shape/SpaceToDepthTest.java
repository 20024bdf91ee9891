package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.DepthToSpaceOptions;
import io.tflited.runtime.model.fb.SpaceToDepthOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SPACE_TO_DEPTH and DEPTH_TO_SPACE. */
class SpaceToDepthTest {
  static byte[] s2d(DataType t, int[] in, int bs, boolean toDepth) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, in, quant(t));
    int[] out = toDepth
        ? new int[] {in[0], in[1] / bs, in[2] / bs, in[3] * bs * bs}
        : new int[] {in[0], in[1] * bs, in[2] * bs, in[3] / (bs * bs)};
    int y = b.addTensor("y", t, out, quant(t));
    if (toDepth) {
      b.addOperator(BuiltinOperator.SPACE_TO_DEPTH, 1, new int[] {x}, new int[] {y},
          BuiltinOptions.SpaceToDepthOptions, fbb -> SpaceToDepthOptions.createSpaceToDepthOptions(fbb, bs));
    } else {
      b.addOperator(BuiltinOperator.DEPTH_TO_SPACE, 1, new int[] {x}, new int[] {y},
          BuiltinOptions.DepthToSpaceOptions, fbb -> DepthToSpaceOptions.createDepthToSpaceOptions(fbb, bs));
    }
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    // 1x2x2x1 -> 1x1x1x4 in (y, x) order.
    assertArrayEquals(ints(1, 2, 3, 4), run(s2d(DataType.INT32, new int[] {1, 2, 2, 1}, 2, true), ints(1, 2, 3, 4))[0]);
    // 1x1x1x8 with block 2 -> 1x2x2x2.
    assertArrayEquals(ints(iota(8)), run(s2d(DataType.INT32, new int[] {1, 1, 1, 8}, 2, false), ints(iota(8)))[0]);
    // 1x4x4x1 -> 1x2x2x4: first output pixel = in(0,0),(0,1),(1,0),(1,1).
    byte[] out = run(s2d(DataType.INT32, new int[] {1, 4, 4, 1}, 2, true), ints(iota(16)))[0];
    assertArrayEquals(new int[] {0, 1, 4, 5, 2, 3, 6, 7}, java.util.Arrays.copyOf(toInts(out), 8));
    assertThrows(ModelException.class, () -> ReshapeTest.compile(s2d(DataType.FLOAT32, new int[] {1, 3, 2, 1}, 2, true)));
  }

  @Test
  void differential() throws Exception {
    DataType[] types = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32, DataType.INT64};
    Random r = new Random(91);
    for (int trial = 0; trial < 36; trial++) {
      DataType t = types[trial % types.length];
      int bs = 1 + r.nextInt(3);
      int[] in = {1 + r.nextInt(2), bs * (1 + r.nextInt(3)), bs * (1 + r.nextInt(3)), 1 + r.nextInt(3)};
      assertMatches(t, tt -> s2d(tt, in, bs, true), trial);
      int[] d = {1 + r.nextInt(2), 1 + r.nextInt(3), 1 + r.nextInt(3), bs * bs * (1 + r.nextInt(3))};
      assertMatches(t, tt -> s2d(tt, d, bs, false), trial);
    }
  }
}
