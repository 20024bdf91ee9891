package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.LSTMKernelType;
import io.tflited.runtime.model.fb.LSTMOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * LSTM with kernel_type FULL: one time step of the LSTM cell of UNIDIRECTIONAL_SEQUENCE_LSTM on an
 * input [batch, input] (same 20 or 24 inputs, variable output and cell states): float32, hybrid
 * (int8 weights) and full-integer 8x8_16. The BASIC kernel type is not supported.
 */
public final class Lstm implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    LSTMOptions opts = ctx.options(BuiltinOptions.LSTMOptions, new LSTMOptions());
    if (opts.kernelType() != LSTMKernelType.FULL) {
      throw ctx.error("kernel_type BASIC is not supported");
    }
    return UnidirectionalSequenceLstm.prepareLstm(ctx, false, true, opts.fusedActivationFunction(),
        opts.cellClip(), opts.projClip(), opts.asymmetricQuantizeInputs());
  }
}
