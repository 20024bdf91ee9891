package io.tflited.runtime.ops.activation;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.activation.FloatUnaryKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * RELU: max(0, x) on float32; on uint8/int8 requantizes from the input to the output scale and
 * clamps, as TFLite 2.4.1.
 */
public final class Relu implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return ReluFamily.prepare(ctx, FloatUnaryKernels.RELU, 0f, Float.POSITIVE_INFINITY);
  }
}
