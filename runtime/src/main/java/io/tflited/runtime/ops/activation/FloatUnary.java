package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.FloatUnaryKernels;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** Shared preparation of the float32-only element-wise functions. */
final class FloatUnary {
  private FloatUnary() {}

  static PreparedOp prepare(PrepareContext ctx, int op) throws ModelException {
    int n = Unary.prepareSameShape(ctx);
    TensorSpec in = ctx.input(Unary.INPUT);
    TensorSpec out = ctx.output(Unary.OUTPUT);
    Unary.requireSameType(ctx, in, out);
    ctx.requireType(in, "input", DataType.FLOAT32);
    int inT = ctx.inputIndex(Unary.INPUT);
    int outT = ctx.outputIndex(Unary.OUTPUT);
    return c -> FloatUnaryKernels.apply(
        op, c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), n);
  }
}
