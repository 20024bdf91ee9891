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
import io.tflited.runtime.testing.TfLiteOracle;
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
      bias = b.addConstant("b", F32, new int[] {outC}, Quantization.NONE,
          zeroIf(floats(r, outC, 2f)));
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
      bias = b.addConstant("b", F32, new int[] {outC}, Quantization.NONE,
          zeroIf(floats(r, outC, 2f)));
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
            zeroIf(ints(r, outC, (int) accStd * 2)));
      }
      y = b.addTensor("y", in, outShape, q(outScale, zeroPoint(r, in)));
    }
    int version = in == I16 ? 4 : in == I8 ? 3 : (in == F32 && w == I8) ? (perChannel ? 5 : 2) : 1;
    int fsh = sh;
    int fsw = sw;
    int fdh = dh;
    int fdw = dw;
    b.addOperator(BuiltinOperator.CONV_2D, version,
        dropBias ? new int[] {x, f} : new int[] {x, f, bias}, new int[] {y},
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

  static boolean dropBias;

  private static byte[] zeroIf(byte[] data) {
    return zeroBias ? new byte[data.length] : data;
  }

  static boolean zeroBias;

  /**
   * TFLite 2.4.1 requires the bias input (newer TFLite does not); tflited accepts two inputs.
   * A conv without bias must equal TFLite's result with an all-zero bias.
   */
  @Test
  void withoutBiasEqualsZeroBias() throws Exception {
    TfLiteOracle.assumeAvailable();
    DataType[][] kinds = {{F32, F32}, {I8, I8}, {U8, U8}, {F32, I8}};
    for (int kind = 0; kind < kinds.length; kind++) {
      for (int n = 0; n < 10; n++) {
        long seed = 7000 + 100 * kind + n;
        ModelBuilder with = null;
        ModelBuilder without = null;
        try {
          zeroBias = true;
          with = randomConv(new Random(seed), kinds[kind][0], kinds[kind][1], kind != 2);
          dropBias = true;
          without = randomConv(new Random(seed), kinds[kind][0], kinds[kind][1], kind != 2);
        } finally {
          zeroBias = false;
          dropBias = false;
        }
        if (with == null) {
          continue;
        }
        byte[] zero = with.buildBytes();
        CompiledModel m = CompiledModel.fromBuffer(without.build(), InterpreterOptions.defaults());
        byte[][] inputs = Differential.randomInputs(m.inputs(), seed, 3f);
        byte[][] expected = TfLiteOracle.run(zero, inputs);
        Differential.assertOutputsMatch(m.outputs(), expected, Differential.run(m, inputs),
            lastDescription);
      }
    }
  }

  /**
   * TFLite 2.4.1's hybrid conv ignores dilation (a bug later fixed); tflited dilates. A dilated
   * conv equals an undilated one whose kernel has zeros inserted between the taps, which
   * TFLite 2.4.1 computes correctly: the zeros change neither the input quantization nor the
   * per-channel scales, so the results must agree.
   */
  @Test
  void hybridDilationEqualsZeroInsertedKernel() throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(8000);
    for (int n = 0; n < 30; n++) {
      boolean perChannel = n % 2 == 0;
      int inC = CHANNELS[r.nextInt(CHANNELS.length)];
      int outC = CHANNELS[r.nextInt(CHANNELS.length)];
      int kh = 1 + r.nextInt(3);
      int kw = 1 + r.nextInt(3);
      int dh = 1 + r.nextInt(3);
      int dw = dh == 1 ? 2 : 1 + r.nextInt(3);
      int eh = (kh - 1) * dh + 1;
      int ew = (kw - 1) * dw + 1;
      int h = eh + r.nextInt(6);
      int w = ew + r.nextInt(6);
      int stride = 1 + r.nextInt(2);
      byte pad = (byte) r.nextInt(2);
      byte act = (byte) r.nextInt(4);
      int outH = io.tflited.runtime.ops.Padding.outSize(pad, h, eh, stride, 1);
      int outW = io.tflited.runtime.ops.Padding.outSize(pad, w, ew, stride, 1);
      byte[] weights = weightsS8(r, outC * kh * kw * inC);
      byte[] expanded = new byte[outC * eh * ew * inC];
      for (int c = 0; c < outC; c++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            System.arraycopy(weights, ((c * kh + y) * kw + x) * inC, expanded,
                ((c * eh + y * dh) * ew + x * dw) * inC, inC);
          }
        }
      }
      float[] scales = new float[outC];
      for (int c = 0; c < outC; c++) {
        scales[c] = perChannel ? 0.01f * (0.5f + r.nextFloat()) : 0.01f;
      }
      Quantization wq = perChannel ? perChannel(scales, 0) : q(0.01f, 0);
      byte[] bias = floats(r, outC, 2f);
      byte[][] models = new byte[2][];
      for (int variant = 0; variant < 2; variant++) {
        boolean dilated = variant == 0;
        ModelBuilder b = new ModelBuilder();
        int xi = b.addTensor("x", F32, new int[] {1, h, w, inC});
        int fi = b.addConstant("w", I8,
            dilated ? new int[] {outC, kh, kw, inC} : new int[] {outC, eh, ew, inC}, wq,
            dilated ? weights : expanded);
        int bi = b.addConstant("b", F32, new int[] {outC}, Quantization.NONE, bias);
        int yi = b.addTensor("y", F32, new int[] {1, outH, outW, outC});
        int fdh = dilated ? dh : 1;
        int fdw = dilated ? dw : 1;
        b.addOperator(BuiltinOperator.CONV_2D, perChannel ? 5 : 2, new int[] {xi, fi, bi},
            new int[] {yi}, BuiltinOptions.Conv2DOptions,
            fbb -> Conv2DOptions.createConv2DOptions(fbb, pad, stride, stride, act, fdw, fdh,
                (byte) 0));
        b.setInputs(xi).setOutputs(yi);
        models[variant] = b.buildBytes();
      }
      CompiledModel m = CompiledModel.fromBuffer(ByteBuffer.wrap(models[0]),
          InterpreterOptions.defaults());
      byte[][] inputs = Differential.randomInputs(m.inputs(), n, 3f);
      Differential.assertOutputsMatch(m.outputs(), TfLiteOracle.run(models[1], inputs),
          Differential.run(m, inputs), "hybrid dilation case " + n);
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

  /**
   * Hybrid outputs are TFLite 2.4.1's bytes, not just within 1e-4 (per-tensor and per-channel
   * weights): a hybrid layer downstream of identical float tensors gives identical results.
   */
  @Test
  void hybridIsBitExactWithTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(6500);
    int done = 0;
    while (done < 60) {
      boolean perChannel = done % 2 == 0;
      ModelBuilder b = randomConv(r, F32, I8, perChannel);
      if (b == null) {
        continue;
      }
      byte[] model = b.buildBytes();
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      byte[][] inputs = Differential.randomInputs(m.inputs(), 6500 + done, 3f);
      assertArrayEquals(
          TfLiteOracle.run(model, inputs)[0],
          Differential.run(m, inputs)[0],
          "case " + done + ": " + lastDescription);
      done++;
    }
  }
}
