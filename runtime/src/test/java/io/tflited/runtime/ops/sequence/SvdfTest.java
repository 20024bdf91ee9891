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

  /** Hybrid: float input/state/output, int8 weights_feature and weights_time. */
  static ByteBuffer hybridModel(Config c, boolean asymmetric, long seed) {
    Random r = new Random(seed);
    ModelBuilder b = new ModelBuilder();
    int nFilter = c.nUnit() * c.rank();
    int in = b.addTensor("input", DataType.FLOAT32, new int[] {c.batch(), c.nInput()});
    byte[] w = new byte[nFilter * c.nInput()];
    r.nextBytes(w);
    int wf = b.addConstant("wf", DataType.INT8, new int[] {nFilter, c.nInput()},
        Quantization.of(0.005f + r.nextFloat() * 0.02f, 0), w);
    byte[] t = new byte[nFilter * c.nMemory()];
    r.nextBytes(t);
    int wt = b.addConstant("wt", DataType.INT8, new int[] {nFilter, c.nMemory()},
        Quantization.of(0.005f + r.nextFloat() * 0.02f, 0), t);
    int bias = c.bias() ? b.addFloatConstant("bias", new int[] {c.nUnit()}, floats(r, c.nUnit())) : -1;
    int state = b.addVariable("state", DataType.FLOAT32, new int[] {c.batch(), c.nMemory() * nFilter},
        Quantization.NONE);
    int out = b.addTensor("output", DataType.FLOAT32, new int[] {c.batch(), c.nUnit()});
    b.addOperator(BuiltinOperator.SVDF, asymmetric ? 4 : 2, new int[] {in, wf, wt, bias, state}, new int[] {out},
        BuiltinOptions.SVDFOptions,
        fbb -> SVDFOptions.createSVDFOptions(fbb, c.rank(), (byte) c.activation(), asymmetric));
    b.setInputs(in).setOutputs(out);
    return b.build();
  }

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

  /** Unit scales: state, output and saturation can be computed by hand. */
  @Test
  void int8HandComputedWithStateAndSaturation() throws Exception {
    ModelBuilder b = new ModelBuilder();
    Quantization one = Quantization.of(1f, 0);
    int in = b.addTensor("input", DataType.INT8, new int[] {1, 2}, one);
    int wf = b.addConstant("wf", DataType.INT8, new int[] {1, 2}, one, new byte[] {2, 1});
    int wt = b.addConstant("wt", DataType.INT16, new int[] {1, 2}, one, new byte[] {1, 0, 2, 0});
    int bias = b.addConstant("bias", DataType.INT32, new int[] {1}, one, new byte[] {1, 0, 0, 0});
    int state = b.addVariable("state", DataType.INT16, new int[] {1, 2}, one);
    int out = b.addTensor("output", DataType.INT8, new int[] {1, 1}, one);
    b.addOperator(BuiltinOperator.SVDF, 3, new int[] {in, wf, wt, bias, state}, new int[] {out},
        BuiltinOptions.SVDFOptions, fbb -> SVDFOptions.createSVDFOptions(fbb, 1, (byte) ActivationFunctionType.RELU, false));
    b.setInputs(in).setOutputs(out);
    var model = io.tflited.runtime.CompiledModel.fromBuffer(b.build(), io.tflited.runtime.InterpreterOptions.defaults());
    try (var it = model.newInterpreter()) {
      // state [0, 3*2 - 2*1 = 4]; out = 0*1 + 4*2 + 1 = 9.
      it.copyInput(0, new byte[] {3, -2});
      it.run();
      org.junit.jupiter.api.Assertions.assertEquals(9, it.outputBytes(0)[0]);
      // state [4, 1*2 + 1*1 = 3]; out = 4 + 6 + 1 = 11.
      it.copyInput(0, new byte[] {1, 1});
      it.run();
      org.junit.jupiter.api.Assertions.assertEquals(11, it.outputBytes(0)[0]);
      // state [3, 100*2 + 100 = 300]; out = 3 + 600 + 1 = 604 -> saturates at 127.
      it.copyInput(0, new byte[] {100, 100});
      it.run();
      org.junit.jupiter.api.Assertions.assertEquals(127, it.outputBytes(0)[0]);
      // state [300, -128*2 - 128 = -384]; out = 300 - 768 + 1 = -467 -> -128.
      it.copyInput(0, new byte[] {-128, -128});
      it.run();
      org.junit.jupiter.api.Assertions.assertEquals(-128, it.outputBytes(0)[0]);
      // A reset brings the state back to zero.
      it.resetVariables();
      it.copyInput(0, new byte[] {3, -2});
      it.run();
      org.junit.jupiter.api.Assertions.assertEquals(9, it.outputBytes(0)[0]);
    }
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
  void hybridMatchesTfLiteOverSeveralInvocations() throws Exception {
    Random r = new Random(8);
    int[] acts = {ActivationFunctionType.NONE, ActivationFunctionType.RELU, ActivationFunctionType.TANH};
    for (int k = 0; k < 40; k++) {
      Config c = random(r, acts[k % acts.length]);
      boolean asymmetric = k % 2 == 1;
      StatefulDiff.assertSequenceMatches(hybridModel(c, asymmetric, k), steps(c, false, 300 + k, 4),
          k + " asymmetric=" + asymmetric + " " + c);
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
