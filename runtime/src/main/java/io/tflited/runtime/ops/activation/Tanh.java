package io.tflited.runtime.ops.activation;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.FloatUnaryKernels;
import io.tflited.runtime.kernels.activation.Int16ActivationKernels;
import io.tflited.runtime.kernels.activation.LookupTableKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * TANH: float32; uint8/int8 through the 256-entry table TFLite 2.4.1's default (generic
 * optimized) kernel builds; int16 (input 2^-12 or 2^-11, output 2^-15) in gemmlowp fixed
 * point.
 */
public final class Tanh implements OpKernel {
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
        return c -> FloatUnaryKernels.apply(FloatUnaryKernels.TANH,
            c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), n);
      }
      case UINT8, INT8 -> {
        Unary.requirePerTensor(ctx, in, "input");
        Unary.requirePerTensor(ctx, out, "output");
        byte[] table = LookupTableKernels.populate(in.type(), in.scale(), in.zeroPoint(),
            out.scale(), out.zeroPoint(), x -> (float) Math.tanh(x));
        return c -> LookupTableKernels.apply(
            table, c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), n);
      }
      case INT16 -> {
        int shift = Unary.int16FixedPointInputShift(ctx, in, out);
        if (shift < 0 || shift > 1) {
          throw ctx.error("int16 input scale must be 2^-12 or 2^-11, got " + in.scale());
        }
        return c -> Int16ActivationKernels.tanh(
            c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), n, shift);
      }
      default -> throw ctx.error("unsupported type " + in.type());
    }
  }
}
