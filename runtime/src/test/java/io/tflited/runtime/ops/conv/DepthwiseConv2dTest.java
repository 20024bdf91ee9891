package io.tflited.runtime.ops.conv;

import static io.tflited.runtime.ops.conv.ConvTestSupport.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.DepthwiseConv2DOptions;
import io.tflited.runtime.ops.Padding;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DepthwiseConv2dTest {
  private static final int[] CHANNELS = {1, 2, 3, 5, 8, 16, 17};
  private static final int[] KERNELS = {1, 2, 3, 3, 5};
  static String lastDescription;

  static ModelBuilder randomDepthwise(Random r, DataType in, DataType w, boolean perChannel) {
    int batches = 1 + r.nextInt(2);
    int inC = CHANNELS[r.nextInt(CHANNELS.length)];
    int dm = r.nextInt(3) == 0 ? 2 + r.nextInt(2) : 1;
    int outC = inC * dm;
    int kh = KERNELS[r.nextInt(KERNELS.length)];
    int kw = r.nextInt(4) == 0 ? KERNELS[r.nextInt(KERNELS.length)] : kh;
    int h = 1 + r.nextInt(12);
    int wd = 1 + r.nextInt(12);
    int sh = 1 + r.nextInt(2);
    int sw = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : sh;
    int dh = r.nextInt(4) == 0 ? 2 : 1;
    int dw = r.nextInt(5) == 0 ? 3 - dh : dh;
    byte pad = (byte) r.nextInt(2);
    byte act = (byte) r.nextInt(4);
    int outH = Padding.outSize(pad, h, kh, sh, dh);
    int outW = Padding.outSize(pad, wd, kw, sw, dw);
    if (outH <= 0 || outW <= 0) {
      return null;
    }
    int k = kh * kw;
    ModelBuilder b = new ModelBuilder();
    int[] inShape = {batches, h, wd, inC};
    int[] fShape = {1, kh, kw, outC};
    int[] outShape = {batches, outH, outW, outC};
    int x;
    int f;
    int bias;
    int y;
    if (in == F32) {
      x = b.addTensor("x", F32, inShape);
      if (w == F32) {
        f = b.addConstant("w", F32, fShape, Quantization.NONE, floats(r, outC * k, 1f));
      } else {
        float[] scales = new float[outC];
        for (int c = 0; c < outC; c++) {
          scales[c] = scale(r) / 50;
        }
        f = b.addConstant("w", I8, fShape, perChannel(scales, 3), weightsS8(r, outC * k));
      }
      bias = b.addConstant("b", F32, new int[] {outC}, Quantization.NONE, floats(r, outC, 2f));
      y = b.addTensor("y", F32, outShape);
    } else {
      float inScale = scale(r);
      int inZp = zeroPoint(r, in);
      float base = scale(r) / 50;
      float[] scales = new float[outC];
      for (int c = 0; c < outC; c++) {
        scales[c] = perChannel ? base * (0.5f + r.nextFloat()) : base;
      }
      byte[] wData = w == U8 ? randomBytes(r, outC * k) : weightsS8(r, outC * k);
      Quantization wq = perChannel ? perChannel(scales, 3) : q(base, w == U8 ? zeroPoint(r, U8) : 0);
      double accStd = (in == I16 ? 18000 : 74) * 74 * Math.sqrt(k);
      float outScale = (float) (accStd * inScale * base * (0.5 + r.nextDouble() * 4) / 128);
      if (in == I16) {
        outScale /= 256;
      }
      x = b.addTensor("x", in, inShape, q(inScale, inZp));
      f = b.addConstant("w", w, fShape, wq, wData);
      bias = in == I16
          ? b.addConstant("b", DataType.INT64, new int[] {outC}, q(inScale * base, 0),
              longs(r, outC, (long) (accStd * 2)))
          : b.addConstant("b", DataType.INT32, new int[] {outC}, q(inScale * base, 0),
              ints(r, outC, (int) accStd * 2));
      y = b.addTensor("y", in, outShape, q(outScale, zeroPoint(r, in)));
    }
    int version = in == I16 ? 5 : in == I8 ? 3 : in == F32 && w == I8 ? 6 : dh > 1 || dw > 1 ? 2 : 1;
    int fsh = sh;
    int fsw = sw;
    int fdh = dh;
    int fdw = dw;
    int fdm = dm;
    b.addOperator(BuiltinOperator.DEPTHWISE_CONV_2D, version, new int[] {x, f, bias},
        new int[] {y}, BuiltinOptions.DepthwiseConv2DOptions,
        fbb -> DepthwiseConv2DOptions.createDepthwiseConv2DOptions(
            fbb, pad, fsw, fsh, fdm, act, fdw, fdh));
    b.setInputs(x).setOutputs(y);
    lastDescription = String.format(
        "depthwise %s/%s pc=%s in=%dx%dx%dx%d k=%dx%d dm=%d s=%d,%d d=%d,%d pad=%d act=%d",
        in, w, perChannel, batches, h, wd, inC, kh, kw, dm, sh, sw, dh, dw, pad, act);
    return b;
  }

  private static void differential(DataType in, DataType w, boolean perChannel, int count,
      long seed) throws Exception {
    Random r = new Random(seed);
    int done = 0;
    while (done < count) {
      ModelBuilder b = randomDepthwise(r, in, w, perChannel);
      if (b == null) {
        continue;
      }
      check(b, seed + done, "case " + done + " of seed " + seed + ": " + lastDescription);
      done++;
    }
  }

  @Test
  void float32MatchesTfLite() throws Exception {
    differential(F32, F32, false, 80, 11000);
  }

  @Test
  void int8PerChannelMatchesTfLite() throws Exception {
    differential(I8, I8, true, 150, 12000);
  }

  @Test
  void int8PerTensorMatchesTfLite() throws Exception {
    differential(I8, I8, false, 40, 12500);
  }

  /** TFLite's Java API cannot run int16 tensors: checked against a naive reference. */
  @Test
  void int16x8MatchesNaiveReference() throws Exception {
    Random r = new Random(15000);
    int done = 0;
    while (done < 60) {
      ModelBuilder b = randomDepthwise(r, I16, I8, true);
      if (b == null) {
        continue;
      }
      byte[] model = b.buildBytes();
      CompiledModel m = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      byte[][] inputs = Differential.randomInputs(m.inputs(), done, 1f);
      assertArrayEquals(NaiveConv.depthwise16x8(model, inputs[0]), Differential.run(m, inputs)[0],
          "case " + done + ": " + lastDescription);
      done++;
    }
  }

  @Test
  void uint8MatchesTfLite() throws Exception {
    differential(U8, U8, false, 150, 13000);
  }

  @Test
  void hybridMatchesTfLite() throws Exception {
    differential(F32, I8, true, 80, 14000);
  }

  /**
   * Hybrid outputs are TFLite 2.4.1's bytes, not just within 1e-4: the int32 sums are exact and
   * the float epilogue multiplies in TFLite's order, so a hybrid model downstream of identical
   * float tensors gives identical results.
   */
  @Test
  void hybridIsBitExactWithTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(14500);
    int done = 0;
    while (done < 60) {
      ModelBuilder b = randomDepthwise(r, F32, I8, true);
      if (b == null) {
        continue;
      }
      byte[] model = b.buildBytes();
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      byte[][] inputs = Differential.randomInputs(m.inputs(), 14500 + done, 3f);
      assertArrayEquals(TfLiteOracle.run(model, inputs)[0], Differential.run(m, inputs)[0],
          "case " + done + ": " + lastDescription);
      done++;
    }
  }
}
