package io.tflited.runtime.ops.logical;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** LOGICAL_AND (TFLite logical.cc): elementwise and of two broadcast bool tensors. */
public final class LogicalAnd implements OpKernel {
  public static final int INPUT1 = 0;
  public static final int INPUT2 = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return LogicalBinary.prepare(ctx, true);
  }
}
