package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * SELECT: out = condition ? x : y where x and y have one shape and the bool condition has
 * that shape, is a scalar, or is rank 1 and picks whole slices along x's first dimension.
 */
public final class Select implements OpKernel {
  public static final int CONDITION = Selection.CONDITION;
  public static final int X = Selection.X;
  public static final int Y = Selection.Y;
  public static final int OUTPUT = Selection.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return Selection.prepare(ctx, false);
  }
}
