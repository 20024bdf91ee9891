package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.FloatUnaryKernels;
import io.tflited.runtime.kernels.activation.QuantizedActivationKernels;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/** Shared preparation of RELU, RELU6 and RELU_N1_TO_1 (TFLite 2.4.1 ReluPrepare/QuantizedReluX). */
final class ReluFamily {
  private ReluFamily() {}

  /**
   * @param floatOp the FloatUnaryKernels function
   * @param actMin lower bound in real units
   * @param actMax upper bound in real units, or +infinity for none
   */
  static PreparedOp prepare(PrepareContext ctx, int floatOp, float actMin, float actMax)
      throws ModelException {
    int n = Unary.prepareSameShape(ctx);
    TensorSpec in = ctx.input(Unary.INPUT);
    TensorSpec out = ctx.output(Unary.OUTPUT);
    Unary.requireSameType(ctx, in, out);
    int inT = ctx.inputIndex(Unary.INPUT);
    int outT = ctx.outputIndex(Unary.OUTPUT);
    switch (in.type()) {
      case FLOAT32 -> {
        return c -> FloatUnaryKernels.apply(
            floatOp, c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), n);
      }
      case UINT8, INT8 -> {
        Unary.requirePerTensor(ctx, in, "input");
        Unary.requirePerTensor(ctx, out, "output");
        boolean signed = in.type() == DataType.INT8;
        int tmin = signed ? -128 : 0;
        int tmax = signed ? 127 : 255;
        float outScale = out.scale();
        int outZp = out.zeroPoint();
        int inZp = in.zeroPoint();
        // The real multiplier is computed in float, as TFLite's float / float expression.
        QuantizedMultiplier m = QuantizedMultiplier.of((double) (in.scale() / outScale));
        int qmin = Math.max(tmin, outZp + QuantizedMultiplier.roundHalfAwayFromZero(actMin / outScale));
        int qmax = actMax == Float.POSITIVE_INFINITY
            ? tmax
            : Math.min(tmax, outZp + QuantizedMultiplier.roundHalfAwayFromZero(actMax / outScale));
        int mult = m.multiplier();
        int shift = m.shift();
        return c -> QuantizedActivationKernels.reluX(c.array(inT), c.offset(inT), c.array(outT),
            c.offset(outT), n, signed, inZp, outZp, mult, shift, qmin, qmax);
      }
      default -> throw ctx.error("unsupported type " + in.type());
    }
  }
}
