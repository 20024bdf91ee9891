package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.FloatRows;
import io.tflited.runtime.kernels.elementwise.IntRows;
import io.tflited.runtime.kernels.elementwise.QuantizedMulRow;
import io.tflited.runtime.kernels.vector.ElementwiseVector;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.MulOptions;
import io.tflited.runtime.ops.Activation;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/**
 * MUL: float32, int32, int8/uint8/int16 (product of offset inputs requantized by
 * s1*s2/so), fused activation, broadcasting up to rank 6.
 */
public final class Mul implements OpKernel {
  public static final int INPUT1 = Binary.INPUT1;
  public static final int INPUT2 = Binary.INPUT2;
  public static final int OUTPUT = Binary.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int act = ctx.options(BuiltinOptions.MulOptions, new MulOptions()).fusedActivationFunction();
    // TFLite 2.4.1 has no int64 MUL.
    Binary.check(
        ctx, true, DataType.FLOAT32, DataType.INT32, DataType.INT8, DataType.UINT8,
        DataType.INT16);
    TensorSpec a = ctx.input(INPUT1);
    TensorSpec b = ctx.input(INPUT2);
    TensorSpec out = ctx.output(OUTPUT);
    BinaryRow row =
        switch (a.type()) {
          case FLOAT32 -> {
            float[] r = Activation.floatRange(act, ctx);
            BinaryRow scalar = FloatRows.mul(r[0], r[1]);
            yield ctx.useVectorKernels()
                ? ElementwiseVector.floatRow(true, r[0], r[1], scalar)
                : scalar;
          }
          case INT32 -> {
            int[] r = AddSub.intRange(act, ctx);
            yield IntRows.int32((x, y) -> x * y, r[0], r[1]);
          }
          default -> {
            float sa = Binary.scale(ctx, a, "input 1");
            float sb = Binary.scale(ctx, b, "input 2");
            float so = Binary.scale(ctx, out, "output");
            int za = Binary.zeroPoint(ctx, a, "input 1");
            int zb = Binary.zeroPoint(ctx, b, "input 2");
            int zo = Binary.zeroPoint(ctx, out, "output");
            if (a.type() == DataType.INT16 && (za != 0 || zb != 0 || zo != 0)) {
              throw ctx.error("int16 MUL needs zero points of 0 (got " + za + ", " + zb + ", "
                  + zo + ")");
            }
            int[] range = Binary.activationRange(act, out, ctx);
            // TFLite computes s1 * s2 / so in float, then widens to double.
            double real = (sa * sb) / so;
            if (!(real > 0) || Double.isInfinite(real)) {
              throw ctx.error("output multiplier " + real + " is not usable");
            }
            QuantizedMultiplier m = QuantizedMultiplier.of(real);
            QuantizedMulRow scalar = new QuantizedMulRow(
                a.type(), -za, -zb, zo, m.multiplier(), m.shift(), range[0], range[1]);
            if (a.type() != DataType.INT16 && ctx.useVectorKernels()
                && ElementwiseVector.eightBitSupported()) {
              yield ElementwiseVector.mul8(a.type() == DataType.INT8, -za, -zb, zo,
                  m.multiplier(), m.shift(), range[0], range[1], scalar);
            }
            yield scalar;
          }
        };
    return Binary.op(ctx, row);
  }
}
