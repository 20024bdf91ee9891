package io.tflited.runtime.ops.math;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.math.SignAtan2Kernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * ATAN2 (TFLite atan2.cc; absent from 2.4.1): {@code atan2(y, x)} element-wise on float32 or
 * float64, input 0 being y. TFLite does not broadcast (it checks only equal ranks and then
 * reads y's element count from both), so this requires equal shapes. float32 is computed in
 * double and rounded once, which is what C's atan2f returns to within its 1-ulp bound.
 */
public final class Atan2 implements OpKernel {
  public static final int INPUT_Y = 0;
  public static final int INPUT_X = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec y = ctx.input(INPUT_Y);
    TensorSpec x = ctx.input(INPUT_X);
    ctx.requireType(y, "y", DataType.FLOAT32, DataType.FLOAT64);
    ctx.requireType(x, "x", y.type());
    ctx.requireType(ctx.output(OUTPUT), "output", y.type());
    if (!Arrays.equals(y.shape(), x.shape())) {
      throw ctx.error("y shape " + Shapes.str(y.shape()) + " and x shape "
          + Shapes.str(x.shape()) + " differ; ATAN2 does not broadcast");
    }
    ctx.setOutputShape(OUTPUT, y.shape());
    int n = (int) y.elementCount();
    int yi = ctx.inputIndex(INPUT_Y);
    int xi = ctx.inputIndex(INPUT_X);
    int o = ctx.outputIndex(OUTPUT);
    if (y.type() == DataType.FLOAT32) {
      return c -> SignAtan2Kernels.atan2Float32(
          c.array(yi), c.offset(yi), c.array(xi), c.offset(xi), c.array(o),
          c.offset(o), n);
    }
    return c -> SignAtan2Kernels.atan2Float64(
          c.array(yi), c.offset(yi), c.array(xi), c.offset(xi), c.array(o),
        c.offset(o), n);
  }
}
