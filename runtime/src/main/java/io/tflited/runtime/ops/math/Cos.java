package io.tflited.runtime.ops.math;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** COS (TFLite elementwise.cc): element-wise cos of a float32 tensor. */
public final class Cos implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return FloatMap.prepare(ctx, x -> (float) Math.cos(x));
  }
}
