package io.tflited.runtime.ops.conv;

import static io.tflited.runtime.ops.conv.ConvTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.Pool2DOptions;
import io.tflited.runtime.ops.Padding;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Pool2dTest {
  static String lastDescription;

  static ModelBuilder randomPool(Random r, int op, DataType t) {
    int batches = 1 + r.nextInt(2);
    int c = new int[] {1, 2, 3, 5, 8, 17}[r.nextInt(6)];
    int h = 1 + r.nextInt(12);
    int w = 1 + r.nextInt(12);
    int fh = 1 + r.nextInt(r.nextInt(8) == 0 ? 20 : 5);
    int fw = r.nextInt(3) == 0 ? 1 + r.nextInt(5) : fh;
    int sh = 1 + r.nextInt(3);
    int sw = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : sh;
    byte pad = (byte) r.nextInt(2);
    byte act = (byte) r.nextInt(4);
    if (r.nextInt(6) == 0) { // global pooling, as in the classifiers
      fh = h;
      fw = w;
      pad = 1;
    }
    int outH = Padding.outSize(pad, h, fh, sh, 1);
    int outW = Padding.outSize(pad, w, fw, sw, 1);
    if (outH <= 0 || outW <= 0) {
      return null;
    }
    ModelBuilder b = new ModelBuilder();
    Quantization q = t == F32 ? Quantization.NONE : q(scale(r) / 8, zeroPoint(r, t));
    int x = b.addTensor("x", t, new int[] {batches, h, w, c}, q);
    int y = b.addTensor("y", t, new int[] {batches, outH, outW, c}, q);
    int ffh = fh;
    int ffw = fw;
    byte fpad = pad;
    int version = t == I16 ? 3 : t == I8 ? 2 : 1;
    b.addOperator(op, version, new int[] {x}, new int[] {y}, BuiltinOptions.Pool2DOptions,
        fbb -> Pool2DOptions.createPool2DOptions(fbb, fpad, sw, sh, ffw, ffh, act));
    b.setInputs(x).setOutputs(y);
    lastDescription = String.format("pool op=%d %s in=%dx%dx%dx%d f=%dx%d s=%d,%d pad=%d act=%d q=%s",
        op, t, batches, h, w, c, fh, fw, sh, sw, pad, act, q);
    return b;
  }

  private static void differential(int op, DataType t, int count, long seed) throws Exception {
    Random r = new Random(seed);
    int done = 0;
    while (done < count) {
      ModelBuilder b = randomPool(r, op, t);
      if (b == null) {
        continue;
      }
      check(b, seed + done, "case " + done + " of seed " + seed + ": " + lastDescription);
      done++;
    }
  }

  @Test
  void averageFloat32MatchesTfLite() throws Exception {
    differential(BuiltinOperator.AVERAGE_POOL_2D, F32, 60, 21000);
  }

  @Test
  void averageInt8MatchesTfLite() throws Exception {
    differential(BuiltinOperator.AVERAGE_POOL_2D, I8, 100, 22000);
  }

  @Test
  void averageUint8MatchesTfLite() throws Exception {
    differential(BuiltinOperator.AVERAGE_POOL_2D, U8, 100, 23000);
  }

  @Test
  void maxFloat32MatchesTfLite() throws Exception {
    differential(BuiltinOperator.MAX_POOL_2D, F32, 60, 24000);
  }

  @Test
  void maxInt8MatchesTfLite() throws Exception {
    differential(BuiltinOperator.MAX_POOL_2D, I8, 80, 25000);
  }

  @Test
  void maxUint8MatchesTfLite() throws Exception {
    differential(BuiltinOperator.MAX_POOL_2D, U8, 80, 26000);
  }

  /** Hand-checked int8 rounding: sums -3 over 2 taps -> -2 (away from zero), 3 -> 2. */
  @Test
  void int8AverageRoundsHalfAwayFromZero() throws Exception {
    byte[] out = runPool(BuiltinOperator.AVERAGE_POOL_2D, I8, 1, 4, 2, 1,
        new byte[] {-1, -2, 1, 2}, 0);
    assertArrayEquals(new byte[] {-2, 2}, out);
    // -128 + -127 = -255 / 2 -> -128 (saturation edge); 127 + 126 -> 127.
    out = runPool(BuiltinOperator.AVERAGE_POOL_2D, I8, 1, 4, 2, 1,
        new byte[] {-128, -127, 127, 126}, 0);
    assertArrayEquals(new byte[] {-128, 127}, out);
  }

  /** int16 (TFLite's Java API cannot run int16 tensors): hand-checked values. */
  @Test
  void int16AverageAndMax() throws Exception {
    byte[] in = shorts(-3, -2, 30000, 32767, -32768, -32767, 5, 6);
    byte[] avg = runPool(BuiltinOperator.AVERAGE_POOL_2D, I16, 1, 8, 2, 1, in, 0);
    assertArrayEquals(shorts(-3, 31384, -32768, 6), avg);
    byte[] max = runPool(BuiltinOperator.MAX_POOL_2D, I16, 1, 8, 2, 1, in, 0);
    assertArrayEquals(shorts(-2, 32767, -32767, 6), max);
    // RELU clamps at the quantized zero (0).
    byte[] relu = runPool(BuiltinOperator.MAX_POOL_2D, I16, 1, 8, 2, 1, in, 1);
    assertArrayEquals(shorts(0, 32767, 0, 6), relu);
  }

  private static byte[] shorts(int... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putShort((short) x);
    }
    return b.array();
  }

  /** A 1 x h x w x 1 pool with a 1 x fw window, stride fw, VALID. */
  private static byte[] runPool(int op, DataType t, int h, int w, int fw, int c, byte[] input,
      int act) throws Exception {
    ModelBuilder b = new ModelBuilder();
    Quantization q = q(0.5f, 0);
    int x = b.addTensor("x", t, new int[] {1, h, w, c}, q);
    int y = b.addTensor("y", t, new int[] {1, h, w / fw, c}, q);
    b.addOperator(op, 1, new int[] {x}, new int[] {y}, BuiltinOptions.Pool2DOptions,
        fbb -> Pool2DOptions.createPool2DOptions(fbb, (byte) 1, fw, 1, fw, 1, (byte) act));
    b.setInputs(x).setOutputs(y);
    CompiledModel m = CompiledModel.fromBuffer(b.build(), InterpreterOptions.defaults());
    return Differential.run(m, new byte[][] {input})[0];
  }
}
