package io.tflited.runtime.ops.activation;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.activation.FloatUnaryKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * RELU_N1_TO_1: min(max(-1, x), 1) on float32; on uint8/int8 requantizes from the input to the output scale and
 * clamps, as TFLite 2.4.1.
 */
public final class ReluN1To1 implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return ReluFamily.prepare(ctx, FloatUnaryKernels.RELU_N1_TO_1, -1f, 1f);
  }
}
