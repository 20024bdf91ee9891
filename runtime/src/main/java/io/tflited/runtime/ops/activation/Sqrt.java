package io.tflited.runtime.ops.activation;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.activation.FloatUnaryKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** SQRT (square root), float32 only as in TFLite 2.4.1. */
public final class Sqrt implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return FloatUnary.prepare(ctx, FloatUnaryKernels.SQRT);
  }
}
