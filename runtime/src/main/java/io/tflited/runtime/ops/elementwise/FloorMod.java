package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.elementwise.FloatRows;
import io.tflited.runtime.kernels.elementwise.IntRows;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * FLOOR_MOD: the remainder with the divisor's sign (truncated remainder plus y when the
 * signs differ), for int32, int64 (a zero divisor fails the invocation) and float32 (fmod),
 * broadcasting up to rank 6.
 */
public final class FloorMod implements OpKernel {
  public static final int INPUT1 = Binary.INPUT1;
  public static final int INPUT2 = Binary.INPUT2;
  public static final int OUTPUT = Binary.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    Binary.check(ctx, true, DataType.FLOAT32, DataType.INT32, DataType.INT64);
    return switch (ctx.input(INPUT1).type()) {
      case FLOAT32 -> Binary.op(ctx, FloatRows.map(FloorMod::mod));
      case INT32 ->
          Div.checkNonZeroInt32(
              ctx, Binary.op(ctx, IntRows.int32((x, y) -> x == 0 ? 0 : mod(x, y))), "FLOOR_MOD");
      default ->
          Div.checkNonZeroInt64(
              ctx, Binary.op(ctx, IntRows.int64((x, y) -> x == 0 ? 0 : mod(x, y))), "FLOOR_MOD");
    };
  }

  static int mod(int x, int y) {
    int t = x % y;
    return t != 0 && ((y < 0) != (t < 0)) ? t + y : t;
  }

  static long mod(long x, long y) {
    long t = x % y;
    return t != 0 && ((y < 0) != (t < 0)) ? t + y : t;
  }

  static float mod(float x, float y) {
    float t = x % y;
    return t != 0 && ((y < 0) != (t < 0)) ? t + y : t;
  }
}
