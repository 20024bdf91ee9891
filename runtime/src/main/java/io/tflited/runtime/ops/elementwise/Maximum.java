package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.FloatRows;
import io.tflited.runtime.kernels.elementwise.IntRows;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * MAXIMUM: float32, int8, uint8, int16, int32, int64 on raw values (quantized inputs are not
 * rescaled, as in TFLite), broadcasting up to rank 6. Floats follow TFLite's
 * {@code x > y ? x : y}, so a NaN in x yields y.
 */
public final class Maximum implements OpKernel {
  public static final int INPUT1 = Binary.INPUT1;
  public static final int INPUT2 = Binary.INPUT2;
  public static final int OUTPUT = Binary.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    Binary.check(
        ctx, true, DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32, DataType.INT64);
    BinaryRow row =
        switch (ctx.input(INPUT1).type()) {
          case FLOAT32 -> FloatRows.map((x, y) -> x > y ? x : y);
          case INT32 -> IntRows.int32((x, y) -> x > y ? x : y);
          case INT64 -> IntRows.int64((x, y) -> x > y ? x : y);
          default -> IntRows.small(ctx.input(INPUT1).type(), (x, y) -> x > y ? x : y);
        };
    return Binary.op(ctx, row);
  }
}
