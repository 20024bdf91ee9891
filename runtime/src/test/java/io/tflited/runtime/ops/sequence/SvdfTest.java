package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SVDFOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SvdfTest {
  record Config(int batch, int nInput, int nUnit, int rank, int nMemory, boolean bias, int activation) {}

  static ByteBuffer model(Config c, boolean integer, long seed) {
    Random r = new Random(seed);
    ModelBuilder b = new ModelBuilder();
    int nFilter = c.nUnit() * c.rank();
    int in;
    int wf;
    int wt;
    int bias = -1;
    int state;
    int out;
    if (integer) {
      float inScale = 0.02f + r.nextFloat() * 0.05f;
      in = b.addTensor("input", DataType.INT8, new int[] {c.batch(), c.nInput()},
          Quantization.of(inScale, r.nextInt(61) - 30));
      byte[] w = new byte[nFilter * c.nInput()];
      r.nextBytes(w);
      wf = b.addConstant("wf", DataType.INT8, new int[] {nFilter, c.nInput()},
          Quantization.of(0.005f + r.nextFloat() * 0.02f, 0), w);
      ByteBuffer t = ByteBuffer.allocate(2 * nFilter * c.nMemory()).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < nFilter * c.nMemory(); i++) {
        t.putShort((short) (r.nextInt(65536) - 32768));
      }
      wt = b.addConstant("wt", DataType.INT16, new int[] {nFilter, c.nMemory()},
          Quantization.of(1f / 32768 * (0.5f + r.nextFloat()), 0), t.array());
      if (c.bias()) {
        ByteBuffer bb = ByteBuffer.allocate(4 * c.nUnit()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < c.nUnit(); i++) {
          bb.putInt(r.nextInt(20001) - 10000);
        }
        bias = b.addConstant("bias", DataType.INT32, new int[] {c.nUnit()}, Quantization.of(0.0001f, 0), bb.array());
      }
      state = b.addVariable("state", DataType.INT16, new int[] {c.batch(), c.nMemory() * nFilter},
          Quantization.of(1f / 4096 * (0.5f + r.nextFloat()), 0));
      out = b.addTensor("output", DataType.INT8, new int[] {c.batch(), c.nUnit()},
          Quantization.of(0.01f + r.nextFloat() * 0.05f, r.nextInt(41) - 20));
    } else {
      in = b.addTensor("input", DataType.FLOAT32, new int[] {c.batch(), c.nInput()});
      wf = b.addFloatConstant("wf", new int[] {nFilter, c.nInput()}, floats(r, nFilter * c.nInput()));
      wt = b.addFloatConstant("wt", new int[] {nFilter, c.nMemory()}, floats(r, nFilter * c.nMemory()));
      if (c.bias()) {
        bias = b.addFloatConstant("bias", new int[] {c.nUnit()}, floats(r, c.nUnit()));
      }
      state = b.addVariable("state", DataType.FLOAT32, new int[] {c.batch(), c.nMemory() * nFilter},
          Quantization.NONE);
      out = b.addTensor("output", DataType.FLOAT32, new int[] {c.batch(), c.nUnit()});
    }
    b.addOperator(BuiltinOperator.SVDF, integer ? 3 : 1, new int[] {in, wf, wt, bias, state}, new int[] {out},
        BuiltinOptions.SVDFOptions,
        fbb -> SVDFOptions.createSVDFOptions(fbb, c.rank(), (byte) c.activation(), false));
    b.setInputs(in).setOutputs(out);
    return b.build();
  }

  private static float[] floats(Random r, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = r.nextFloat() * 2 - 1;
    }
    return f;
  }

  private static byte[][][] steps(Config c, boolean integer, long seed, int n) {
    Random r = new Random(seed);
    byte[][][] all = new byte[n][1][];
    int count = c.batch() * c.nInput();
    for (int s = 0; s < n; s++) {
      if (integer) {
        all[s][0] = new byte[count];
        r.nextBytes(all[s][0]);
      } else {
        ByteBuffer bb = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
          bb.putFloat(r.nextFloat() * 2 - 1);
        }
        all[s][0] = bb.array();
      }
    }
    return all;
  }

  private static Config random(Random r, int activation) {
    return new Config(1 + r.nextInt(3), 1 + r.nextInt(20), 1 + r.nextInt(8), 1 + r.nextInt(3),
        1 + r.nextInt(10), r.nextBoolean(), activation);
  }

  @Test
  void int8MatchesTfLiteOverSeveralInvocations() throws Exception {
    Random r = new Random(5);
    for (int k = 0; k < 60; k++) {
      Config c = random(r, ActivationFunctionType.RELU);
      StatefulDiff.assertSequenceMatches(model(c, true, k), steps(c, true, 100 + k, 4), k + " " + c);
    }
  }

  @Test
  void floatMatchesTfLiteOverSeveralInvocations() throws Exception {
    Random r = new Random(6);
    int[] acts = {ActivationFunctionType.NONE, ActivationFunctionType.RELU, ActivationFunctionType.RELU6,
        ActivationFunctionType.TANH, ActivationFunctionType.RELU_N1_TO_1};
    for (int k = 0; k < 40; k++) {
      Config c = random(r, acts[k % acts.length]);
      StatefulDiff.assertSequenceMatches(model(c, false, k), steps(c, false, 200 + k, 4), k + " " + c);
    }
  }
}
