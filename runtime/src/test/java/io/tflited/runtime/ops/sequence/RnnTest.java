package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.RNNOptions;
import io.tflited.runtime.model.fb.SequenceRNNOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import org.junit.jupiter.api.Test;

/** RNN, UNIDIRECTIONAL_SEQUENCE_RNN and BIDIRECTIONAL_SEQUENCE_RNN, stateful, vs TFLite 2.4.1. */
class RnnTest {
  /** kind 0 = RNN, 1 = unidirectional, 2 = bidirectional. */
  record Config(int kind, int batch, int time, int nInput, int units, int bwUnits, boolean timeMajor,
      int activation, boolean hybrid, boolean asymmetric, boolean merge, int aux) {}

  private static float[] floats(Random r, int n, float range) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (r.nextFloat() * 2 - 1) * range;
    }
    return f;
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** Adds weights, recurrent weights, bias and the hidden state of one cell; returns their ids. */
  private static int[] cell(ModelBuilder b, Random r, Config c, String pfx, int units) {
    int w;
    int rw;
    if (c.hybrid()) {
      w = b.addConstant(pfx + "w", DataType.INT8, new int[] {units, c.nInput()},
          Quantization.of(0.4f / 127, 0), randomBytes(r, units * c.nInput()));
      rw = b.addConstant(pfx + "rw", DataType.INT8, new int[] {units, units},
          Quantization.of(0.3f / 127, 0), randomBytes(r, units * units));
    } else {
      w = b.addFloatConstant(pfx + "w", new int[] {units, c.nInput()}, floats(r, units * c.nInput(), 0.4f));
      rw = b.addFloatConstant(pfx + "rw", new int[] {units, units}, floats(r, units * units, 0.3f));
    }
    int bias = b.addFloatConstant(pfx + "b", new int[] {units}, floats(r, units, 0.5f));
    int h = b.addVariable(pfx + "h", DataType.FLOAT32, new int[] {c.batch(), units}, Quantization.NONE);
    return new int[] {w, rw, bias, h};
  }

  static ByteBuffer model(Config c, long seed) {
    Random r = new Random(seed);
    ModelBuilder b = new ModelBuilder();
    int version = c.hybrid() ? (c.asymmetric() ? 3 : 2) : 1;
    byte act = (byte) c.activation();
    if (c.kind() == 0) {
      int in = b.addTensor("input", DataType.FLOAT32, new int[] {c.batch(), c.nInput()});
      int out = b.addTensor("output", DataType.FLOAT32, new int[] {c.batch(), c.units()});
      int[] f = cell(b, r, c, "", c.units());
      b.addOperator(BuiltinOperator.RNN, version, new int[] {in, f[0], f[1], f[2], f[3]}, new int[] {out},
          BuiltinOptions.RNNOptions, fbb -> RNNOptions.createRNNOptions(fbb, act, c.asymmetric()));
      return b.setInputs(in).setOutputs(out).build();
    }
    int[] inShape = c.timeMajor()
        ? new int[] {c.time(), c.batch(), c.nInput()} : new int[] {c.batch(), c.time(), c.nInput()};
    int in = b.addTensor("input", DataType.FLOAT32, inShape);
    if (c.kind() == 1) {
      int[] outShape = {inShape[0], inShape[1], c.units()};
      int out = b.addTensor("output", DataType.FLOAT32, outShape);
      int[] f = cell(b, r, c, "", c.units());
      b.addOperator(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN, version,
          new int[] {in, f[0], f[1], f[2], f[3]}, new int[] {out}, BuiltinOptions.SequenceRNNOptions,
          fbb -> SequenceRNNOptions.createSequenceRNNOptions(fbb, c.timeMajor(), act, c.asymmetric()));
      return b.setInputs(in).setOutputs(out).build();
    }
    int[] f = cell(b, r, c, "fw_", c.units());
    int[] g = cell(b, r, c, "bw_", c.bwUnits());
    // aux 1: aux input with aux weights (cross-linking); 2: aux input only (non-stacking).
    int auxIn = -1;
    int fwAux = -1;
    int bwAux = -1;
    if (c.aux() > 0) {
      auxIn = b.addTensor("aux_input", DataType.FLOAT32, inShape);
    }
    if (c.aux() == 1) {
      if (c.hybrid()) {
        fwAux = b.addConstant("fw_aw", DataType.INT8, new int[] {c.units(), c.nInput()},
            Quantization.of(0.3f / 127, 0), randomBytes(r, c.units() * c.nInput()));
        bwAux = b.addConstant("bw_aw", DataType.INT8, new int[] {c.bwUnits(), c.nInput()},
            Quantization.of(0.2f / 127, 0), randomBytes(r, c.bwUnits() * c.nInput()));
      } else {
        fwAux = b.addFloatConstant("fw_aw", new int[] {c.units(), c.nInput()}, floats(r, c.units() * c.nInput(), 0.3f));
        bwAux = b.addFloatConstant("bw_aw", new int[] {c.bwUnits(), c.nInput()}, floats(r, c.bwUnits() * c.nInput(), 0.3f));
      }
    }
    int[] outs;
    if (c.merge()) {
      outs = new int[] {b.addTensor("output", DataType.FLOAT32,
          new int[] {inShape[0], inShape[1], c.units() + c.bwUnits()})};
    } else {
      outs = new int[] {
        b.addTensor("fw_output", DataType.FLOAT32, new int[] {inShape[0], inShape[1], c.units()}),
        b.addTensor("bw_output", DataType.FLOAT32, new int[] {inShape[0], inShape[1], c.bwUnits()})
      };
    }
    b.addOperator(BuiltinOperator.BIDIRECTIONAL_SEQUENCE_RNN, version,
        new int[] {in, f[0], f[1], f[2], f[3], g[0], g[1], g[2], g[3], auxIn, fwAux, bwAux}, outs,
        BuiltinOptions.BidirectionalSequenceRNNOptions,
        fbb -> {
          fbb.startTable(4);
          fbb.addBoolean(3, c.asymmetric(), false);
          fbb.addBoolean(2, c.merge(), false);
          fbb.addByte(1, act, 0);
          fbb.addBoolean(0, c.timeMajor(), false);
          return fbb.endTable();
        });
    if (auxIn >= 0) {
      b.setInputs(in, auxIn);
    } else {
      b.setInputs(in);
    }
    return b.setOutputs(outs).build();
  }

  static byte[][][] stepInputs(Config c, long seed, int steps) {
    Random r = new Random(seed);
    int n = c.batch() * (c.kind() == 0 ? 1 : c.time()) * c.nInput();
    int count = c.aux() > 0 ? 2 : 1;
    byte[][][] all = new byte[steps][count][];
    for (int s = 0; s < steps; s++) {
      for (int k = 0; k < count; k++) {
        ByteBuffer bb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        boolean zeros = r.nextInt(6) == 0; // exercises the hybrid all-zero shortcut
        for (int i = 0; i < n; i++) {
          bb.putFloat(zeros ? 0f : (r.nextFloat() * 2 - 1) * 2f);
        }
        all[s][k] = bb.array();
      }
    }
    return all;
  }

  private static Config randomConfig(Random r, int kind, boolean hybrid) {
    int units = 1 + r.nextInt(12);
    return new Config(kind, 1 + r.nextInt(3), 1 + r.nextInt(5), 1 + r.nextInt(10), units,
        1 + r.nextInt(12), r.nextBoolean(), r.nextInt(6), hybrid, hybrid && r.nextBoolean(),
        r.nextBoolean(), kind == 2 ? r.nextInt(3) : 0);
  }

  private static void run(int kind, boolean hybrid, long seed, int cases) throws Exception {
    Random r = new Random(seed);
    for (int k = 0; k < cases; k++) {
      Config c = randomConfig(r, kind, hybrid);
      if (kind == 2 && hybrid) { // hybrid time-major: bidirectionalHybridTimeMajorMatchesTfLite
        c = new Config(c.kind(), c.batch(), c.time(), c.nInput(), c.units(), c.bwUnits(), false,
            c.activation(), true, c.asymmetric(), c.merge(), c.aux());
      }
      StatefulDiff.assertSequenceMatches(model(c, seed * 1000 + k), stepInputs(c, seed * 2000 + k, 4), k + " " + c);
    }
  }

  @Test
  void rnnFloatMatchesTfLite() throws Exception {
    run(0, false, 11, 30);
  }

  @Test
  void rnnHybridMatchesTfLite() throws Exception {
    run(0, true, 12, 30);
  }

  @Test
  void unidirectionalFloatMatchesTfLite() throws Exception {
    run(1, false, 13, 30);
  }

  @Test
  void unidirectionalHybridMatchesTfLite() throws Exception {
    run(1, true, 14, 30);
  }

  @Test
  void bidirectionalFloatMatchesTfLite() throws Exception {
    run(2, false, 15, 30);
  }

  @Test
  void bidirectionalHybridMatchesTfLite() throws Exception {
    run(2, true, 16, 30);
  }

  @Test
  void bidirectionalHybridTimeMajorMatchesTfLite() throws Exception {
    // TFLite 2.4.1 repeats the passes max_time times here; merged outputs with batch > 1 crash it
    // (and are rejected).
    Random r = new Random(17);
    for (int k = 0; k < 30; k++) {
      Config c = randomConfig(r, 2, true);
      c = new Config(2, c.batch(), c.time(), c.nInput(), c.units(), c.bwUnits(), true, c.activation(), true,
          c.asymmetric(), c.merge() && c.batch() == 1, c.aux());
      StatefulDiff.assertSequenceMatches(model(c, 17000 + k), stepInputs(c, 18000 + k, 3), k + " " + c);
    }
  }

  private static byte[] f32(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  private static float[] floatsOf(byte[] a) {
    ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[a.length / 4];
    for (int i = 0; i < f.length; i++) {
      f[i] = b.getFloat();
    }
    return f;
  }

  /** W = [[1, 2], [3, -4]], R = [[0.5, 0], [0, 1]], b = [0.5, -1], RELU. */
  private static int[] handCell(ModelBuilder b, String pfx) {
    return new int[] {
      b.addFloatConstant(pfx + "w", new int[] {2, 2}, 1, 2, 3, -4),
      b.addFloatConstant(pfx + "rw", new int[] {2, 2}, 0.5f, 0, 0, 1),
      b.addFloatConstant(pfx + "b", new int[] {2}, 0.5f, -1),
      b.addVariable(pfx + "h", DataType.FLOAT32, new int[] {1, 2}, Quantization.NONE)
    };
  }

  private static float[] runOnce(Interpreter it, byte[] input) throws Exception {
    it.copyInput(0, input);
    it.run();
    return floatsOf(it.outputBytes(0));
  }

  @Test
  void rnnHandChecked() throws Exception {
    ModelBuilder b = new ModelBuilder();
    int in = b.addTensor("input", DataType.FLOAT32, new int[] {1, 2});
    int out = b.addTensor("output", DataType.FLOAT32, new int[] {1, 2});
    int[] c = handCell(b, "");
    b.addOperator(BuiltinOperator.RNN, 1, new int[] {in, c[0], c[1], c[2], c[3]}, new int[] {out},
        BuiltinOptions.RNNOptions, fbb -> RNNOptions.createRNNOptions(fbb, (byte) ActivationFunctionType.RELU, false));
    CompiledModel m = CompiledModel.fromBuffer(b.setInputs(in).setOutputs(out).build(), InterpreterOptions.defaults());
    try (Interpreter it = m.newInterpreter()) {
      // h = relu([1 + 2, 3 - 4] + b) = [3.5, 0]; then relu([2, -4] + [1.75, 0] + b) = [4.25, 0].
      assertArrayEquals(new float[] {3.5f, 0f}, runOnce(it, f32(1, 1)), 1e-6f);
      assertArrayEquals(new float[] {4.25f, 0f}, runOnce(it, f32(0, 1)), 1e-6f);
    }
  }

  @Test
  void bidirectionalRnnHandChecked() throws Exception {
    ModelBuilder b = new ModelBuilder();
    int in = b.addTensor("input", DataType.FLOAT32, new int[] {1, 2, 2});
    int out = b.addTensor("output", DataType.FLOAT32, new int[] {1, 2, 4});
    int[] f = handCell(b, "fw_");
    int[] g = handCell(b, "bw_");
    b.addOperator(BuiltinOperator.BIDIRECTIONAL_SEQUENCE_RNN, 1,
        new int[] {in, f[0], f[1], f[2], f[3], g[0], g[1], g[2], g[3], -1, -1, -1}, new int[] {out},
        BuiltinOptions.BidirectionalSequenceRNNOptions,
        fbb -> {
          fbb.startTable(4);
          fbb.addBoolean(2, true, false);
          fbb.addByte(1, (byte) ActivationFunctionType.RELU, 0);
          return fbb.endTable();
        });
    CompiledModel m = CompiledModel.fromBuffer(b.setInputs(in).setOutputs(out).build(), InterpreterOptions.defaults());
    try (Interpreter it = m.newInterpreter()) {
      // Forward: [3.5, 0], [4.25, 0]. Backward from t = 1: [2.5, 0]; then t = 0: [4.75, 0].
      assertArrayEquals(new float[] {3.5f, 0f, 4.75f, 0f, 4.25f, 0f, 2.5f, 0f}, runOnce(it, f32(1, 1, 0, 1)), 1e-6f);
    }
  }
}
