package io.tflited.runtime.ops.activation;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.FloatUnaryKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.QuantizedMultiplier;

/**
 * ABS: float32, and int8 (version 2): {@code zpOut + MultiplyByQuantizedMultiplier(|x - zpIn|)}
 * with the multiplier inScale / outScale, as TFLite 2.4.1.
 */
public final class Abs implements OpKernel {
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
        return c -> FloatUnaryKernels.apply(FloatUnaryKernels.ABS,
            c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), n);
      }
      case INT8 -> {
        Unary.requirePerTensor(ctx, in, "input");
        Unary.requirePerTensor(ctx, out, "output");
        QuantizedMultiplier m = QuantizedMultiplier.of((double) (in.scale() / out.scale()));
        int mult = m.multiplier();
        int shift = m.shift();
        int inZp = in.zeroPoint();
        int outZp = out.zeroPoint();
        return c -> {
          byte[] a = c.array(inT);
          int ao = c.offset(inT);
          byte[] o = c.array(outT);
          int oo = c.offset(outT);
          for (int i = 0; i < n; i++) {
            int v = Math.abs(a[ao + i] - inZp);
            int y = outZp + FixedPoint.multiplyByQuantizedMultiplier(v, mult, shift);
            o[oo + i] = (byte) Math.min(127, Math.max(-128, y));
          }
        };
      }
      default -> throw ctx.error("unsupported type " + in.type());
    }
  }
}
