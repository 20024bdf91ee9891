package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.reduce.ReduceKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** REDUCE_ANY: logical or over the axes of a bool tensor. */
public final class ReduceAny implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ReduceSupport.Setup s = ReduceSupport.prepare(ctx, DataType.BOOL);
    return Reducers.plain(s, ReduceKernels.ANY);
  }
}
