package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.FloatRows;
import io.tflited.runtime.kernels.elementwise.IntRows;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** SQUARED_DIFFERENCE: (x - y)^2 for float32 and int32 (wrapping), broadcasting. */
public final class SquaredDifference implements OpKernel {
  public static final int INPUT1 = Binary.INPUT1;
  public static final int INPUT2 = Binary.INPUT2;
  public static final int OUTPUT = Binary.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    Binary.check(ctx, true, DataType.FLOAT32, DataType.INT32);
    BinaryRow row =
        ctx.input(INPUT1).type() == DataType.FLOAT32
            ? FloatRows.map((x, y) -> (x - y) * (x - y))
            : IntRows.int32((x, y) -> (x - y) * (x - y));
    return Binary.op(ctx, row);
  }
}
