package io.tflited.runtime.ops.math;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.math.MathKernels;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.GeluOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * GELU (current TFLite gelu.cc; absent from 2.4.1), float32 only: {@code 0.5 x (1 + erf(x /
 * sqrt 2))}, or with {@code approximate} {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715
 * x^3)))}.
 */
public final class Gelu implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    boolean approximate = ctx.options(BuiltinOptions.GeluOptions, new GeluOptions()).approximate();
    return approximate
        ? FloatMap.prepare(ctx, x -> MathKernels.gelu(x, true))
        : FloatMap.prepare(ctx, x -> MathKernels.gelu(x, false));
  }
}
