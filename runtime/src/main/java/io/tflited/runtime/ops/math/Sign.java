package io.tflited.runtime.ops.math;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.math.SignAtan2Kernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * SIGN (TFLite sign.cc; absent from 2.4.1) on float32, float64 and int32: 1 when x > 0, -1
 * when x < 0, else 0. Like TFLite's comparisons, NaN and -0.0 both give +0.0.
 */
public final class Sign implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = FloatMap.check(ctx, DataType.FLOAT32, DataType.FLOAT64, DataType.INT32);
    DataType type = ctx.input(INPUT).type();
    int i = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return switch (type) {
      case FLOAT32 -> c ->
          SignAtan2Kernels.signFloat32(c.array(i), c.offset(i), c.array(o), c.offset(o), n);
      case FLOAT64 -> c ->
          SignAtan2Kernels.signFloat64(c.array(i), c.offset(i), c.array(o), c.offset(o), n);
      default -> c ->
          SignAtan2Kernels.signInt32(c.array(i), c.offset(i), c.array(o), c.offset(o), n);
    };
  }
}
