package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.model.fb.BidirectionalSequenceLSTMOptions;
import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.sequence.HybridQuant;
import io.tflited.runtime.kernels.sequence.LstmFloat;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * BIDIRECTIONAL_SEQUENCE_LSTM, float32 and hybrid (int8 weights): a forward LSTM over time steps
 * 0..T-1 and a backward LSTM over T-1..0, each with optional CIFG, peephole and projection; with
 * merge_outputs the backward outputs follow the forward ones in a single output. An auxiliary
 * input without auxiliary weights (non-stacking mode) feeds the backward cell; with auxiliary
 * weights (cross-linking) both cells add W_aux * aux_input. Not supported: merged outputs of a
 * batch-major float input with batch > 1, and hybrid batch-major inputs with time > batch (TFLite
 * 2.4.1 reads states out of bounds there). Hybrid models always run time-major, as in TFLite 2.4.1.
 */
public final class BidirectionalSequenceLstm implements OpKernel {
  public static final int INPUT = 0;
  /** Slot of a forward-cell tensor in UnidirectionalSequenceLstm numbering (1..17); backward +17. */
  public static final int BW_OFFSET = 17;
  public static final int FW_OUTPUT_STATE = 35;
  public static final int FW_CELL_STATE = 36;
  public static final int BW_OUTPUT_STATE = 37;
  public static final int BW_CELL_STATE = 38;
  public static final int AUX_INPUT = 39;
  public static final int FIRST_AUX_WEIGHTS = 40;
  public static final int FW_OUTPUT = 0;
  public static final int BW_OUTPUT = 1;

  private static final int[] INPUT_WEIGHTS = {1, 2, 3, 4};
  private static final int[] RECURRENT_WEIGHTS = {5, 6, 7, 8};
  private static final int[] CELL_WEIGHTS = {9, 10, -1, 11};
  private static final int[] BIASES = {12, 13, 14, 15};
  private static final int PROJECTION_WEIGHTS = 16;
  private static final int PROJECTION_BIAS = 17;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(48, 48);
    // Schema fields: fused_activation_function, cell_clip, proj_clip, merge_outputs,
    // time_major (default true), asymmetric_quantize_inputs.
    BidirectionalSequenceLSTMOptions opts =
        ctx.options(BuiltinOptions.BidirectionalSequenceLSTMOptions, new BidirectionalSequenceLSTMOptions());
    final int activation = opts.fusedActivationFunction();
    final float cellClip = opts.cellClip();
    final float projClip = opts.projClip();
    final boolean merge = opts.mergeOutputs();
    final boolean timeMajor = opts.timeMajor();
    final boolean asymmetric = opts.asymmetricQuantizeInputs();
    if (!(cellClip >= 0) || !(projClip >= 0)) {
      throw ctx.error("cell_clip and proj_clip must be >= 0");
    }
    ctx.checkOutputCount(merge ? 1 : 2, merge ? 1 : 2);
    // Aux weights (forget, cell, output of both directions) all present or all absent.
    final boolean auxWeights = ctx.hasInput(FIRST_AUX_WEIGHTS + 1);
    for (int g = 1; g < 4; g++) {
      if (ctx.hasInput(FIRST_AUX_WEIGHTS + g) != auxWeights || ctx.hasInput(FIRST_AUX_WEIGHTS + 4 + g) != auxWeights) {
        throw ctx.error("auxiliary input weights must be all present or all absent");
      }
    }
    TensorSpec input = ctx.input(INPUT);
    ctx.requireType(input, "input", DataType.FLOAT32);
    ctx.requireRank(input, "input", 3);
    final int nInput = input.dim(2);
    final int stateBatch = timeMajor ? input.dim(1) : input.dim(0);
    // TFLite 2.4.1 runs the hybrid kernel as time-major whatever time_major says: a batch-major
    // [B, T, I] input is then a sequence of B steps of T rows, using T rows of the [B, ...] states.
    final boolean hybridModel = ctx.input(INPUT_WEIGHTS[3]).type() != DataType.FLOAT32;
    final boolean evalTimeMajor = timeMajor || hybridModel;
    final int maxTime = evalTimeMajor ? input.dim(0) : input.dim(1);
    final int nBatch = evalTimeMajor ? input.dim(1) : input.dim(0);
    if (nBatch > stateBatch) {
      throw ctx.error("hybrid batch-major input with time " + nBatch + " > batch " + stateBatch
          + " is not supported (TFLite 2.4.1 reads the states out of bounds)");
    }
    if (merge && !evalTimeMajor && nBatch > 1) {
      // TFLite 2.4.1 offsets batch b's state by b * (n_fw_output + n_bw_output) here, past the
      // end of the state tensors; that undefined behaviour is not reproduced.
      throw ctx.error("merge_outputs with batch-major input and batch > 1 is not supported");
    }
    // Non-stacking mode (aux input, no aux weights): the aux input is the backward cell's input.
    // Cross-linking (aux weights): both cells read the input and add W_aux * aux_input.
    final boolean hasAux = ctx.hasInput(AUX_INPUT);
    final boolean bwFromAux = hasAux && !auxWeights;
    if (auxWeights && !hasAux) {
      throw ctx.error("auxiliary input weights without an auxiliary input");
    }
    int nAux = 0;
    if (hasAux) {
      TensorSpec aux = ctx.input(AUX_INPUT);
      ctx.requireType(aux, "aux_input", DataType.FLOAT32);
      ctx.requireRank(aux, "aux_input", 3);
      if (bwFromAux ? !java.util.Arrays.equals(aux.shape(), input.shape())
          : aux.dim(0) != input.dim(0) || aux.dim(1) != input.dim(1)) {
        throw ctx.error("aux_input shape " + java.util.Arrays.toString(aux.shape()) + " does not fit the input");
      }
      nAux = aux.dim(2);
      if (auxWeights && nAux != nInput) {
        // TFLite 2.4.1 steps through the aux input with the input's row size.
        throw ctx.error("aux_input depth " + nAux + " != input depth " + nInput + " is not supported");
      }
    }
    final LstmFloat.Params fw = cell(ctx, 0, nInput, activation, cellClip, projClip, asymmetric);
    final LstmFloat.Params bw = cell(ctx, BW_OFFSET, nInput, activation, cellClip, projClip, asymmetric);
    if (auxWeights) {
      auxWeights(ctx, FIRST_AUX_WEIGHTS, fw, nAux);
      auxWeights(ctx, FIRST_AUX_WEIGHTS + 4, bw, nAux);
    }
    final int auxStep = nAux;
    if (bw.nCell != fw.nCell || bw.nOutput != fw.nOutput) {
      // TFLite 2.4.1 validates the backward weights against the forward sizes.
      throw ctx.error("backward n_cell/n_output " + bw.nCell + "/" + bw.nOutput
          + " differ from forward " + fw.nCell + "/" + fw.nOutput);
    }
    checkStates(ctx, FW_OUTPUT_STATE, FW_CELL_STATE, stateBatch, fw);
    checkStates(ctx, BW_OUTPUT_STATE, BW_CELL_STATE, stateBatch, bw);
    final int fwStep = merge ? fw.nOutput + bw.nOutput : fw.nOutput;
    final int bwStep = merge ? fwStep : bw.nOutput;
    ctx.setOutputShape(FW_OUTPUT, input.dim(0), input.dim(1), fwStep);
    ctx.requireType(ctx.output(FW_OUTPUT), "fw_output", DataType.FLOAT32);
    if (!merge) {
      ctx.setOutputShape(BW_OUTPUT, input.dim(0), input.dim(1), bwStep);
      ctx.requireType(ctx.output(BW_OUTPUT), "bw_output", DataType.FLOAT32);
    }
    final int in = ctx.inputIndex(INPUT);
    final int bwIn = bwFromAux ? ctx.inputIndex(AUX_INPUT) : in;
    final int auxIn = auxWeights ? ctx.inputIndex(AUX_INPUT) : -1;
    final int fwSt = ctx.inputIndex(FW_OUTPUT_STATE);
    final int fwCs = ctx.inputIndex(FW_CELL_STATE);
    final int bwSt = ctx.inputIndex(BW_OUTPUT_STATE);
    final int bwCs = ctx.inputIndex(BW_CELL_STATE);
    final int fwOut = ctx.outputIndex(FW_OUTPUT);
    final int bwOut = merge ? fwOut : ctx.outputIndex(BW_OUTPUT);
    final int bwBase = merge ? fw.nOutput : 0;
    final int scratch = ctx.scratch(Math.max(LstmFloat.scratchBytes(fw), LstmFloat.scratchBytes(bw)));
    return ec -> {
      byte[] xa = ec.array(scratch);
      int xo = ec.offset(scratch);
      byte[] aa = auxIn >= 0 ? ec.array(auxIn) : null;
      int ao = auxIn >= 0 ? ec.offset(auxIn) : 0;
      run(fw, true, evalTimeMajor, maxTime, nBatch, nInput, ec.array(in), ec.offset(in), aa, ao, auxStep,
          ec.array(fwSt), ec.offset(fwSt), ec.array(fwCs), ec.offset(fwCs),
          ec.array(fwOut), ec.offset(fwOut), fwStep, xa, xo);
      run(bw, false, evalTimeMajor, maxTime, nBatch, nInput, ec.array(bwIn), ec.offset(bwIn), aa, ao, auxStep,
          ec.array(bwSt), ec.offset(bwSt), ec.array(bwCs), ec.offset(bwCs),
          ec.array(bwOut), ec.offset(bwOut) + 4 * bwBase, bwStep, xa, xo);
    };
  }

  /** One direction over the whole sequence, one batch row at a time (rows are independent). */
  private static void run(LstmFloat.Params p, boolean forward, boolean timeMajor, int maxTime,
      int nBatch, int nInput, byte[] ia, int io, byte[] aa, int ao, int nAux, byte[] sa, int so, byte[] ca, int co,
      byte[] oa, int oo, int outStep, byte[] xa, int xo) {
    for (int b = 0; b < nBatch; b++) {
      for (int i = 0; i < maxTime; i++) {
        int t = forward ? i : maxTime - 1 - i;
        int row = timeMajor ? t * nBatch + b : b * maxTime + t;
        LstmFloat.step(p, ia, io + 4 * row * nInput, aa, ao + 4 * row * nAux, sa, so + 4 * b * p.nOutput,
            ca, co + 4 * b * p.nCell, oa, oo + 4 * row * outStep, xa, xo);
      }
    }
  }

  /** Aux weights [n_cell, nAux] per gate (slot + gate; no input gate with CIFG). */
  private static void auxWeights(PrepareContext ctx, int first, LstmFloat.Params p, int nAux)
      throws ModelException {
    p.nAux = nAux;
    for (int g = 0; g < 4; g++) {
      if (g == 0 && p.useCifg) {
        continue;
      }
      int slot = first + g;
      UnidirectionalSequenceLstm.checkShape(ctx, slot, p.nCell, nAux);
      if (p.hybrid) {
        p.auxWeightsQ[g] = UnidirectionalSequenceLstm.int8s(ctx, slot);
        p.auxScales[g] = ctx.input(slot).scale();
        p.auxRowSums[g] = HybridQuant.rowSums(p.auxWeightsQ[g], p.nCell, nAux);
      } else {
        p.auxWeights[g] = UnidirectionalSequenceLstm.floats(ctx, slot);
      }
    }
  }

  private static void checkStates(PrepareContext ctx, int stateSlot, int cellSlot, int nBatch,
      LstmFloat.Params p) throws ModelException {
    TensorSpec st = ctx.input(stateSlot);
    TensorSpec cs = ctx.input(cellSlot);
    if (!st.isVariable() || !cs.isVariable()) {
      throw ctx.error("output and cell states must be variable tensors");
    }
    ctx.requireType(st, "output_state", DataType.FLOAT32);
    ctx.requireType(cs, "cell_state", DataType.FLOAT32);
    if (st.elementCount() != (long) nBatch * p.nOutput || cs.elementCount() != (long) nBatch * p.nCell) {
      throw ctx.error("state sizes must be [" + nBatch + ", " + p.nOutput + "] and [" + nBatch + ", "
          + p.nCell + "]");
    }
  }

  /** Validates and packs one direction's cell; slots are offset by {@code off}. */
  private static LstmFloat.Params cell(PrepareContext ctx, int off, int nInput, int activation,
      float cellClip, float projClip, boolean asymmetric) throws ModelException {
    TensorSpec i2o = ctx.input(INPUT_WEIGHTS[3] + off);
    ctx.requireRank(i2o, "input_to_output_weights", 2);
    final int nCell = i2o.dim(0);
    if (i2o.dim(1) != nInput) {
      throw ctx.error("input_to_output_weights has " + i2o.dim(1) + " columns, input has " + nInput);
    }
    TensorSpec r2o = ctx.input(RECURRENT_WEIGHTS[3] + off);
    ctx.requireRank(r2o, "recurrent_to_output_weights", 2);
    if (r2o.dim(0) != nCell) {
      throw ctx.error("recurrent_to_output_weights rows " + r2o.dim(0) + " != n_cell " + nCell);
    }
    final int nOutput = r2o.dim(1);
    boolean useCifg = !ctx.hasInput(INPUT_WEIGHTS[0] + off);
    if (useCifg == ctx.hasInput(RECURRENT_WEIGHTS[0] + off)) {
      throw ctx.error("input-gate weights must be all present or all absent (CIFG)");
    }
    boolean usePeephole = ctx.hasInput(CELL_WEIGHTS[3] + off);
    if (usePeephole != ctx.hasInput(CELL_WEIGHTS[1] + off)
        || (!useCifg && usePeephole != ctx.hasInput(CELL_WEIGHTS[0] + off))
        || (useCifg && ctx.hasInput(CELL_WEIGHTS[0] + off) && !usePeephole)) {
      throw ctx.error("peephole weights must be all present or all absent");
    }
    if (useCifg && ctx.hasInput(BIASES[0] + off)) {
      throw ctx.error("CIFG LSTM must not have an input gate bias");
    }
    boolean useProjection = ctx.hasInput(PROJECTION_WEIGHTS + off);
    if (!useProjection && ctx.hasInput(PROJECTION_BIAS + off)) {
      throw ctx.error("projection bias without projection weights");
    }
    if (!useProjection && nOutput != nCell) {
      throw ctx.error("n_output " + nOutput + " != n_cell " + nCell + " without projection");
    }
    final boolean hybrid = i2o.type() != DataType.FLOAT32;
    if (hybrid) {
      ctx.requireType(i2o, "input_to_output_weights", DataType.INT8);
    }
    LstmFloat.Params p = new LstmFloat.Params();
    p.nInput = nInput;
    p.nCell = nCell;
    p.nOutput = nOutput;
    p.useCifg = useCifg;
    p.usePeephole = usePeephole;
    p.useProjection = useProjection;
    p.activation = activation;
    p.cellClip = cellClip;
    p.projClip = projClip;
    p.hybrid = hybrid;
    p.asymmetric = hybrid && asymmetric;
    for (int g = 0; g < 4; g++) {
      if (g == 0 && useCifg) {
        continue;
      }
      int iw = INPUT_WEIGHTS[g] + off;
      int rw = RECURRENT_WEIGHTS[g] + off;
      UnidirectionalSequenceLstm.checkShape(ctx, iw, nCell, nInput);
      UnidirectionalSequenceLstm.checkShape(ctx, rw, nCell, nOutput);
      UnidirectionalSequenceLstm.checkShape(ctx, BIASES[g] + off, nCell);
      if (hybrid) {
        p.inputWeightsQ[g] = UnidirectionalSequenceLstm.int8s(ctx, iw);
        p.inputScales[g] = ctx.input(iw).scale();
        p.inputRowSums[g] = HybridQuant.rowSums(p.inputWeightsQ[g], nCell, nInput);
        p.recurrentWeightsQ[g] = UnidirectionalSequenceLstm.int8s(ctx, rw);
        p.recurrentScales[g] = ctx.input(rw).scale();
        p.recurrentRowSums[g] = HybridQuant.rowSums(p.recurrentWeightsQ[g], nCell, nOutput);
      } else {
        p.inputWeights[g] = UnidirectionalSequenceLstm.floats(ctx, iw);
        p.recurrentWeights[g] = UnidirectionalSequenceLstm.floats(ctx, rw);
      }
      p.bias[g] = UnidirectionalSequenceLstm.floats(ctx, BIASES[g] + off);
      if (usePeephole && CELL_WEIGHTS[g] >= 0) {
        int cw = CELL_WEIGHTS[g] + off;
        UnidirectionalSequenceLstm.checkShape(ctx, cw, nCell);
        if (hybrid) {
          byte[] w = UnidirectionalSequenceLstm.int8s(ctx, cw);
          float scale = ctx.input(cw).scale();
          p.cellWeights[g] = new float[w.length];
          for (int i = 0; i < w.length; i++) {
            p.cellWeights[g][i] = scale * w[i];
          }
        } else {
          p.cellWeights[g] = UnidirectionalSequenceLstm.floats(ctx, cw);
        }
      }
    }
    if (useProjection) {
      int pw = PROJECTION_WEIGHTS + off;
      UnidirectionalSequenceLstm.checkShape(ctx, pw, nOutput, nCell);
      if (hybrid) {
        p.projectionWeightsQ = UnidirectionalSequenceLstm.int8s(ctx, pw);
        p.projectionScale = ctx.input(pw).scale();
        p.projectionRowSums = HybridQuant.rowSums(p.projectionWeightsQ, nOutput, nCell);
      } else {
        p.projectionWeights = UnidirectionalSequenceLstm.floats(ctx, pw);
      }
      if (ctx.hasInput(PROJECTION_BIAS + off)) {
        UnidirectionalSequenceLstm.checkShape(ctx, PROJECTION_BIAS + off, nOutput);
        p.projectionBias = UnidirectionalSequenceLstm.floats(ctx, PROJECTION_BIAS + off);
      }
    }
    return p;
  }
}
