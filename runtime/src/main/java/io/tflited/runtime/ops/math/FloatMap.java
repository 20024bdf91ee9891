package io.tflited.runtime.ops.math;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.math.MathKernels;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** Shared preparation of one-input float32 element-wise functions. */
final class FloatMap {
  static final int INPUT = 0;
  static final int OUTPUT = 0;

  private FloatMap() {}

  /** Checks 1 input / 1 output of the same type (one of allowed) and sets the output shape. */
  static int check(PrepareContext ctx, DataType... allowed) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(in, "input", allowed);
    if (out.type() != in.type()) {
      throw ctx.error("output type " + out.type() + " differs from input type " + in.type());
    }
    ctx.setOutputShape(OUTPUT, in.shape());
    return (int) in.elementCount();
  }

  static PreparedOp prepare(PrepareContext ctx, MathKernels.FloatFn f) throws ModelException {
    int n = check(ctx, DataType.FLOAT32);
    return op(ctx, f, n);
  }

  static PreparedOp op(PrepareContext ctx, MathKernels.FloatFn f, int n) throws ModelException {
    int i = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> MathKernels.map(f, c.array(i), c.offset(i), c.array(o), c.offset(o), n);
  }
}
