package io.tflited.runtime.ops.conv;

import static io.tflited.runtime.ops.conv.ConvTestSupport.*;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.TransposeConvOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransposeConvTest {
  private static final int[] CHANNELS = {1, 2, 3, 5, 8, 17};
  static String lastDescription;

  static ModelBuilder randomTransposeConv(Random r, DataType t, boolean perChannel,
      boolean withBias) {
    int batches = 1 + r.nextInt(2);
    int inC = CHANNELS[r.nextInt(CHANNELS.length)];
    int outC = CHANNELS[r.nextInt(CHANNELS.length)];
    int kh = 1 + r.nextInt(5);
    int kw = r.nextInt(3) == 0 ? 1 + r.nextInt(5) : kh;
    int h = 1 + r.nextInt(7);
    int w = 1 + r.nextInt(7);
    int sh = 1 + r.nextInt(3);
    int sw = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : sh;
    byte pad = (byte) r.nextInt(2);
    int outH = pad == 0 ? h * sh : (h - 1) * sh + kh;
    int outW = pad == 0 ? w * sw : (w - 1) * sw + kw;
    int k = kh * kw * inC;
    ModelBuilder b = new ModelBuilder();
    int shape = b.addInt32Constant("shape", new int[] {4}, batches, outH, outW, outC);
    int[] fShape = {outC, kh, kw, inC};
    int x;
    int f;
    int bias = -1;
    int y;
    if (t == F32) {
      f = b.addConstant("w", F32, fShape, Quantization.NONE, floats(r, outC * k, 1f));
      x = b.addTensor("x", F32, new int[] {batches, h, w, inC});
      if (withBias) {
        bias = b.addConstant("b", F32, new int[] {outC}, Quantization.NONE, floats(r, outC, 2f));
      }
      y = b.addTensor("y", F32, new int[] {batches, outH, outW, outC});
    } else {
      float inScale = scale(r);
      float base = scale(r) / 50;
      float[] scales = new float[outC];
      for (int c = 0; c < outC; c++) {
        scales[c] = perChannel ? base * (0.5f + r.nextFloat()) : base;
      }
      byte[] wData = t == U8 ? randomBytes(r, outC * k) : weightsS8(r, outC * k);
      Quantization wq = perChannel ? perChannel(scales, 0) : q(base, t == U8 ? zeroPoint(r, U8) : 0);
      double accStd = 74 * 74 * Math.sqrt(k / (double) (sh * sw));
      float outScale = (float) (accStd * inScale * base * (0.5 + r.nextDouble() * 4) / 128);
      f = b.addConstant("w", t, fShape, wq, wData);
      x = b.addTensor("x", t, new int[] {batches, h, w, inC}, q(inScale, zeroPoint(r, t)));
      if (withBias) {
        bias = b.addConstant("b", DataType.INT32, new int[] {outC}, q(inScale * base, 0),
            ints(r, outC, (int) accStd * 2));
      }
      y = b.addTensor("y", t, new int[] {batches, outH, outW, outC}, q(outScale, zeroPoint(r, t)));
    }
    int[] inputs = withBias ? new int[] {shape, f, x, bias} : new int[] {shape, f, x};
    int version = withBias ? 3 : t == F32 ? 1 : 2;
    b.addOperator(BuiltinOperator.TRANSPOSE_CONV, version, inputs, new int[] {y},
        BuiltinOptions.TransposeConvOptions,
        fbb -> TransposeConvOptions.createTransposeConvOptions(fbb, pad, sw, sh, (byte) 0, (byte) 0));
    b.setInputs(x).setOutputs(y);
    lastDescription = String.format(
        "transpose_conv %s pc=%s bias=%s in=%dx%dx%dx%d k=%dx%d out=%dx%dx%d s=%d,%d pad=%d",
        t, perChannel, withBias, batches, h, w, inC, kh, kw, outH, outW, outC, sh, sw, pad);
    return b;
  }

  private static void differential(DataType t, boolean perChannel, int count, long seed)
      throws Exception {
    Random r = new Random(seed);
    for (int done = 0; done < count; done++) {
      ModelBuilder b = randomTransposeConv(r, t, perChannel, r.nextBoolean());
      check(b, seed + done, "case " + done + " of seed " + seed + ": " + lastDescription);
    }
  }

  @Test
  void float32MatchesTfLite() throws Exception {
    differential(F32, false, 60, 31000);
  }

  @Test
  void int8PerChannelMatchesTfLite() throws Exception {
    differential(I8, true, 100, 32000);
  }

  @Test
  void uint8MatchesTfLite() throws Exception {
    differential(U8, false, 100, 33000);
  }
}
