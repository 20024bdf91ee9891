package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.activation.QuantizedActivationKernels;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.LeakyReluOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/** LEAKY_RELU: x > 0 ? x : alpha * x on float32; uint8/int8 as TFLite 2.4.1 QuantizeLeakyRelu. */
public final class LeakyRelu implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = Unary.prepareSameShape(ctx);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    Unary.requireSameType(ctx, in, out);
    float alpha = ctx.options(BuiltinOptions.LeakyReluOptions, new LeakyReluOptions()).alpha();
    int inT = ctx.inputIndex(INPUT);
    int outT = ctx.outputIndex(OUTPUT);
    switch (in.type()) {
      case FLOAT32 -> {
        return c -> {
          byte[] a = c.array(inT);
          int ao = c.offset(inT);
          byte[] o = c.array(outT);
          int oo = c.offset(outT);
          for (int i = 0; i < n; i++) {
            float x = LittleEndian.getFloat(a, ao + 4 * i);
            LittleEndian.setFloat(o, oo + 4 * i, x > 0 ? x : x * alpha);
          }
        };
      }
      case UINT8, INT8 -> {
        Unary.requirePerTensor(ctx, in, "input");
        Unary.requirePerTensor(ctx, out, "output");
        boolean signed = in.type() == DataType.INT8;
        // TFLite computes both real multipliers in float before widening them.
        QuantizedMultiplier ma = QuantizedMultiplier.of((double) (in.scale() * alpha / out.scale()));
        QuantizedMultiplier mi = QuantizedMultiplier.of((double) (in.scale() / out.scale()));
        int inZp = in.zeroPoint();
        int outZp = out.zeroPoint();
        return c -> QuantizedActivationKernels.leakyRelu(c.array(inT), c.offset(inT),
            c.array(outT), c.offset(outT), n, signed, inZp, outZp, mi.multiplier(), mi.shift(),
            ma.multiplier(), ma.shift());
      }
      default -> throw ctx.error("unsupported type " + in.type());
    }
  }
}
