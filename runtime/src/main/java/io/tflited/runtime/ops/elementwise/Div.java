package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.FloatRows;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.elementwise.IntRows;
import io.tflited.runtime.kernels.elementwise.QuantizedDivRow;
import io.tflited.runtime.quant.QuantizedMultiplier;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.DivOptions;
import io.tflited.runtime.ops.Activation;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * DIV: float32 (IEEE division, then the fused activation), int32 (truncating division,
 * activation clamp) and uint8 (TFLite's fixed-point reciprocal), broadcasting up to rank 6.
 * A zero divisor (int32 0, uint8 at its zero point) fails the invocation.
 */
public final class Div implements OpKernel {
  public static final int INPUT1 = Binary.INPUT1;
  public static final int INPUT2 = Binary.INPUT2;
  public static final int OUTPUT = Binary.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int act = ctx.options(BuiltinOptions.DivOptions, new DivOptions()).fusedActivationFunction();
    Binary.check(ctx, true, DataType.FLOAT32, DataType.INT32, DataType.UINT8);
    if (ctx.input(INPUT1).type() == DataType.UINT8) {
      return quantized(ctx, act);
    }
    if (ctx.input(INPUT1).type() == DataType.FLOAT32) {
      float[] r = Activation.floatRange(act, ctx);
      return Binary.op(ctx, FloatRows.map((x, y) -> x / y, r[0], r[1]));
    }
    int[] r = AddSub.intRange(act, ctx);
    // Integer.MIN_VALUE / -1 wraps to Integer.MIN_VALUE (C++ would trap).
    BinaryRow row = IntRows.int32((x, y) -> x / y, r[0], r[1]);
    return checkNonZeroInt32(ctx, Binary.op(ctx, row), "DIV");
  }

  private static PreparedOp quantized(PrepareContext ctx, int act) throws ModelException {
    TensorSpec a = ctx.input(INPUT1);
    TensorSpec b = ctx.input(INPUT2);
    TensorSpec out = ctx.output(OUTPUT);
    float sa = Binary.scale(ctx, a, "input 1");
    float sb = Binary.scale(ctx, b, "input 2");
    float so = Binary.scale(ctx, out, "output");
    int za = Binary.zeroPoint(ctx, a, "input 1");
    int zb = Binary.zeroPoint(ctx, b, "input 2");
    int zo = Binary.zeroPoint(ctx, out, "output");
    int[] range = Binary.activationRange(act, out, ctx);
    // TFLite computes s1 / (s2 * so) in float, then widens to double.
    QuantizedMultiplier m = QuantizedMultiplier.of(sa / (sb * so));
    if (m.multiplier() == 0 || m.shift() > 16) {
      throw ctx.error("output multiplier " + (sa / (sb * so)) + " is out of range");
    }
    PreparedOp op =
        Binary.op(ctx, new QuantizedDivRow(-za, -zb, zo, m.multiplier(), m.shift(), range[0],
            range[1]));
    int i2 = ctx.inputIndex(INPUT2);
    int n = (int) b.elementCount();
    return ec -> {
      byte[] d = ec.array(i2);
      int off = ec.offset(i2);
      for (int k = 0; k < n; k++) {
        if ((d[off + k] & 0xff) == zb) {
          throw new InvocationException("DIV: division by zero (divisor element " + k + ")");
        }
      }
      op.eval(ec);
    };
  }

  /** Wraps an int32 op so that any zero in input 2 fails the invocation first. */
  static PreparedOp checkNonZeroInt32(PrepareContext ctx, PreparedOp op, String name)
      throws ModelException {
    int i2 = ctx.inputIndex(INPUT2);
    int n = (int) ctx.input(INPUT2).elementCount();
    return ec -> {
      byte[] b = ec.array(i2);
      int off = ec.offset(i2);
      for (int k = 0; k < n; k++) {
        if (LittleEndian.getInt(b, off + 4 * k) == 0) {
          throw new InvocationException(name + ": division by zero (divisor element " + k + ")");
        }
      }
      op.eval(ec);
    };
  }

  /** Like {@link #checkNonZeroInt32} for int64 divisors. */
  static PreparedOp checkNonZeroInt64(PrepareContext ctx, PreparedOp op, String name)
      throws ModelException {
    int i2 = ctx.inputIndex(INPUT2);
    int n = (int) ctx.input(INPUT2).elementCount();
    return ec -> {
      byte[] b = ec.array(i2);
      int off = ec.offset(i2);
      for (int k = 0; k < n; k++) {
        if (LittleEndian.getLong(b, off + 8 * k) == 0) {
          throw new InvocationException(name + ": division by zero (divisor element " + k + ")");
        }
      }
      op.eval(ec);
    };
  }
}
