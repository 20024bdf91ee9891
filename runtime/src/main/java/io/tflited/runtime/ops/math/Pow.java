package io.tflited.runtime.ops.math;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.BroadcastPlan;
import io.tflited.runtime.kernels.math.MathKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * POW (TFLite pow.cc): broadcast {@code x ^ y}, float32 ({@code powf}) or int32 ({@code std::pow}
 * in double converted back as x86-64 does; a negative exponent is an error as in TFLite). As in
 * 2.4.1's optimized BroadcastPow4D, when the shapes differ and the exponent is a single value
 * within 1e-5 of an integer n >= 1, the result is x multiplied by itself n times in the element
 * type (int32 wraps around instead of saturating to INT32_MIN).
 */
public final class Pow implements OpKernel {
  public static final int INPUT1 = 0;
  public static final int INPUT2 = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec a = ctx.input(INPUT1);
    TensorSpec b = ctx.input(INPUT2);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(a, "input 1", DataType.FLOAT32, DataType.INT32);
    ctx.requireType(b, "input 2", a.type());
    ctx.requireType(out, "output", a.type());
    int[] shape = Shapes.broadcast(a.shape(), b.shape());
    if (shape == null) {
      throw ctx.error("shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
          + " cannot be broadcast");
    }
    ctx.setOutputShape(OUTPUT, shape);
    BroadcastPlan plan = BroadcastPlan.of(a.shape(), 4, b.shape(), 4, shape, 4);
    boolean isInt = a.type() == DataType.INT32;
    BinaryRow row = isInt ? Pow::intRow : Pow::floatRow;
    int i1 = ctx.inputIndex(INPUT1);
    int i2 = ctx.inputIndex(INPUT2);
    int o = ctx.outputIndex(OUTPUT);
    int n2 = (int) b.elementCount();
    int n1 = (int) a.elementCount();
    boolean scalarExponent = !java.util.Arrays.equals(a.shape(), b.shape()) && n2 == 1;
    return c -> {
      byte[] bb = c.array(i2);
      int bo = c.offset(i2);
      if (isInt) {
        for (int k = 0; k < n2; k++) {
          if (LittleEndian.getInt(bb, bo + 4 * k) < 0) {
            throw new InvocationException("POW: integer power with a negative exponent");
          }
        }
      }
      if (scalarExponent && integralPower(c.array(i1), c.offset(i1), bb, bo, c.array(o),
          c.offset(o), n1, isInt)) {
        return;
      }
      plan.run(row, c.array(i1), c.offset(i1), bb, bo, c.array(o), c.offset(o));
    };
  }

  /** The repeated-multiplication path; false when the exponent does not qualify. */
  static boolean integralPower(byte[] a, int ao, byte[] b, int bo, byte[] o, int oo, int n,
      boolean isInt) {
    if (isInt) {
      int e = LittleEndian.getInt(b, bo);
      if (e < 1) {
        return false;
      }
      for (int k = 0; k < n; k++) {
        int x = LittleEndian.getInt(a, ao + 4 * k);
        // Repeated multiplication wraps like square-and-multiply (arithmetic mod 2^32).
        int r = 1;
        for (int p = e; p != 0; p >>>= 1, x *= x) {
          if ((p & 1) != 0) {
            r *= x;
          }
        }
        LittleEndian.setInt(o, oo + 4 * k, r);
      }
      return true;
    }
    float e = LittleEndian.getFloat(b, bo);
    float rounded = e < 0 ? -(float) Math.floor(-e + 0.5f) : (float) Math.floor(e + 0.5f);
    int ie = (int) rounded;
    if (!(Math.abs(e - ie) < 1e-5f) || ie < 1) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      float x = LittleEndian.getFloat(a, ao + 4 * k);
      LittleEndian.setFloat(o, oo + 4 * k, powBySquaring(x, ie));
    }
    return true;
  }

  private static float powBySquaring(float x, int e) {
    float r = 1;
    while (e != 0) {
      if ((e & 1) != 0) {
        r *= x;
      }
      e >>>= 1;
      x *= x;
    }
    return r;
  }

  static void floatRow(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs) {
      float x = LittleEndian.getFloat(a, ai);
      float y = LittleEndian.getFloat(b, bi);
      LittleEndian.setFloat(o, oi + 4 * k, (float) Math.pow(x, y));
    }
  }

  static void intRow(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs) {
      int x = LittleEndian.getInt(a, ai);
      int y = LittleEndian.getInt(b, bi);
      LittleEndian.setInt(o, oi + 4 * k, MathKernels.intPow(x, y));
    }
  }
}
