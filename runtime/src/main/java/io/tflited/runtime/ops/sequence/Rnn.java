package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.sequence.RnnCell;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.RNNOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * RNN (basic_rnn): one step of a fully connected recurrent cell, float32 or hybrid (float
 * activations, int8 weights), output [batch, units] = act(W x + R h + b); the hidden state is a
 * variable input updated in place.
 */
public final class Rnn implements OpKernel {
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
    RNNOptions opts = ctx.options(BuiltinOptions.RNNOptions, new RNNOptions());
    TensorSpec input = ctx.input(INPUT);
    ctx.requireType(input, "input", DataType.FLOAT32);
    ctx.requireRank(input, "input", 2);
    final int batch = input.dim(0);
    final int nInput = input.dim(1);
    final RnnCell.Params p = RnnSupport.cell(ctx, WEIGHTS, RECURRENT_WEIGHTS, BIAS, nInput,
        opts.fusedActivationFunction(), opts.asymmetricQuantizeInputs());
    final int units = p.nUnits;
    RnnSupport.checkState(ctx, HIDDEN_STATE, batch, units);
    ctx.setOutputShape(OUTPUT, batch, units);
    ctx.requireType(ctx.output(OUTPUT), "output", DataType.FLOAT32);
    // One time step.
    return RnnSupport.overTime(ctx, p, INPUT, HIDDEN_STATE, OUTPUT, nInput, batch, 1, true);
  }
}
