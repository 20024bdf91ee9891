package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SubOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * SUB: float32, int32, int64, int8/uint8 (ADD's requantization with input 2's multiplier
 * negated), int16 (general or power-of-two), fused activation, broadcasting up to rank 6.
 */
public final class Sub implements OpKernel {
  public static final int INPUT1 = Binary.INPUT1;
  public static final int INPUT2 = Binary.INPUT2;
  public static final int OUTPUT = Binary.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    SubOptions o = ctx.options(BuiltinOptions.SubOptions, new SubOptions());
    return AddSub.prepare(ctx, true, o.fusedActivationFunction(), o.potScaleInt16());
  }
}
