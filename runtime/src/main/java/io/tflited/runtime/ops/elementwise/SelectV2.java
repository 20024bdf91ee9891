package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** SELECT_V2: out = condition ? x : y with NumPy broadcasting of all three, up to rank 6. */
public final class SelectV2 implements OpKernel {
  public static final int CONDITION = Selection.CONDITION;
  public static final int X = Selection.X;
  public static final int Y = Selection.Y;
  public static final int OUTPUT = Selection.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return Selection.prepare(ctx, true);
  }
}
