package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.FloatUnaryKernels;
import io.tflited.runtime.kernels.activation.QuantizedActivationKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/** HARD_SWISH: x * relu6(x + 3) / 6 on float32; uint8/int8 in TFLite 2.4.1's fixed point. */
public final class HardSwish implements OpKernel {
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
        return c -> FloatUnaryKernels.apply(FloatUnaryKernels.HARD_SWISH,
            c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), n);
      }
      case UINT8, INT8 -> {
        Unary.requirePerTensor(ctx, in, "input");
        Unary.requirePerTensor(ctx, out, "output");
        boolean signed = in.type() == DataType.INT8;
        float hiresInputScale = (1.0f / 128.0f) * in.scale();
        float reluishScale = 3.0f / 32768.0f;
        QuantizedMultiplier om = QuantizedMultiplier.of((double) (hiresInputScale / out.scale()));
        if (om.shift() > 0) {
          throw ctx.error("output scale is too small relative to the input scale");
        }
        QuantizedMultiplier rm = QuantizedMultiplier.of((double) (hiresInputScale / reluishScale));
        short outMult = downScale(om.multiplier());
        short reluishMult = downScale(rm.multiplier());
        int outExp = om.shift();
        int reluishExp = rm.shift();
        int inZp = in.zeroPoint();
        int outZp = out.zeroPoint();
        return c -> QuantizedActivationKernels.hardSwish(c.array(inT), c.offset(inT),
            c.array(outT), c.offset(outT), n, signed, inZp, outZp, outMult, outExp,
            reluishMult, reluishExp);
      }
      default -> throw ctx.error("unsupported type " + in.type());
    }
  }

  /** TFLite DownScaleInt32ToInt16Multiplier. */
  static short downScale(int m) {
    if (m >= Integer.MAX_VALUE - (1 << 15)) {
      return Short.MAX_VALUE;
    }
    return (short) ((m + (1 << 15)) >> 16);
  }
}
