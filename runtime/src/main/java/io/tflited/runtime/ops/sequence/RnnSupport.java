package io.tflited.runtime.ops.sequence;

import static io.tflited.runtime.ops.sequence.UnidirectionalSequenceLstm.floats;
import static io.tflited.runtime.ops.sequence.UnidirectionalSequenceLstm.int8s;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.sequence.HybridQuant;
import io.tflited.runtime.kernels.sequence.RnnCell;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** Shared prepare-time validation and weight packing of the RNN family. */
final class RnnSupport {
  private RnnSupport() {}

  /**
   * Validates and packs one RNN cell: weights [units, nInput], recurrent weights [units, units],
   * bias [units] (float), all float or all int8 (hybrid).
   */
  static RnnCell.Params cell(
      PrepareContext ctx, int weightsSlot, int recurrentSlot, int biasSlot, int nInput,
      int activation, boolean asymmetric) throws ModelException {
    if (activation < ActivationFunctionType.NONE || activation > ActivationFunctionType.SIGN_BIT) {
      throw ctx.error("unsupported fused activation " + activation);
    }
    TensorSpec w = ctx.input(weightsSlot);
    TensorSpec r = ctx.input(recurrentSlot);
    TensorSpec b = ctx.input(biasSlot);
    ctx.requireRank(w, "input weights", 2);
    ctx.requireRank(r, "recurrent weights", 2);
    ctx.requireRank(b, "bias", 1);
    ctx.requireType(w, "input weights", DataType.FLOAT32, DataType.INT8);
    ctx.requireType(b, "bias", DataType.FLOAT32);
    if (r.type() != w.type()) {
      throw ctx.error("input and recurrent weights types differ: " + w.type() + " vs " + r.type());
    }
    final int units = w.dim(0);
    if (w.dim(1) != nInput) {
      throw ctx.error("input weights have " + w.dim(1) + " columns, input has " + nInput);
    }
    if (b.dim(0) != units || r.dim(0) != units || r.dim(1) != units) {
      throw ctx.error("bias and recurrent weights must match num_units " + units);
    }
    RnnCell.Params p = new RnnCell.Params();
    p.nInput = nInput;
    p.nUnits = units;
    p.activation = activation;
    p.bias = floats(ctx, biasSlot);
    if (w.type() == DataType.FLOAT32) {
      p.inputWeights = floats(ctx, weightsSlot);
      p.recurrentWeights = floats(ctx, recurrentSlot);
    } else {
      p.hybrid = true;
      p.asymmetric = asymmetric;
      p.inputWeightsQ = int8s(ctx, weightsSlot);
      p.recurrentWeightsQ = int8s(ctx, recurrentSlot);
      p.inputScale = w.scale();
      p.recurrentScale = r.scale();
      p.inputRowSums = HybridQuant.rowSums(p.inputWeightsQ, units, nInput);
      p.recurrentRowSums = HybridQuant.rowSums(p.recurrentWeightsQ, units, units);
    }
    return p;
  }

  /** Adds auxiliary-input weights [units, nAux] of the cell's type to p. */
  static void auxWeights(PrepareContext ctx, int slot, RnnCell.Params p, int nAux) throws ModelException {
    TensorSpec w = ctx.input(slot);
    ctx.requireRank(w, "aux input weights", 2);
    if (w.dim(0) != p.nUnits || w.dim(1) != nAux) {
      throw ctx.error("aux input weights must be [" + p.nUnits + ", " + nAux + "]");
    }
    p.nAux = nAux;
    if (p.hybrid) {
      p.auxWeightsQ = int8s(ctx, slot);
      p.auxScale = w.scale();
      p.auxRowSums = HybridQuant.rowSums(p.auxWeightsQ, p.nUnits, nAux);
    } else {
      p.auxWeights = floats(ctx, slot);
    }
  }

  /**
   * The eval of a unidirectional RNN: the cell run over {@code maxTime} steps of a
   * [time, batch, input] ({@code timeMajor}) or [batch, time, input] input, each batch row's
   * hidden state updated in place and written to the output row of that step (RNN: one step).
   */
  static PreparedOp overTime(
      PrepareContext ctx, RnnCell.Params p, int inputSlot, int stateSlot, int outputSlot,
      int nInput, int batch, int maxTime, boolean timeMajor) throws ModelException {
    final int units = p.nUnits;
    final int in = ctx.inputIndex(inputSlot);
    final int hs = ctx.inputIndex(stateSlot);
    final int out = ctx.outputIndex(outputSlot);
    final int scratch = ctx.scratch(RnnCell.scratchBytes(p));
    return ec -> {
      byte[] ia = ec.array(in);
      int io = ec.offset(in);
      byte[] ha = ec.array(hs);
      int ho = ec.offset(hs);
      byte[] oa = ec.array(out);
      int oo = ec.offset(out);
      byte[] xa = ec.array(scratch);
      int xo = ec.offset(scratch);
      for (int t = 0; t < maxTime; t++) {
        for (int b = 0; b < batch; b++) {
          int row = timeMajor ? t * batch + b : b * maxTime + t;
          RnnCell.step(p, ia, io + 4 * row * nInput, ha, ho + 4 * b * units, oa,
              oo + 4 * row * units, xa, xo);
        }
      }
    };
  }

  /** The hidden state: a float variable of shape [batch, units]. */
  static void checkState(PrepareContext ctx, int slot, int batch, int units) throws ModelException {
    TensorSpec h = ctx.input(slot);
    ctx.requireType(h, "hidden state", DataType.FLOAT32);
    if (!h.isVariable()) {
      throw ctx.error("hidden state must be a variable tensor");
    }
    if (h.rank() != 2 || h.dim(0) != batch || h.dim(1) != units) {
      throw ctx.error("hidden state must have shape [" + batch + ", " + units + "]");
    }
  }
}
