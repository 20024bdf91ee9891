package io.tflited.runtime.ops.conv;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** AVERAGE_POOL_2D (versions 1-3): float32, uint8, int8, int16. */
public final class AveragePool2d implements OpKernel {
  public static final int INPUT = PoolSupport.INPUT;
  public static final int OUTPUT = PoolSupport.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return PoolSupport.prepare(ctx, true);
  }
}
