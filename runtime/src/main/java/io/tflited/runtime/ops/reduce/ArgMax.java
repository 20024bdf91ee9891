package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.fb.ArgMaxOptions;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * ARG_MAX: index of the first greatest value along a constant axis (negative counts from the end).
 * Input float32, uint8, int8, int32; output int32 or int64 as output_type.
 */
public final class ArgMax implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int outputType = ctx.options(BuiltinOptions.ArgMaxOptions, new ArgMaxOptions()).outputType();
    return ArgMinMax.prepare(ctx, true, outputType);
  }
}
