package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** BIDIRECTIONAL_SEQUENCE_LSTM, float and hybrid, stateful, vs TFLite 2.4.1. */
class BidirectionalSequenceLstmTest {
  record Cell(int nCell, int nOutput, boolean cifg, boolean peephole, boolean projection,
      boolean projectionBias) {}

  record Config(int batch, int time, int nInput, Cell fw, Cell bw, boolean timeMajor, boolean merge,
      boolean hybrid, boolean asymmetric, boolean auxInput, float cellClip, float projClip,
      int activation, int auxDepth) {} // auxDepth: 0 non-stacking aux, -1 cross-linked aux weights

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

  private static int weights(ModelBuilder b, Random r, Config c, String name, int rows, int cols) {
    if (c.hybrid()) {
      return b.addConstant(name, DataType.INT8, new int[] {rows, cols}, Quantization.of(0.5f / 127, 0),
          randomBytes(r, rows * cols));
    }
    return b.addFloatConstant(name, new int[] {rows, cols}, floats(r, rows * cols, 0.5f));
  }

  /** Fills inputs[off + 1 .. off + 17] for one direction. */
  private static void cell(ModelBuilder b, Random r, Config c, Cell cell, String pfx, int[] inputs, int off) {
    for (int g = 0; g < 4; g++) {
      if (g == 0 && cell.cifg()) {
        continue;
      }
      String gn = pfx + new String[] {"input", "forget", "cell", "output"}[g];
      inputs[off + 1 + g] = weights(b, r, c, gn + "_iw", cell.nCell(), c.nInput());
      inputs[off + 5 + g] = weights(b, r, c, gn + "_rw", cell.nCell(), cell.nOutput());
      inputs[off + 12 + g] = b.addFloatConstant(gn + "_b", new int[] {cell.nCell()}, floats(r, cell.nCell(), 0.5f));
      if (cell.peephole() && g != 2) {
        int slot = off + 9 + (g == 3 ? 2 : g);
        inputs[slot] = c.hybrid()
            ? b.addConstant(gn + "_pw", DataType.INT8, new int[] {cell.nCell()}, Quantization.of(0.5f / 127, 0),
                randomBytes(r, cell.nCell()))
            : b.addFloatConstant(gn + "_pw", new int[] {cell.nCell()}, floats(r, cell.nCell(), 0.5f));
      }
    }
    if (cell.projection()) {
      inputs[off + 16] = weights(b, r, c, pfx + "proj_w", cell.nOutput(), cell.nCell());
      if (cell.projectionBias()) {
        inputs[off + 17] = b.addFloatConstant(pfx + "proj_b", new int[] {cell.nOutput()},
            floats(r, cell.nOutput(), 0.5f));
      }
    }
  }

  static ByteBuffer model(Config c, long seed) {
    Random r = new Random(seed);
    ModelBuilder b = new ModelBuilder();
    int[] inShape = c.timeMajor()
        ? new int[] {c.time(), c.batch(), c.nInput()} : new int[] {c.batch(), c.time(), c.nInput()};
    int[] inputs = new int[48];
    Arrays.fill(inputs, -1);
    int in = b.addTensor("input", DataType.FLOAT32, inShape);
    inputs[0] = in;
    cell(b, r, c, c.fw(), "fw_", inputs, 0);
    cell(b, r, c, c.bw(), "bw_", inputs, 17);
    inputs[35] = b.addVariable("fw_state", DataType.FLOAT32, new int[] {c.batch(), c.fw().nOutput()}, Quantization.NONE);
    inputs[36] = b.addVariable("fw_cell", DataType.FLOAT32, new int[] {c.batch(), c.fw().nCell()}, Quantization.NONE);
    inputs[37] = b.addVariable("bw_state", DataType.FLOAT32, new int[] {c.batch(), c.bw().nOutput()}, Quantization.NONE);
    inputs[38] = b.addVariable("bw_cell", DataType.FLOAT32, new int[] {c.batch(), c.bw().nCell()}, Quantization.NONE);
    int aux = -1;
    if (c.auxInput()) {
      int[] auxShape = inShape.clone();
      if (c.auxDepth() != 0) {
        int auxDepth = c.nInput(); // TFLite 2.4.1 steps the aux input by the input's depth
        // Cross-linking: aux weights [n_cell, aux depth] per gate and direction.
        for (int d = 0; d < 2; d++) {
          Cell cell = d == 0 ? c.fw() : c.bw();
          for (int g = cell.cifg() ? 1 : 0; g < 4; g++) {
            inputs[40 + 4 * d + g] = weights(b, r, c, "aux_w" + d + g, cell.nCell(), auxDepth);
          }
        }
      }
      aux = b.addTensor("aux_input", DataType.FLOAT32, auxShape);
      inputs[39] = aux;
    }
    int[] outs;
    if (c.merge()) {
      outs = new int[] {b.addTensor("output", DataType.FLOAT32,
          new int[] {inShape[0], inShape[1], c.fw().nOutput() + c.bw().nOutput()})};
    } else {
      outs = new int[] {
        b.addTensor("fw_output", DataType.FLOAT32, new int[] {inShape[0], inShape[1], c.fw().nOutput()}),
        b.addTensor("bw_output", DataType.FLOAT32, new int[] {inShape[0], inShape[1], c.bw().nOutput()})
      };
    }
    b.addOperator(BuiltinOperator.BIDIRECTIONAL_SEQUENCE_LSTM, c.hybrid() ? 3 : 1, inputs, outs,
        BuiltinOptions.BidirectionalSequenceLSTMOptions,
        fbb -> {
          fbb.startTable(6);
          fbb.addFloat(1, c.cellClip(), 0f);
          fbb.addFloat(2, c.projClip(), 0f);
          fbb.addBoolean(5, c.asymmetric(), false);
          fbb.addBoolean(4, c.timeMajor(), true);
          fbb.addBoolean(3, c.merge(), false);
          fbb.addByte(0, (byte) c.activation(), 0);
          return fbb.endTable();
        });
    if (c.auxInput()) {
      b.setInputs(in, aux);
    } else {
      b.setInputs(in);
    }
    return b.setOutputs(outs).build();
  }

  static byte[][][] stepInputs(Config c, long seed, int steps) {
    Random r = new Random(seed);
    int count = c.auxInput() ? 2 : 1;
    byte[][][] all = new byte[steps][count][];
    for (int s = 0; s < steps; s++) {
      for (int k = 0; k < count; k++) {
        int n = c.batch() * c.time() * c.nInput();
        ByteBuffer bb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          bb.putFloat((r.nextFloat() * 2 - 1) * 2f);
        }
        all[s][k] = bb.array();
      }
    }
    return all;
  }

  private static Cell randomCell(Random r) {
    int nCell = 1 + r.nextInt(10);
    boolean projection = r.nextBoolean();
    int nOutput = projection ? 1 + r.nextInt(nCell) : nCell;
    return new Cell(nCell, nOutput, r.nextInt(3) == 0, r.nextInt(3) == 0, projection,
        projection && r.nextBoolean());
  }

  private static Config randomConfig(Random r, boolean hybrid) {
    boolean projection = r.nextBoolean();
    Cell fw = randomCell(r);
    // TFLite 2.4.1 checks the backward weights against the forward n_cell and n_output.
    boolean bwProjection = fw.nOutput() != fw.nCell() || r.nextBoolean();
    Cell bw = new Cell(fw.nCell(), fw.nOutput(), r.nextInt(3) == 0, r.nextInt(3) == 0, bwProjection,
        bwProjection && r.nextBoolean());
    int batch = 1 + r.nextInt(3);
    boolean timeMajor = r.nextBoolean();
    // Merged batch-major outputs with batch > 1 are rejected (TFLite 2.4.1 reads out of bounds).
    boolean merge = r.nextBoolean() && (timeMajor || hybrid || batch == 1);
    // Hybrid kernels run batch-major inputs as time-major (TFLite 2.4.1); time <= batch keeps
    // that within the states.
    int time = hybrid && !timeMajor ? 1 + r.nextInt(batch) : 1 + r.nextInt(5);
    return new Config(batch, time, 1 + r.nextInt(8), fw, bw, timeMajor, merge, hybrid, hybrid && r.nextBoolean(), r.nextInt(4) == 0,
        r.nextInt(3) == 0 ? 0.5f + r.nextFloat() * 3 : 0f, projection && r.nextInt(3) == 0 ? 0.1f + r.nextFloat() : 0f,
        r.nextInt(5) == 0 ? ActivationFunctionType.RELU : ActivationFunctionType.TANH,
        r.nextBoolean() ? -1 : 0);
  }

  private static void run(boolean hybrid, long seed, int cases) throws Exception {
    Random r = new Random(seed);
    for (int k = 0; k < cases; k++) {
      Config c = randomConfig(r, hybrid);
      StatefulDiff.assertSequenceMatches(model(c, seed * 1000 + k), stepInputs(c, seed * 2000 + k, 3), k + " " + c);
    }
  }

  @Test
  void floatMatchesTfLite() throws Exception {
    run(false, 21, 40);
  }

  @Test
  void hybridMatchesTfLite() throws Exception {
    run(true, 22, 40);
  }
}
