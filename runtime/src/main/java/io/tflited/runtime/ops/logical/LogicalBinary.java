package io.tflited.runtime.ops.logical;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.BroadcastPlan;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** Shared preparation of LOGICAL_AND / LOGICAL_OR: bool inputs, broadcasting, bool output. */
final class LogicalBinary {
  static final int INPUT1 = 0;
  static final int INPUT2 = 1;
  static final int OUTPUT = 0;

  private LogicalBinary() {}

  static PreparedOp prepare(PrepareContext ctx, boolean and) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec a = ctx.input(INPUT1);
    TensorSpec b = ctx.input(INPUT2);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(a, "input 1", DataType.BOOL);
    ctx.requireType(b, "input 2", DataType.BOOL);
    ctx.requireType(out, "output", DataType.BOOL);
    int[] shape = Shapes.broadcast(a.shape(), b.shape());
    if (shape == null) {
      throw ctx.error("shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
          + " cannot be broadcast");
    }
    ctx.setOutputShape(OUTPUT, shape);
    BroadcastPlan plan = BroadcastPlan.of(a.shape(), 1, b.shape(), 1, shape, 1);
    BinaryRow row = and ? LogicalBinary::andRow : LogicalBinary::orRow;
    int i1 = ctx.inputIndex(INPUT1);
    int i2 = ctx.inputIndex(INPUT2);
    int o = ctx.outputIndex(OUTPUT);
    return c -> plan.run(row, c.array(i1), c.offset(i1), c.array(i2), c.offset(i2),
        c.array(o), c.offset(o));
  }

  static void andRow(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs) {
      o[oi + k] = (byte) (a[ai] != 0 && b[bi] != 0 ? 1 : 0);
    }
  }

  static void orRow(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs) {
      o[oi + k] = (byte) (a[ai] != 0 || b[bi] != 0 ? 1 : 0);
    }
  }
}
