package io.tflited.runtime.ops.conv;

import static io.tflited.runtime.ops.conv.ConvTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.Conv2DOptions;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Conv2dTest {
  static String lastDescription;
  private static final int[] CHANNELS = {1, 2, 3, 5, 8, 16, 17};
  private static final int[] KERNELS = {1, 1, 2, 3, 3, 5};

  /** A random conv configuration; returns null when VALID leaves no output. */
  static ModelBuilder randomConv(Random r, DataType in, DataType w, boolean perChannel) {
    int batches = 1 + r.nextInt(2);
    int inC = CHANNELS[r.nextInt(CHANNELS.length)];
    int outC = CHANNELS[r.nextInt(CHANNELS.length)];

    int kh = KERNELS[r.nextInt(KERNELS.length)];
    int kw = r.nextInt(4) == 0 ? KERNELS[r.nextInt(KERNELS.length)] : kh;
    int h = 1 + r.nextInt(11);
    int wd = 1 + r.nextInt(11);
    int sh = 1 + r.nextInt(2);
    int sw = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : sh;
    int dh = r.nextInt(4) == 0 ? 2 : 1;
    int dw = r.nextInt(5) == 0 ? 3 - dh : dh;
    if (in == F32 && w == I8) {
      dh = 1; // TFLite 2.4.1 ignores dilation in hybrid conv; see hybridDilation test
      dw = 1;
    }
    byte pad = (byte) r.nextInt(2);
    byte act = (byte) r.nextInt(4);
    int outH = io.tflited.runtime.ops.Padding.outSize(pad, h, kh, sh, dh);
    int outW = io.tflited.runtime.ops.Padding.outSize(pad, wd, kw, sw, dw);
    if (outH <= 0 || outW <= 0) {
      return null;
    }
    int k = kh * kw * inC;
    ModelBuilder b = new ModelBuilder();
    int x;
    int f;
    int bias;
    int y;
    int[] inShape = {batches, h, wd, inC};
    int[] fShape = {outC, kh, kw, inC};
    int[] outShape = {batches, outH, outW, outC};
    if (in == F32 && w == F32) {
      x = b.addTensor("x", F32, inShape);
      f = b.addConstant("w", F32, fShape, Quantization.NONE, floats(r, outC * k, 1f));
      bias = b.addConstant("b", F32, new int[] {outC}, Quantization.NONE, floats(r, outC, 2f));
      y = b.addTensor("y", F32, outShape);
    } else if (in == F32) {
      float[] scales = new float[outC];
      float base = scale(r) / 50;
      for (int c = 0; c < outC; c++) {
        scales[c] = perChannel ? base * (0.5f + r.nextFloat()) : base;
      }
      x = b.addTensor("x", F32, inShape);
      f = b.addConstant("w", I8, fShape,
          perChannel ? perChannel(scales, 0) : q(base, 0), weightsS8(r, outC * k));
      bias = b.addConstant("b", F32, new int[] {outC}, Quantization.NONE, floats(r, outC, 2f));
      y = b.addTensor("y", F32, outShape);
    } else {
      float inScale = scale(r);
      int inZp = zeroPoint(r, in);
      float[] scales = new float[outC];
      float base = scale(r) / 50;
      for (int c = 0; c < outC; c++) {
        scales[c] = perChannel ? base * (0.5f + r.nextFloat()) : base;
      }
      byte[] wData = w == U8 ? randomBytes(r, outC * k) : weightsS8(r, outC * k);
      Quantization wq = perChannel ? perChannel(scales, 0) : q(base, w == U8 ? zeroPoint(r, U8) : 0);
      double accStd = (in == I16 ? 18000 : 74) * 74 * Math.sqrt(k);
      float outScale = (float) (accStd * inScale * base * (0.5 + r.nextDouble() * 4) / 128);
      if (in == I16) {
        outScale /= 256;
      }
      x = b.addTensor("x", in, inShape, q(inScale, inZp));
      f = b.addConstant("w", w, fShape, wq, wData);
      if (in == I16) {
        bias = b.addConstant("b", DataType.INT64, new int[] {outC}, q(inScale * base, 0),
            longs(r, outC, (long) (accStd * 2)));
      } else {
        bias = b.addConstant("b", DataType.INT32, new int[] {outC}, q(inScale * base, 0),
            ints(r, outC, (int) accStd * 2));
      }
      y = b.addTensor("y", in, outShape, q(outScale, zeroPoint(r, in)));
    }
    int version = in == I16 ? 4 : in == I8 ? 3 : (in == F32 && w == I8) ? (perChannel ? 5 : 2) : 1;
    int fsh = sh;
    int fsw = sw;
    int fdh = dh;
    int fdw = dw;
    b.addOperator(BuiltinOperator.CONV_2D, version, new int[] {x, f, bias}, new int[] {y},
        BuiltinOptions.Conv2DOptions,
        fbb -> Conv2DOptions.createConv2DOptions(fbb, pad, fsw, fsh, act, fdw, fdh, (byte) 0));
    b.setInputs(x).setOutputs(y);
    lastDescription = (String.format(
        "conv %s/%s pc=%s in=%dx%dx%dx%d k=%dx%d out=%d s=%d,%d d=%d,%d pad=%d act=%d",
        in, w, perChannel, batches, h, wd, inC, kh, kw, outC, sh, sw, dh, dw, pad, act));
    return b;
  }

  private static void differential(DataType in, DataType w, boolean perChannel, int count,
      long seed) throws Exception {
    Random r = new Random(seed);
    int done = 0;
    while (done < count) {
      ModelBuilder b = randomConv(r, in, w, perChannel);
      if (b == null) {
        continue;
      }
      check(b, seed + done, "case " + done + " of seed " + seed + ": " + lastDescription);
      done++;
    }
  }

  @Test
  void float32MatchesTfLite() throws Exception {
    differential(F32, F32, false, 60, 1000);
  }

  @Test
  void int8PerChannelMatchesTfLite() throws Exception {
    differential(I8, I8, true, 120, 2000);
  }

  @Test
  void int8PerTensorMatchesTfLite() throws Exception {
    differential(I8, I8, false, 100, 2500);
  }

  @Test
  void uint8MatchesTfLite() throws Exception {
    differential(U8, U8, false, 120, 3000);
  }

  /**
   * TFLite 2.4.1's Java API cannot feed or read int16 tensors, so the 16x8 kernel is checked
   * against an independent naive implementation of TFLite's reference ConvPerChannel (int64
   * accumulator, reduced Q15 multiplier) and against the seanet conv0 golden.
   */
  @Test
  void int16x8MatchesNaiveReference() throws Exception {
    Random r = new Random(4000);
    int done = 0;
    while (done < 60) {
      ModelBuilder b = randomConv(r, I16, I8, true);
      if (b == null) {
        continue;
      }
      byte[] model = b.buildBytes();
      CompiledModel m = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      byte[][] inputs = Differential.randomInputs(m.inputs(), done, 1f);
      byte[] actual = Differential.run(m, inputs)[0];
      byte[] expected = NaiveConv.conv16x8(model, inputs[0]);
      assertArrayEquals(expected, actual, "case " + done + ": " + lastDescription);
      done++;
    }
  }

  @Test
  void seanetConv0MatchesGolden() throws Exception {
    var model = io.tflited.runtime.testing.SharedModels.require("tflite-micro/seanet/conv/conv0.tflite");
    var golden = io.tflited.runtime.testing.SharedModels.require("golden/tflite-micro/seanet/conv/conv0");
    CompiledModel m = CompiledModel.open(model);
    byte[] in = java.nio.file.Files.readAllBytes(golden.resolve("input_0.bin"));
    byte[] out = Differential.run(m, new byte[][] {in})[0];
    assertArrayEquals(java.nio.file.Files.readAllBytes(golden.resolve("output_0.bin")), out);
  }

  @Test
  void hybridPerTensorMatchesTfLite() throws Exception {
    differential(F32, I8, false, 60, 5000);
  }

  @Test
  void hybridPerChannelMatchesTfLite() throws Exception {
    differential(F32, I8, true, 60, 6000);
  }
}
