package io.tflited.runtime.ops.generate;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * BROADCAST_ARGS (TFLite broadcast_args.cc; absent from 2.4.1): the broadcast of two 1-D
 * int32 or int64 shape vectors, aligned at the end; a missing or 1 dim takes the other
 * side's value, otherwise both must agree (TFLite aborts there; this fails the run). Like the
 * reference, each dim is compared as an int32.
 */
public final class BroadcastArgs implements OpKernel {
  public static final int SHAPE1 = 0;
  public static final int SHAPE2 = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec s1 = ctx.input(SHAPE1);
    TensorSpec s2 = ctx.input(SHAPE2);
    ctx.requireType(s1, "shape1", DataType.INT32, DataType.INT64);
    ctx.requireType(s2, "shape2", s1.type());
    ctx.requireType(ctx.output(OUTPUT), "output", s1.type());
    ctx.requireRank(s1, "shape1", 1);
    ctx.requireRank(s2, "shape2", 1);
    int n1 = s1.dim(0);
    int n2 = s2.dim(0);
    int n = Math.max(n1, n2);
    ctx.setOutputShape(OUTPUT, n);
    boolean wide = s1.type() == DataType.INT64;
    int a = ctx.inputIndex(SHAPE1);
    int b = ctx.inputIndex(SHAPE2);
    int o = ctx.outputIndex(OUTPUT);
    return c -> broadcast(wide, c.array(a), c.offset(a), n1, c.array(b), c.offset(b), n2,
        c.array(o), c.offset(o), n);
  }

  static void broadcast(boolean wide, byte[] a, int ao, int n1, byte[] b, int bo, int n2,
      byte[] o, int oo, int n) throws InvocationException {
    int size = wide ? 8 : 4;
    for (int back = 0; back < n; back++) {
      int d1 = back < n1 ? read(wide, a, ao + (n1 - 1 - back) * size) : 1;
      int d2 = back < n2 ? read(wide, b, bo + (n2 - 1 - back) * size) : 1;
      int d;
      if (d1 == 1) {
        d = d2;
      } else if (d2 == 1 || d1 == d2) {
        d = d1;
      } else {
        throw new InvocationException("BROADCAST_ARGS: dims " + d1 + " and " + d2
            + " (position " + (n - 1 - back) + " of the output) cannot be broadcast");
      }
      int off = oo + (n - 1 - back) * size;
      if (wide) {
        LittleEndian.setLong(o, off, d);
      } else {
        LittleEndian.setInt(o, off, d);
      }
    }
  }

  private static int read(boolean wide, byte[] a, int off) {
    return wide ? (int) LittleEndian.getLong(a, off) : LittleEndian.getInt(a, off);
  }
}
