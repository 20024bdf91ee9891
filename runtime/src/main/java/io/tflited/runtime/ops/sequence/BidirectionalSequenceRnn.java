package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.model.fb.BidirectionalSequenceRNNOptions;
import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.sequence.RnnCell;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * BIDIRECTIONAL_SEQUENCE_RNN: a forward RNN cell over time steps 0..T-1 and a backward cell over
 * T-1..0, float32 or hybrid int8 weights; with merge_outputs the backward units follow the forward
 * units in one output, else a second output. Auxiliary input: with aux weights both cells add
 * W_aux * aux (aux depth must equal input depth); without, it is the backward cell's input in
 * time-major models (TFLite 2.4.1 ignores it batch-major). Hybrid time-major models repeat both
 * passes max_time times as TFLite 2.4.1 does; merged ones with batch > 1 (which crash TFLite
 * 2.4.1) are not supported.
 */
public final class BidirectionalSequenceRnn implements OpKernel {
  public static final int INPUT = 0;
  public static final int FW_WEIGHTS = 1;
  public static final int FW_RECURRENT_WEIGHTS = 2;
  public static final int FW_BIAS = 3;
  public static final int FW_HIDDEN_STATE = 4;
  public static final int BW_WEIGHTS = 5;
  public static final int BW_RECURRENT_WEIGHTS = 6;
  public static final int BW_BIAS = 7;
  public static final int BW_HIDDEN_STATE = 8;
  public static final int AUX_INPUT = 9;
  public static final int FW_AUX_WEIGHTS = 10;
  public static final int BW_AUX_WEIGHTS = 11;
  public static final int FW_OUTPUT = 0;
  public static final int BW_OUTPUT = 1;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(12, 12);
    // Schema fields: time_major, fused_activation_function, merge_outputs, asymmetric_quantize_inputs.
    BidirectionalSequenceRNNOptions opts =
        ctx.options(BuiltinOptions.BidirectionalSequenceRNNOptions, new BidirectionalSequenceRNNOptions());
    final boolean timeMajor = opts.timeMajor();
    final int activation = opts.fusedActivationFunction();
    final boolean merge = opts.mergeOutputs();
    final boolean asymmetric = opts.asymmetricQuantizeInputs();
    ctx.checkOutputCount(merge ? 1 : 2, merge ? 1 : 2);
    final boolean hasAux = ctx.hasInput(AUX_INPUT);
    final boolean auxWeights = ctx.hasInput(FW_AUX_WEIGHTS);
    if (auxWeights != ctx.hasInput(BW_AUX_WEIGHTS) || (auxWeights && !hasAux)) {
      throw ctx.error("aux input weights need the aux input and must be both present or both absent");
    }
    TensorSpec input = ctx.input(INPUT);
    ctx.requireType(input, "input", DataType.FLOAT32);
    ctx.requireRank(input, "input", 3);
    final int batch = timeMajor ? input.dim(1) : input.dim(0);
    final int maxTime = timeMajor ? input.dim(0) : input.dim(1);
    final int nInput = input.dim(2);
    final RnnCell.Params fw =
        RnnSupport.cell(ctx, FW_WEIGHTS, FW_RECURRENT_WEIGHTS, FW_BIAS, nInput, activation, asymmetric);
    final RnnCell.Params bw =
        RnnSupport.cell(ctx, BW_WEIGHTS, BW_RECURRENT_WEIGHTS, BW_BIAS, nInput, activation, asymmetric);
    if (fw.hybrid != bw.hybrid) {
      throw ctx.error("forward and backward weights must have the same type");
    }
    // TFLite 2.4.1's hybrid time-major kernel runs both whole passes max_time times.
    final int repeats = fw.hybrid && timeMajor ? maxTime : 1;
    if (fw.hybrid && timeMajor && merge && batch > 1) {
      // There its per-row path offsets null zero-point pointers and crashes.
      throw ctx.error("hybrid time-major merged BIDIRECTIONAL_SEQUENCE_RNN with batch > 1 is not supported");
    }
    // With aux weights ("cross-linking"), both cells add W_aux * aux_input. Without them
    // ("non-stacking"), TFLite 2.4.1 feeds the aux input to the backward cell, but only in the
    // time-major loop: its batch-major loops read the regular input.
    int auxIndex = -1;
    if (hasAux) {
      TensorSpec aux = ctx.input(AUX_INPUT);
      ctx.requireType(aux, "aux_input", DataType.FLOAT32);
      ctx.requireRank(aux, "aux_input", 3);
      if (aux.dim(0) != input.dim(0) || aux.dim(1) != input.dim(1)) {
        throw ctx.error("aux_input must match the input's first two dimensions");
      }
      if (auxWeights) {
        if (aux.dim(2) != nInput) {
          // TFLite 2.4.1 steps through the aux input with the input's row size.
          throw ctx.error("aux_input depth " + aux.dim(2) + " != input depth " + nInput + " is not supported");
        }
        RnnSupport.auxWeights(ctx, FW_AUX_WEIGHTS, fw, aux.dim(2));
        RnnSupport.auxWeights(ctx, BW_AUX_WEIGHTS, bw, aux.dim(2));
      } else if (!java.util.Arrays.equals(aux.shape(), input.shape())) {
        throw ctx.error("aux_input must have the input's shape");
      }
      auxIndex = ctx.inputIndex(AUX_INPUT);
    }
    final int auxT = auxIndex;
    final boolean crossLinked = auxWeights;
    final boolean bwReadsAux = hasAux && !auxWeights && timeMajor;
    final int fwUnits = fw.nUnits;
    final int bwUnits = bw.nUnits;
    RnnSupport.checkState(ctx, FW_HIDDEN_STATE, batch, fwUnits);
    RnnSupport.checkState(ctx, BW_HIDDEN_STATE, batch, bwUnits);
    final int fwStep = merge ? fwUnits + bwUnits : fwUnits;
    final int bwStep = merge ? fwUnits + bwUnits : bwUnits;
    ctx.setOutputShape(FW_OUTPUT, input.dim(0), input.dim(1), fwStep);
    ctx.requireType(ctx.output(FW_OUTPUT), "fw_output", DataType.FLOAT32);
    if (!merge) {
      // TFLite 2.4.1 sizes the backward output [batch, time, units] whatever time_major says;
      // the data is laid out like the forward output.
      ctx.setOutputShape(BW_OUTPUT, batch, maxTime, bwUnits);
      ctx.requireType(ctx.output(BW_OUTPUT), "bw_output", DataType.FLOAT32);
    }
    final int in = ctx.inputIndex(INPUT);
    final int fwh = ctx.inputIndex(FW_HIDDEN_STATE);
    final int bwh = ctx.inputIndex(BW_HIDDEN_STATE);
    final int fwo = ctx.outputIndex(FW_OUTPUT);
    final int bwo = merge ? fwo : ctx.outputIndex(BW_OUTPUT);
    final int bwBase = merge ? fwUnits : 0;
    final int scratch = ctx.scratch(Math.max(RnnCell.scratchBytes(fw), RnnCell.scratchBytes(bw)));
    return ec -> {
      byte[] ia = ec.array(in);
      int io = ec.offset(in);
      byte[] xa = ec.array(scratch);
      int xo = ec.offset(scratch);
      byte[] fha = ec.array(fwh);
      int fho = ec.offset(fwh);
      byte[] bha = ec.array(bwh);
      int bho = ec.offset(bwh);
      byte[] foa = ec.array(fwo);
      int foo = ec.offset(fwo);
      byte[] boa = ec.array(bwo);
      int boo = ec.offset(bwo) + 4 * bwBase;
      byte[] aa = auxT >= 0 ? ec.array(auxT) : null;
      int ao = auxT >= 0 ? ec.offset(auxT) : 0;
      byte[] bia = bwReadsAux ? aa : ia;
      int bio = bwReadsAux ? ao : io;
      for (int rep = 0; rep < repeats; rep++) {
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < maxTime; t++) {
          int row = timeMajor ? t * batch + b : b * maxTime + t;
          RnnCell.step(fw, ia, io + 4 * row * nInput, aa, crossLinked ? ao + 4 * row * nInput : 0,
              fha, fho + 4 * b * fwUnits, foa, foo + 4 * row * fwStep, xa, xo);
        }
        for (int t = maxTime - 1; t >= 0; t--) {
          int row = timeMajor ? t * batch + b : b * maxTime + t;
          RnnCell.step(bw, bia, bio + 4 * row * nInput, aa, crossLinked ? ao + 4 * row * nInput : 0,
              bha, bho + 4 * b * bwUnits, boa, boo + 4 * row * bwStep, xa, xo);
        }
      }
      }
    };
  }
}
