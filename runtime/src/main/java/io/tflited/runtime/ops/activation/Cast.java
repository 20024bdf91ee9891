package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.CastKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * CAST between every pair of float32, int32, int64, uint8 and bool (the types TFLite 2.4.1
 * casts, complex64 aside), with static_cast semantics.
 */
public final class Cast implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  private static final DataType[] TYPES = {
    DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.UINT8, DataType.BOOL
  };

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = Unary.prepareSameShape(ctx);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(in, "input", TYPES);
    ctx.requireType(out, "output", TYPES);
    DataType from = in.type();
    DataType to = out.type();
    int inT = ctx.inputIndex(INPUT);
    int outT = ctx.outputIndex(OUTPUT);
    return c -> CastKernels.cast(
        c.array(inT), c.offset(inT), from, c.array(outT), c.offset(outT), to, n);
  }
}
