package io.tflited.runtime.ops.logical;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** LOGICAL_NOT (TFLite elementwise.cc): elementwise negation of a bool tensor. */
public final class LogicalNot implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    ctx.requireType(in, "input", DataType.BOOL);
    ctx.requireType(ctx.output(OUTPUT), "output", DataType.BOOL);
    ctx.setOutputShape(OUTPUT, in.shape());
    int n = (int) in.elementCount();
    int i = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> {
      byte[] a = c.array(i);
      int ai = c.offset(i);
      byte[] r = c.array(o);
      int ri = c.offset(o);
      for (int k = 0; k < n; k++) {
        r[ri + k] = (byte) (a[ai + k] == 0 ? 1 : 0);
      }
    };
  }
}
