package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.reduce.ReduceKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * REDUCE_MIN: float32, int32, int64, int8/uint8 (same quantization in and out, as TFLite 2.4.1
 * requires).
 */
public final class ReduceMin implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return Reducers.simple(ctx, ReduceKernels.MIN);
  }
}
