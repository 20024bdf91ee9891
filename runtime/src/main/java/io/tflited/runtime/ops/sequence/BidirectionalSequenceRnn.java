package io.tflited.runtime.ops.sequence;

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
 * units in one output, else a second output. The auxiliary input (inputs 9-11) and hybrid
 * time-major models are not supported.
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
    RawOptions opts = ctx.options(BuiltinOptions.BidirectionalSequenceRNNOptions, new RawOptions());
    final boolean timeMajor = opts.bool(0, false);
    final int activation = opts.int8(1, (byte) 0);
    final boolean merge = opts.bool(2, false);
    final boolean asymmetric = opts.bool(3, false);
    ctx.checkOutputCount(merge ? 1 : 2, merge ? 1 : 2);
    if (ctx.hasInput(AUX_INPUT) || ctx.hasInput(FW_AUX_WEIGHTS) || ctx.hasInput(BW_AUX_WEIGHTS)) {
      throw ctx.error("the auxiliary input is not supported");
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
    if (fw.hybrid && timeMajor) {
      // TFLite 2.4.1's hybrid time-major kernel repeats the whole sequence max_time times (and
      // crashes on some shapes); that behaviour is not reproduced.
      throw ctx.error("hybrid time-major BIDIRECTIONAL_SEQUENCE_RNN is not supported");
    }
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
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < maxTime; t++) {
          int row = timeMajor ? t * batch + b : b * maxTime + t;
          RnnCell.step(fw, ia, io + 4 * row * nInput, fha, fho + 4 * b * fwUnits,
              foa, foo + 4 * row * fwStep, xa, xo);
        }
        for (int t = maxTime - 1; t >= 0; t--) {
          int row = timeMajor ? t * batch + b : b * maxTime + t;
          RnnCell.step(bw, ia, io + 4 * row * nInput, bha, bho + 4 * b * bwUnits,
              boa, boo + 4 * row * bwStep, xa, xo);
        }
      }
    };
  }
}
