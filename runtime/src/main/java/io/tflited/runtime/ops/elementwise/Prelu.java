package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.FloatRows;
import io.tflited.runtime.kernels.elementwise.QuantizedPreluRow;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/**
 * PRELU: x >= 0 ? x : x * alpha, with alpha broadcast onto the input (whose shape the output
 * keeps). float32, and int8/uint8 with two requantization multipliers
 * (s_in / s_out for x >= 0, s_in * s_alpha / s_out for x < 0), as TFLite does.
 */
public final class Prelu implements OpKernel {
  public static final int INPUT = 0;
  public static final int ALPHA = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    Binary.check(ctx, true, DataType.FLOAT32, DataType.INT8, DataType.UINT8);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec alpha = ctx.input(ALPHA);
    TensorSpec out = ctx.output(OUTPUT);
    if (!java.util.Arrays.equals(out.shape(), in.shape())) {
      // TFLite requires the output to keep the input's shape: alpha broadcasts onto it.
      throw ctx.error("alpha " + java.util.Arrays.toString(alpha.shape())
          + " must broadcast onto the input " + java.util.Arrays.toString(in.shape()));
    }
    BinaryRow row;
    if (in.type() == DataType.FLOAT32) {
      row = FloatRows.map((x, a) -> x >= 0 ? x : x * a);
    } else {
      float si = Binary.scale(ctx, in, "input");
      float sa = Binary.scale(ctx, alpha, "alpha");
      float so = Binary.scale(ctx, out, "output");
      // TFLite computes both ratios in float, then widens to double.
      QuantizedMultiplier m1 = QuantizedMultiplier.of(si / so);
      QuantizedMultiplier m2 = QuantizedMultiplier.of(si * sa / so);
      row =
          new QuantizedPreluRow(
              in.type(), -Binary.zeroPoint(ctx, in, "input"),
              -Binary.zeroPoint(ctx, alpha, "alpha"), Binary.zeroPoint(ctx, out, "output"),
              m1.multiplier(), m1.shift(), m2.multiplier(), m2.shift());
    }
    return Binary.op(ctx, row);
  }
}
