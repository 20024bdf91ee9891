package io.tflited.runtime.ops.activation;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.activation.FloatUnaryKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** NEG: -x on float32, int32 and int64 (wrapping), as TFLite 2.4.1. */
public final class Neg implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = Unary.prepareSameShape(ctx);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    Unary.requireSameType(ctx, in, out);
    int inT = ctx.inputIndex(INPUT);
    int outT = ctx.outputIndex(OUTPUT);
    switch (in.type()) {
      case FLOAT32 -> {
        return c -> FloatUnaryKernels.apply(FloatUnaryKernels.NEG,
            c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), n);
      }
      case INT32 -> {
        return c -> {
          byte[] a = c.array(inT);
          int ao = c.offset(inT);
          byte[] o = c.array(outT);
          int oo = c.offset(outT);
          for (int i = 0; i < n; i++) {
            LittleEndian.setInt(o, oo + 4 * i, -LittleEndian.getInt(a, ao + 4 * i));
          }
        };
      }
      case INT64 -> {
        return c -> {
          byte[] a = c.array(inT);
          int ao = c.offset(inT);
          byte[] o = c.array(outT);
          int oo = c.offset(outT);
          for (int i = 0; i < n; i++) {
            LittleEndian.setLong(o, oo + 8 * i, -LittleEndian.getLong(a, ao + 8 * i));
          }
        };
      }
      default -> throw ctx.error("unsupported type " + in.type());
    }
  }
}
