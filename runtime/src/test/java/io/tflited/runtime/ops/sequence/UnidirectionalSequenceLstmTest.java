package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.LSTMKernelType;
import io.tflited.runtime.model.fb.LSTMOptions;
import io.tflited.runtime.model.fb.UnidirectionalSequenceLSTMOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnidirectionalSequenceLstmTest {

  record Config(
      int batch, int time, int nInput, int nCell, int nOutput, boolean timeMajor, boolean cifg,
      boolean peephole, boolean projection, boolean projectionBias, boolean layerNorm,
      float cellClip, float projClip, int hiddenZp) {}

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static byte[] int32s(Random r, int n, int range) {
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putInt(r.nextInt(2 * range + 1) - range);
    }
    return b.array();
  }

  private static byte[] int16s(Random r, int n, int range) {
    ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putShort((short) (r.nextInt(2 * range + 1) - range));
    }
    return b.array();
  }

  private static float[] floats(Random r, int n, float range) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (r.nextFloat() * 2 - 1) * range;
    }
    return f;
  }

  /** A single UNIDIRECTIONAL_SEQUENCE_LSTM model; int8 8x8_16 when integer. */
  static ByteBuffer model(Config c, boolean integer, long seed) {
    return model(c, integer, false, false, seed);
  }

  /** Hybrid: float activations and states, int8 weights (symmetric or asymmetric inputs). */
  static ByteBuffer hybridModel(Config c, boolean asymmetric, long seed) {
    return model(c, false, true, asymmetric, seed);
  }

  static ByteBuffer model(Config c, boolean integer, boolean hybrid, boolean asymmetric, long seed) {
    return model(c, integer, hybrid, asymmetric, seed, false);
  }

  /** With {@code plainLstm}, an LSTM op (kernel FULL) on a [batch, input] input instead. */
  static ByteBuffer model(Config c, boolean integer, boolean hybrid, boolean asymmetric, long seed,
      boolean plainLstm) {
    Random r = new Random(seed);
    ModelBuilder b = new ModelBuilder();
    int[] inShape = plainLstm ? new int[] {c.batch(), c.nInput()}
        : c.timeMajor() ? new int[] {c.time(), c.batch(), c.nInput()} : new int[] {c.batch(), c.time(), c.nInput()};
    int[] outShape = inShape.clone();
    outShape[outShape.length - 1] = c.nOutput();
    int[] inputs = new int[24];
    java.util.Arrays.fill(inputs, -1);
    int[] intermediates = new int[0];
    float inScale = 0.02f + r.nextFloat() * 0.05f;
    int inZp = r.nextInt(41) - 20;
    float outScale = 1f / 128 * (0.5f + r.nextFloat());
    int outZp = r.nextInt(21) - 10;
    Quantization outQ = Quantization.of(outScale, outZp);
    int in;
    int out;
    if (integer) {
      in = b.addTensor("input", DataType.INT8, inShape, Quantization.of(inScale, inZp));
      out = b.addTensor("output", DataType.INT8, outShape, outQ);
    } else {
      in = b.addTensor("input", DataType.FLOAT32, inShape);
      out = b.addTensor("output", DataType.FLOAT32, outShape);
    }
    inputs[0] = in;
    float[] wScales = new float[4];
    for (int g = 0; g < 4; g++) {
      if (g == 0 && c.cifg()) {
        continue;
      }
      wScales[g] = 0.005f + r.nextFloat() * 0.02f;
      String gn = new String[] {"input", "forget", "cell", "output"}[g];
      if (integer) {
        inputs[1 + g] = b.addConstant(gn + "_iw", DataType.INT8, new int[] {c.nCell(), c.nInput()},
            Quantization.of(wScales[g], 0), randomBytes(r, c.nCell() * c.nInput()));
        inputs[5 + g] = b.addConstant(gn + "_rw", DataType.INT8, new int[] {c.nCell(), c.nOutput()},
            Quantization.of(wScales[g] * 1.3f, 0), randomBytes(r, c.nCell() * c.nOutput()));
        inputs[12 + g] = b.addConstant(gn + "_b", DataType.INT32, new int[] {c.nCell()},
            Quantization.of(inScale * wScales[g], 0), int32s(r, c.nCell(), 3000));
        if (c.layerNorm()) {
          inputs[20 + g] = b.addConstant(gn + "_ln", DataType.INT16, new int[] {c.nCell()},
              Quantization.of(1f / 8192 * (0.5f + r.nextFloat()), 0), int16s(r, c.nCell(), 16000));
        }
        if (c.peephole() && g != 2) {
          inputs[9 + (g == 3 ? 2 : g)] = b.addConstant(gn + "_pw", DataType.INT16, new int[] {c.nCell()},
              Quantization.of(1f / 4096 * (0.5f + r.nextFloat()), 0), int16s(r, c.nCell(), 3000));
        }
      } else if (hybrid) {
        inputs[1 + g] = b.addConstant(gn + "_iw", DataType.INT8, new int[] {c.nCell(), c.nInput()},
            Quantization.of(0.5f / 127, 0), randomBytes(r, c.nCell() * c.nInput()));
        inputs[5 + g] = b.addConstant(gn + "_rw", DataType.INT8, new int[] {c.nCell(), c.nOutput()},
            Quantization.of(0.5f / 127, 0), randomBytes(r, c.nCell() * c.nOutput()));
        inputs[12 + g] = b.addFloatConstant(gn + "_b", new int[] {c.nCell()}, floats(r, c.nCell(), 0.5f));
        if (c.layerNorm()) {
          inputs[20 + g] = b.addFloatConstant(gn + "_ln", new int[] {c.nCell()}, floats(r, c.nCell(), 1f));
        }
        if (c.peephole() && g != 2) {
          inputs[9 + (g == 3 ? 2 : g)] = b.addConstant(gn + "_pw", DataType.INT8, new int[] {c.nCell()},
              Quantization.of(0.5f / 127, 0), randomBytes(r, c.nCell()));
        }
      } else {
        inputs[1 + g] = b.addFloatConstant(gn + "_iw", new int[] {c.nCell(), c.nInput()},
            floats(r, c.nCell() * c.nInput(), 0.5f));
        inputs[5 + g] = b.addFloatConstant(gn + "_rw", new int[] {c.nCell(), c.nOutput()},
            floats(r, c.nCell() * c.nOutput(), 0.5f));
        inputs[12 + g] = b.addFloatConstant(gn + "_b", new int[] {c.nCell()}, floats(r, c.nCell(), 0.5f));
        if (c.layerNorm()) {
          inputs[20 + g] = b.addFloatConstant(gn + "_ln", new int[] {c.nCell()}, floats(r, c.nCell(), 1f));
        }
        if (c.peephole() && g != 2) {
          inputs[9 + (g == 3 ? 2 : g)] = b.addFloatConstant(gn + "_pw", new int[] {c.nCell()},
              floats(r, c.nCell(), 0.5f));
        }
      }
    }
    if (c.projection()) {
      if (integer) {
        inputs[16] = b.addConstant("proj_w", DataType.INT8, new int[] {c.nOutput(), c.nCell()},
            Quantization.of(0.01f + r.nextFloat() * 0.02f, 0), randomBytes(r, c.nOutput() * c.nCell()));
        if (c.projectionBias()) {
          inputs[17] = b.addConstant("proj_b", DataType.INT32, new int[] {c.nOutput()},
              Quantization.of(0.0001f, 0), int32s(r, c.nOutput(), 2000));
        }
      } else if (hybrid) {
        inputs[16] = b.addConstant("proj_w", DataType.INT8, new int[] {c.nOutput(), c.nCell()},
            Quantization.of(0.5f / 127, 0), randomBytes(r, c.nOutput() * c.nCell()));
        if (c.projectionBias()) {
          inputs[17] = b.addFloatConstant("proj_b", new int[] {c.nOutput()}, floats(r, c.nOutput(), 0.5f));
        }
      } else {
        inputs[16] = b.addFloatConstant("proj_w", new int[] {c.nOutput(), c.nCell()},
            floats(r, c.nOutput() * c.nCell(), 0.5f));
        if (c.projectionBias()) {
          inputs[17] = b.addFloatConstant("proj_b", new int[] {c.nOutput()}, floats(r, c.nOutput(), 0.5f));
        }
      }
    }
    if (integer) {
      inputs[18] = b.addVariable("output_state", DataType.INT8, new int[] {c.batch(), c.nOutput()}, outQ);
      inputs[19] = b.addVariable("cell_state", DataType.INT16, new int[] {c.batch(), c.nCell()},
          // Cell scales 2^-9 .. 2^-15 exercise every tanh integer-bit count (15 + log2 scale).
          Quantization.of((float) Math.pow(2, -(9 + (int) Math.floorMod(seed, 7L))), 0));
      intermediates = new int[5];
      for (int i = 0; i < 4; i++) {
        intermediates[i] = b.addTensor("im" + i, DataType.INT16, new int[0],
            Quantization.of(1f / 4096 * (0.5f + r.nextFloat()), 0));
      }
      intermediates[4] = b.addTensor("hidden", DataType.INT8, new int[0],
          Quantization.of(c.projection() ? 0.007f : outScale, c.projection() ? c.hiddenZp() : c.hiddenZp()));
    } else {
      inputs[18] = b.addVariable("output_state", DataType.FLOAT32, new int[] {c.batch(), c.nOutput()},
          Quantization.NONE);
      inputs[19] = b.addVariable("cell_state", DataType.FLOAT32, new int[] {c.batch(), c.nCell()},
          Quantization.NONE);
    }
    int[] opInputs = c.layerNorm() || r.nextBoolean() ? inputs : java.util.Arrays.copyOf(inputs, 20);
    if (plainLstm) {
      b.addOperator(BuiltinOperator.LSTM, hybrid ? (asymmetric ? 4 : 3) : integer ? 4 : 1, opInputs,
          new int[] {out},
          BuiltinOptions.LSTMOptions,
          fbb -> LSTMOptions.createLSTMOptions(
              fbb, (byte) ActivationFunctionType.TANH, c.cellClip(), c.projClip(), LSTMKernelType.FULL, asymmetric),
          intermediates);
      b.setInputs(in).setOutputs(out);
      return b.build();
    }
    b.addOperator(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, hybrid ? (asymmetric ? 3 : 2) : 1, opInputs,
        new int[] {out},
        BuiltinOptions.UnidirectionalSequenceLSTMOptions,
        fbb -> UnidirectionalSequenceLSTMOptions.createUnidirectionalSequenceLSTMOptions(
            fbb, (byte) ActivationFunctionType.TANH, c.cellClip(), c.projClip(), c.timeMajor(), asymmetric, false),
        intermediates);
    b.setInputs(in).setOutputs(out);
    return b.build();
  }

  static byte[][][] stepInputs(Config c, boolean integer, long seed, int steps) {
    Random r = new Random(seed);
    int n = c.batch() * c.time() * c.nInput();
    byte[][][] all = new byte[steps][1][];
    for (int s = 0; s < steps; s++) {
      if (integer) {
        all[s][0] = randomBytes(r, n);
      } else {
        ByteBuffer bb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          bb.putFloat((r.nextFloat() * 2 - 1) * 2f);
        }
        all[s][0] = bb.array();
      }
    }
    return all;
  }

  static Config randomConfig(Random r, boolean allowProjection) {
    int nCell = 1 + r.nextInt(12);
    boolean projection = allowProjection && r.nextBoolean();
    int nOutput = projection ? 1 + r.nextInt(nCell) : nCell;
    return new Config(1 + r.nextInt(3), 1 + r.nextInt(5), 1 + r.nextInt(10), nCell, nOutput,
        r.nextBoolean(), r.nextInt(3) == 0, r.nextInt(3) == 0, projection, projection && r.nextBoolean(),
        false, r.nextInt(3) == 0 ? 0.5f + r.nextFloat() * 3 : 0f,
        projection && r.nextInt(3) == 0 ? 0.1f + r.nextFloat() : 0f, r.nextInt(11) - 5);
  }

  @Test
  void int8BasicMatchesTfLite() throws Exception {
    Config c = new Config(2, 4, 5, 6, 6, false, false, false, false, false, false, 0f, 0f, 0);
    StatefulDiff.assertSequenceMatches(model(c, true, 1), stepInputs(c, true, 2, 4), c.toString());
  }

  @Test
  void int8HiddenZeroPointMatchesTfLite() throws Exception {
    Config c = new Config(1, 3, 4, 5, 5, true, false, false, false, false, false, 0f, 0f, 7);
    StatefulDiff.assertSequenceMatches(model(c, true, 3), stepInputs(c, true, 4, 3), c.toString());
  }

  @Test
  void int8RandomConfigsMatchTfLite() throws Exception {
    Random r = new Random(20260101);
    for (int k = 0; k < 60; k++) {
      Config c = randomConfig(r, true);
      StatefulDiff.assertSequenceMatches(model(c, true, k), stepInputs(c, true, 1000 + k, 3), k + " " + c);
    }
  }

  @Test
  void int8LayerNormMatchesTfLite() throws Exception {
    Random r = new Random(77);
    for (int k = 0; k < 20; k++) {
      Config base = randomConfig(r, true);
      Config c = new Config(base.batch(), base.time(), base.nInput(), base.nCell(), base.nOutput(),
          base.timeMajor(), base.cifg(), base.peephole(), base.projection(), base.projectionBias(), true,
          base.cellClip(), base.projClip(), base.hiddenZp());
      StatefulDiff.assertSequenceMatches(model(c, true, 500 + k), stepInputs(c, true, 600 + k, 3), k + " " + c);
    }
  }

  @Test
  void hybridRandomConfigsMatchTfLite() throws Exception {
    Random r = new Random(4242);
    for (int k = 0; k < 40; k++) {
      Config base = randomConfig(r, true);
      Config c = new Config(base.batch(), base.time(), base.nInput(), base.nCell(), base.nOutput(),
          base.timeMajor(), base.cifg(), base.peephole(), base.projection(), base.projectionBias(),
          r.nextInt(3) == 0, base.cellClip(), base.projClip(), 0);
      boolean asymmetric = k % 2 == 1;
      StatefulDiff.assertSequenceMatches(hybridModel(c, asymmetric, 4000 + k), stepInputs(c, false, 5000 + k, 3),
          k + " asymmetric=" + asymmetric + " " + c);
    }
  }

  @Test
  void floatRandomConfigsMatchTfLite() throws Exception {
    Random r = new Random(42);
    for (int k = 0; k < 40; k++) {
      Config base = randomConfig(r, true);
      Config c = new Config(base.batch(), base.time(), base.nInput(), base.nCell(), base.nOutput(),
          base.timeMajor(), base.cifg(), base.peephole(), base.projection(), base.projectionBias(),
          r.nextInt(3) == 0, base.cellClip(), base.projClip(), 0);
      StatefulDiff.assertSequenceMatches(model(c, false, 2000 + k), stepInputs(c, false, 3000 + k, 3), k + " " + c);
    }
  }
}
