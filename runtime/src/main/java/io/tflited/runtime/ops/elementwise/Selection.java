package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.elementwise.BroadcastPlan;
import io.tflited.runtime.kernels.elementwise.SelectRow;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/** Shared preparation of SELECT and SELECT_V2 (TFLite select.cc). */
final class Selection {
  static final int CONDITION = 0;
  static final int X = 1;
  static final int Y = 2;
  static final int OUTPUT = 0;

  private Selection() {}

  static PreparedOp prepare(PrepareContext ctx, boolean v2) throws ModelException {
    ctx.checkInputCount(3, 3);
    ctx.checkOutputCount(1, 1);
    TensorSpec c = ctx.input(CONDITION);
    TensorSpec x = ctx.input(X);
    TensorSpec y = ctx.input(Y);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(c, "condition", DataType.BOOL);
    ctx.requireType(
        x, "x", DataType.BOOL, DataType.FLOAT32, DataType.UINT8, DataType.INT8, DataType.INT16,
        DataType.INT32, DataType.INT64);
    if (y.type() != x.type() || out.type() != x.type()) {
      throw ctx.error("x, y and output types differ: " + x.type() + ", " + y.type() + ", "
          + out.type());
    }
    int[] cShape = c.shape();
    int[] outShape;
    if (v2) {
      int[] xy = Shapes.broadcast(x.shape(), y.shape());
      outShape = xy == null ? null : Shapes.broadcast(cShape, xy);
      if (outShape == null) {
        throw ctx.error("shapes " + Shapes.str(cShape) + ", " + Shapes.str(x.shape()) + ", "
            + Shapes.str(y.shape()) + " cannot be broadcast");
      }
      if (outShape.length > 6) {
        throw ctx.error("broadcast rank " + outShape.length + " exceeds 6");
      }
    } else {
      if (!Arrays.equals(x.shape(), y.shape())) {
        throw ctx.error("x " + Shapes.str(x.shape()) + " and y " + Shapes.str(y.shape())
            + " must have the same shape");
      }
      outShape = x.shape();
      if (!Arrays.equals(cShape, outShape)) {
        if (cShape.length == 0) {
          // A scalar condition picks all of x or all of y.
        } else if (cShape.length == 1 && outShape.length >= 1 && cShape[0] == outShape[0]) {
          // A rank-1 condition picks whole slices along dim 0: broadcast it as [n, 1, ...].
          int[] s = new int[outShape.length];
          Arrays.fill(s, 1);
          s[0] = cShape[0];
          cShape = s;
        } else {
          throw ctx.error("condition shape " + Shapes.str(cShape) + " must equal x's "
              + Shapes.str(outShape) + ", be a scalar, or be rank 1 of x's first dimension");
        }
      }
    }
    ctx.setOutputShape(OUTPUT, outShape);
    int size = x.type().byteSize();
    BroadcastPlan plan =
        BroadcastPlan.of(
            new int[][] {cShape, x.shape(), y.shape()}, new int[] {1, size, size}, outShape,
            size);
    SelectRow row = new SelectRow(size);
    int ic = ctx.inputIndex(CONDITION);
    int ix = ctx.inputIndex(X);
    int iy = ctx.inputIndex(Y);
    int o = ctx.outputIndex(OUTPUT);
    return ec ->
        plan.run(row, ec.array(ic), ec.offset(ic), ec.array(ix), ec.offset(ix), ec.array(iy),
            ec.offset(iy), ec.array(o), ec.offset(o));
  }
}
