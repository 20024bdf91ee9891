package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.reduce.ReduceKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * REDUCE_PROD: float32, int32, int64; int8/uint8 only with the same quantization in and out,
 * multiplying raw values with wraparound exactly as TFLite 2.4.1 does.
 */
public final class ReduceProd implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return Reducers.simple(ctx, ReduceKernels.PROD);
  }
}
