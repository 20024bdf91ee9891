package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.L2NormKernels;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.L2NormOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * L2_NORMALIZATION over the last dimension: float32 (epsilon 1e-6); uint8 (output 1/128, zero
 * point 128) and int8 (output 1/128, zero point 0) in TFLite 2.4.1's fixed point.
 */
public final class L2Normalization implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = Unary.prepareSameShape(ctx);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    Unary.requireSameType(ctx, in, out);
    if (in.rank() < 1 || in.rank() > 4) {
      throw ctx.error("input rank must be 1 to 4, got " + in.rank());
    }
    int act = ctx.options(BuiltinOptions.L2NormOptions, new L2NormOptions()).fusedActivationFunction();
    if (act != ActivationFunctionType.NONE) {
      throw ctx.error("fused activations are not supported");
    }
    int depth = in.dim(-1);
    int rows = depth == 0 ? 0 : n / depth;
    int inT = ctx.inputIndex(INPUT);
    int outT = ctx.outputIndex(OUTPUT);
    switch (in.type()) {
      case FLOAT32 -> {
        return c -> L2NormKernels.normalizeFloat(
            c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), rows, depth, 1e-6f);
      }
      case UINT8, INT8 -> {
        Unary.requirePerTensor(ctx, in, "input");
        Unary.requirePerTensor(ctx, out, "output");
        boolean signed = in.type() == DataType.INT8;
        if (out.scale() != 1f / 128f || out.zeroPoint() != (signed ? 0 : 128)) {
          throw ctx.error("output must have scale 1/128 and zero point " + (signed ? 0 : 128));
        }
        int inZp = in.zeroPoint();
        if (signed) {
          return c -> L2NormKernels.normalizeInt8(
              c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), rows, depth, inZp);
        }
        return c -> L2NormKernels.normalizeUint8(
            c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), rows, depth, inZp);
      }
      default -> throw ctx.error("unsupported type " + in.type());
    }
  }
}
