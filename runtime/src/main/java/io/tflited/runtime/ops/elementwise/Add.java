package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.model.fb.AddOptions;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * ADD: float32, int32, int64, int8/uint8 (left shift 20 requantization), int16 (general
 * scales with left shift 15, or the power-of-two symmetric path), fused activation, NumPy
 * broadcasting up to rank 6.
 */
public final class Add implements OpKernel {
  public static final int INPUT1 = Binary.INPUT1;
  public static final int INPUT2 = Binary.INPUT2;
  public static final int OUTPUT = Binary.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    AddOptions o = ctx.options(BuiltinOptions.AddOptions, new AddOptions());
    return AddSub.prepare(ctx, false, o.fusedActivationFunction(), o.potScaleInt16());
  }
}
