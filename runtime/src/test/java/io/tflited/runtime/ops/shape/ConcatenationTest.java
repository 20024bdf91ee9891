package io.tflited.runtime.ops.shape;

import static io.tflited.runtime.ops.shape.OpHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ConcatenationOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConcatenationTest {
  static byte[] concat(DataType t, int[][] shapes, Quantization[] qs, Quantization outQ, int axis,
      int act) {
    ModelBuilder b = new ModelBuilder();
    int rank = shapes[0].length;
    int a = axis < 0 ? axis + rank : axis;
    int[] out = shapes[0].clone();
    out[a] = 0;
    int[] ins = new int[shapes.length];
    for (int i = 0; i < shapes.length; i++) {
      ins[i] = b.addTensor("x" + i, t, shapes[i], qs == null ? quant(t) : qs[i]);
      out[a] += shapes[i][a];
    }
    int y = b.addTensor("y", t, out, outQ == null ? quant(t) : outQ);
    b.addOperator(BuiltinOperator.CONCATENATION, 1, ins, new int[] {y},
        BuiltinOptions.ConcatenationOptions,
        fbb -> ConcatenationOptions.createConcatenationOptions(fbb, axis, (byte) act));
    return b.setInputs(ins).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    byte[] m = concat(DataType.FLOAT32, new int[][] {{2, 1}, {2, 2}}, null, null, -1, 0);
    assertArrayEquals(floats(1, 10, 11, 2, 20, 21), run(m, floats(1, 2), floats(10, 11, 20, 21))[0]);
    // uint8 requantization: q_out = round(q_in * s_in / s_out - zp_in * s_in / s_out) + zp_out.
    Quantization[] qs = {Quantization.of(1f, 0), Quantization.of(0.5f, 10)};
    byte[] mq = concat(DataType.UINT8, new int[][] {{2}, {3}}, qs, Quantization.of(1f, 0), 0, 0);
    byte[] out = run(mq, new byte[] {7, (byte) 200}, new byte[] {9, 11, (byte) 255})[0];
    // (9-10)*0.5 = -0.5 -> -1 -> clamped 0; (11-10)*0.5 = 0.5 -> 1; 245*0.5 = 122.5 -> 123.
    assertArrayEquals(new byte[] {7, (byte) 200, 0, 1, 123}, out);
    // A fused RELU6 clamps (tflited applies fused activations; TFLite 2.4.1 rejects them).
    byte[] mr = concat(DataType.FLOAT32, new int[][] {{2}, {1}}, null, null, 0, ActivationFunctionType.RELU6);
    assertArrayEquals(floats(0, 6, 3), run(mr, floats(-1, 7), floats(3))[0]);
  }

  @Test
  void rejectsInt8WithDifferentScalesLikeTfLite() {
    Quantization[] qs = {Quantization.of(1f, 0), Quantization.of(0.5f, 0)};
    assertThrows(ModelException.class, () -> ReshapeTest.compile(
        concat(DataType.INT8, new int[][] {{2}, {3}}, qs, Quantization.of(1f, 0), 0, 0)));
  }

  @Test
  void differential() throws Exception {
    Random r = new Random(5);
    DataType[] types = {DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32, DataType.INT64, DataType.BOOL};
    for (int trial = 0; trial < 70; trial++) {
      DataType t = types[trial % types.length];
      int rank = 1 + r.nextInt(4);
      int axis = r.nextInt(2 * rank) - rank;
      int n = 1 + r.nextInt(4);
      int[] base = randomShape(r, rank, 4);
      int[][] shapes = new int[n][];
      for (int i = 0; i < n; i++) {
        shapes[i] = base.clone();
        shapes[i][axis < 0 ? axis + rank : axis] = 1 + r.nextInt(4);
      }
      Quantization[] qs = null;
      Quantization outQ = null;
      if (t == DataType.UINT8 && trial % 2 == 0) {
        qs = new Quantization[n];
        for (int i = 0; i < n; i++) {
          qs[i] = i == 0 ? quant(t) : Quantization.of(0.01f + r.nextFloat(), r.nextInt(256));
        }
        outQ = Quantization.of(0.01f + r.nextFloat(), r.nextInt(256));
      }
      Quantization[] fq = qs;
      Quantization fo = outQ;
      assertMatches(t, tt -> concat(tt, shapes, fq, fo, axis, 0), trial);
    }
  }

  @Test
  void uint8RescalingExhaustive() throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(9);
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    for (int trial = 0; trial < 40; trial++) {
      Quantization[] qs = {
        Quantization.of((float) Math.exp(r.nextGaussian() * 2), r.nextInt(256)),
        Quantization.of(trial % 5 == 0 ? 0.5f : (float) Math.exp(r.nextGaussian()), r.nextInt(256))
      };
      Quantization oq = Quantization.of(trial % 5 == 0 ? 0.25f : (float) Math.exp(r.nextGaussian()), r.nextInt(256));
      byte[] m = concat(DataType.UINT8, new int[][] {{256}, {256}}, qs, oq, 0, 0);
      Differential.assertMatchesTfLite(m, new byte[][] {all, all});
    }
  }

  @Test
  void sharedSplitConcatModel() throws Exception {
    TfLiteOracle.assumeAvailable();
    Path model = io.tflited.runtime.testing.SharedModels.require("google-coral-test_data/tools/split_concat.tflite");
    byte[] bytes = Files.readAllBytes(model);
    Differential.assertMatchesTfLite(bytes, Differential.randomInputs(inputInfos(bytes), 3, 1f));
  }
}
