package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.sequence.RnnCell;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SequenceRNNOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * UNIDIRECTIONAL_SEQUENCE_RNN: the basic RNN cell run over the time axis of a [time, batch,
 * input] (time_major) or [batch, time, input] input; float32 or hybrid int8 weights.
 */
public final class UnidirectionalSequenceRnn implements OpKernel {
  public static final int INPUT = 0;
  public static final int WEIGHTS = 1;
  public static final int RECURRENT_WEIGHTS = 2;
  public static final int BIAS = 3;
  public static final int HIDDEN_STATE = 4;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(5, 5);
    ctx.checkOutputCount(1, 1);
    SequenceRNNOptions opts = ctx.options(BuiltinOptions.SequenceRNNOptions, new SequenceRNNOptions());
    final boolean timeMajor = opts.timeMajor();
    TensorSpec input = ctx.input(INPUT);
    ctx.requireType(input, "input", DataType.FLOAT32);
    ctx.requireRank(input, "input", 3);
    final int batch = timeMajor ? input.dim(1) : input.dim(0);
    final int maxTime = timeMajor ? input.dim(0) : input.dim(1);
    final int nInput = input.dim(2);
    final RnnCell.Params p = RnnSupport.cell(ctx, WEIGHTS, RECURRENT_WEIGHTS, BIAS, nInput,
        opts.fusedActivationFunction(), opts.asymmetricQuantizeInputs());
    final int units = p.nUnits;
    RnnSupport.checkState(ctx, HIDDEN_STATE, batch, units);
    ctx.setOutputShape(OUTPUT, input.dim(0), input.dim(1), units);
    ctx.requireType(ctx.output(OUTPUT), "output", DataType.FLOAT32);
    return RnnSupport.overTime(
        ctx, p, INPUT, HIDDEN_STATE, OUTPUT, nInput, batch, maxTime, timeMajor);
  }
}
