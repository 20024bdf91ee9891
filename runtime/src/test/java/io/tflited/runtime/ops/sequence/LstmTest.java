package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.LSTMKernelType;
import io.tflited.runtime.model.fb.LSTMOptions;
import io.tflited.runtime.ops.sequence.UnidirectionalSequenceLstmTest.Config;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LSTM (kernel FULL, one time step per invocation), stateful, vs TFLite 2.4.1. */
class LstmTest {
  /** The same random configurations as the sequence op, with one time step. */
  private static Config config(Random r, boolean layerNorm, boolean zeroHiddenZp) {
    Config b = UnidirectionalSequenceLstmTest.randomConfig(r, true);
    return new Config(b.batch(), 1, b.nInput(), b.nCell(), b.nOutput(), true, b.cifg(), b.peephole(),
        b.projection(), b.projectionBias(), layerNorm, b.cellClip(), b.projClip(),
        zeroHiddenZp ? 0 : b.hiddenZp());
  }

  @Test
  void floatMatchesTfLite() throws Exception {
    Random r = new Random(31);
    for (int k = 0; k < 40; k++) {
      Config c = config(r, r.nextInt(3) == 0, true);
      StatefulDiff.assertSequenceMatches(UnidirectionalSequenceLstmTest.model(c, false, false, false, 100 + k, true),
          UnidirectionalSequenceLstmTest.stepInputs(c, false, 200 + k, 4), k + " " + c);
    }
  }

  @Test
  void hybridMatchesTfLite() throws Exception {
    Random r = new Random(32);
    for (int k = 0; k < 40; k++) {
      Config c = config(r, r.nextInt(3) == 0, true);
      boolean asymmetric = k % 2 == 1;
      StatefulDiff.assertSequenceMatches(
          UnidirectionalSequenceLstmTest.model(c, false, true, asymmetric, 300 + k, true),
          UnidirectionalSequenceLstmTest.stepInputs(c, false, 400 + k, 4), k + " asymmetric=" + asymmetric + " " + c);
    }
  }

  @Test
  void int8MatchesTfLite() throws Exception {
    Random r = new Random(33);
    for (int k = 0; k < 50; k++) {
      Config c = config(r, k % 3 == 0, false);
      StatefulDiff.assertSequenceMatches(UnidirectionalSequenceLstmTest.model(c, true, false, false, 500 + k, true),
          UnidirectionalSequenceLstmTest.stepInputs(c, true, 600 + k, 4), k + " " + c);
    }
  }

  /** LSTM kernel_type BASIC: 5 inputs, 4 outputs (all compared), float or uint8. */
  static ByteBuffer basicModel(int batch, int inDepth, int depth, boolean quantized, long seed) {
    Random r = new Random(seed);
    ModelBuilder b = new ModelBuilder();
    int fc = 4 * depth;
    int cat = inDepth + depth;
    int in;
    int pa;
    int ps;
    int w;
    int bias;
    int[] outs;
    if (quantized) {
      Quantization act = Quantization.of(1f / 128, 128);
      Quantization state = Quantization.of(1f / 2048, 0);
      float wScale = 0.002f + r.nextFloat() * 0.02f;
      in = b.addTensor("input", DataType.UINT8, new int[] {batch, inDepth}, act);
      pa = b.addTensor("prev_activ", DataType.UINT8, new int[] {batch, depth}, act);
      byte[] wd = new byte[fc * cat];
      r.nextBytes(wd);
      w = b.addConstant("weights", DataType.UINT8, new int[] {fc, cat},
          Quantization.of(wScale, 100 + r.nextInt(56)), wd);
      ByteBuffer bd = ByteBuffer.allocate(4 * fc).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < fc; i++) {
        bd.putInt(r.nextInt(20001) - 10000);
      }
      bias = b.addConstant("bias", DataType.INT32, new int[] {fc}, Quantization.of(wScale / 128, 0), bd.array());
      // TFLite's 2.4.1 Java API has no int16: the int16 state enters through QUANTIZE from float
      // (exact multiples of its scale) and the int16 outputs leave through exact QUANTIZE to int32.
      int psFloat = b.addTensor("prev_state_f", DataType.FLOAT32, new int[] {batch, depth});
      ps = b.addTensor("prev_state", DataType.INT16, new int[] {batch, depth}, state);
      b.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {psFloat}, new int[] {ps});
      outs = new int[] {
        b.addTensor("activ", DataType.UINT8, new int[] {batch, depth}, act),
        b.addTensor("state", DataType.INT16, new int[] {batch, depth}, state),
        b.addTensor("concat", DataType.UINT8, new int[] {batch, cat}, act),
        b.addTensor("activ_temp", DataType.INT16, new int[] {batch, fc}, Quantization.of(1f / 4096, 0))
      };
      int state32 = b.addTensor("state32", DataType.INT32, new int[] {batch, depth}, state);
      int temp32 = b.addTensor("temp32", DataType.INT32, new int[] {batch, fc}, Quantization.of(1f / 4096, 0));
      b.addOperator(BuiltinOperator.LSTM, 2, new int[] {in, pa, w, bias, ps}, outs, BuiltinOptions.LSTMOptions,
          fbb -> LSTMOptions.createLSTMOptions(fbb, (byte) ActivationFunctionType.TANH, 0f, 0f,
              LSTMKernelType.BASIC, false));
      b.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {outs[1]}, new int[] {state32});
      b.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {outs[3]}, new int[] {temp32});
      return b.setInputs(in, pa, psFloat).setOutputs(outs[0], state32, outs[2], temp32).build();
    } else {
      in = b.addTensor("input", DataType.FLOAT32, new int[] {batch, inDepth});
      pa = b.addTensor("prev_activ", DataType.FLOAT32, new int[] {batch, depth});
      float[] wd = new float[fc * cat];
      for (int i = 0; i < wd.length; i++) {
        wd[i] = (r.nextFloat() * 2 - 1) * 0.6f;
      }
      w = b.addFloatConstant("weights", new int[] {fc, cat}, wd);
      float[] bd = new float[fc];
      for (int i = 0; i < fc; i++) {
        bd[i] = (r.nextFloat() * 2 - 1) * 0.5f;
      }
      bias = b.addFloatConstant("bias", new int[] {fc}, bd);
      ps = b.addTensor("prev_state", DataType.FLOAT32, new int[] {batch, depth});
      outs = new int[] {
        b.addTensor("activ", DataType.FLOAT32, new int[] {batch, depth}),
        b.addTensor("state", DataType.FLOAT32, new int[] {batch, depth}),
        b.addTensor("concat", DataType.FLOAT32, new int[] {batch, cat}),
        b.addTensor("activ_temp", DataType.FLOAT32, new int[] {batch, fc})
      };
    }
    b.addOperator(BuiltinOperator.LSTM, 2, new int[] {in, pa, w, bias, ps}, outs, BuiltinOptions.LSTMOptions,
        fbb -> LSTMOptions.createLSTMOptions(fbb, (byte) ActivationFunctionType.TANH, 0f, 0f,
            LSTMKernelType.BASIC, false));
    return b.setInputs(in, pa, ps).setOutputs(outs).build();
  }

  private static byte[][][] basicInputs(int batch, int inDepth, int depth, boolean quantized, long seed, int steps) {
    Random r = new Random(seed);
    byte[][][] all = new byte[steps][3][];
    for (int s = 0; s < steps; s++) {
      if (quantized) {
        all[s][0] = new byte[batch * inDepth];
        r.nextBytes(all[s][0]);
        all[s][1] = new byte[batch * depth];
        r.nextBytes(all[s][1]);
        ByteBuffer bb = ByteBuffer.allocate(4 * batch * depth).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < batch * depth; i++) {
          bb.putFloat((r.nextInt(65536) - 32768) / 2048f);
        }
        all[s][2] = bb.array();
      } else {
        int[] n = {batch * inDepth, batch * depth, batch * depth};
        for (int k = 0; k < 3; k++) {
          ByteBuffer bb = ByteBuffer.allocate(4 * n[k]).order(ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < n[k]; i++) {
            bb.putFloat((r.nextFloat() * 2 - 1) * 2f);
          }
          all[s][k] = bb.array();
        }
      }
    }
    return all;
  }

  @Test
  void basicFloatMatchesTfLite() throws Exception {
    Random r = new Random(34);
    for (int k = 0; k < 30; k++) {
      int batch = 1 + r.nextInt(3);
      int inDepth = 1 + r.nextInt(10);
      int depth = 1 + r.nextInt(10);
      StatefulDiff.assertSequenceMatches(basicModel(batch, inDepth, depth, false, 700 + k),
          basicInputs(batch, inDepth, depth, false, 800 + k, 3), k + " batch=" + batch + " in=" + inDepth + " depth=" + depth);
    }
  }

  @Test
  void basicUint8MatchesTfLite() throws Exception {
    Random r = new Random(35);
    for (int k = 0; k < 60; k++) {
      int batch = 1 + r.nextInt(3);
      int inDepth = 1 + r.nextInt(16);
      int depth = 1 + r.nextInt(12);
      StatefulDiff.assertSequenceMatches(basicModel(batch, inDepth, depth, true, 900 + k),
          basicInputs(batch, inDepth, depth, true, 1000 + k, 3), k + " batch=" + batch + " in=" + inDepth + " depth=" + depth);
    }
  }
}
