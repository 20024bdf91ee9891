package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.elementwise.FloatRows;
import io.tflited.runtime.kernels.elementwise.IntRows;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * FLOOR_DIV: floor(x / y) computed in double as TFLite does, for float32 and int32 (a zero
 * int32 divisor fails the invocation), broadcasting up to rank 6.
 */
public final class FloorDiv implements OpKernel {
  public static final int INPUT1 = Binary.INPUT1;
  public static final int INPUT2 = Binary.INPUT2;
  public static final int OUTPUT = Binary.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    Binary.check(ctx, true, DataType.FLOAT32, DataType.INT32);
    if (ctx.input(INPUT1).type() == DataType.FLOAT32) {
      return Binary.op(ctx, FloatRows.map((x, y) -> (float) Math.floor((double) x / (double) y)));
    }
    return Div.checkNonZeroInt32(
        ctx, Binary.op(ctx, IntRows.int32((x, y) -> Math.floorDiv(x, y))), "FLOOR_DIV");
  }
}
