package io.tflited.runtime.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Hand-computed resize cases, including the types TFLite 2.4.1's Java API cannot feed. */
class ResizeHandCheckedTest {

  static byte[] run(byte[] model, byte[] input) throws Exception {
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    return Differential.run(m, new byte[][] {input})[0];
  }

  static byte[] ints(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  static byte[] shorts(int... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putShort((short) x);
    }
    return b.array();
  }

  @Test
  void nearestInt32AllFlagCombinations() throws Exception {
    byte[] in = ints(10, 20, 30);
    // 3 -> 5 columns. scale 0.6: floor(0, .6, 1.2, 1.8, 2.4) = 0 0 1 1 2.
    byte[] m =
        ResizeDifferentialTest.model(
            false, DataType.INT32, new int[] {1, 1, 3, 1}, 1, 5, false, false);
    assertArrayEquals(ints(10, 10, 20, 20, 30), run(m, in));
    // align_corners: scale 0.5, round(0, .5, 1, 1.5, 2) = 0 1 1 2 2 (halves away from zero).
    m =
        ResizeDifferentialTest.model(
            false, DataType.INT32, new int[] {1, 1, 3, 1}, 1, 5, true, false);
    assertArrayEquals(ints(10, 20, 20, 30, 30), run(m, in));
    // half_pixel_centers: floor((i + .5) * .6) = floor(.3, .9, 1.5, 2.1, 2.7) = 0 0 1 2 2.
    m =
        ResizeDifferentialTest.model(
            false, DataType.INT32, new int[] {1, 1, 3, 1}, 1, 5, false, true);
    assertArrayEquals(ints(10, 10, 20, 30, 30), run(m, in));
  }

  @Test
  void bilinearInt16HalfPixelClampsAtTheBorders() throws Exception {
    byte[] m =
        ResizeDifferentialTest.model(
            true, DataType.INT16, new int[] {1, 1, 2, 1}, 1, 4, false, true);
    // Positions -0.25 (clamped to 0), 0.25, 0.75, 1.25 (past the last column: the last value).
    assertArrayEquals(shorts(-1000, -500, 500, 1000), run(m, shorts(-1000, 1000)));
    // Rounding half away from zero: 0.25 * 3 = 0.75 -> 1, -0.75 -> -1.
    assertArrayEquals(shorts(0, 1, 2, 3), run(m, shorts(0, 3)));
    assertArrayEquals(shorts(0, -1, -2, -3), run(m, shorts(0, -3)));
  }

  @Test
  void bilinearUint8AlignCornersHitsTheCorners() throws Exception {
    byte[] m =
        ResizeDifferentialTest.model(
            true, DataType.UINT8, new int[] {1, 2, 2, 1}, 3, 3, true, false);
    byte[] out = run(m, new byte[] {0, (byte) 200, 100, (byte) 255});
    // Corners are copied, the centre is the mean 138.75 truncated (TFLite 2.4.1 truncates).
    assertArrayEquals(
        new byte[] {0, 100, (byte) 200, 50, (byte) 138, (byte) 227, 100, (byte) 177, (byte) 255},
        out);
  }

  @Test
  void alignCornersWithHalfPixelIsRejected() {
    byte[] m =
        ResizeDifferentialTest.model(
            true, DataType.FLOAT32, new int[] {1, 2, 2, 1}, 3, 3, true, true);
    assertThrows(
        ModelException.class,
        () -> CompiledModel.fromBuffer(ByteBuffer.wrap(m), InterpreterOptions.defaults()));
  }
}
