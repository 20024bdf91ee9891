package io.tflited.runtime.ops.activation;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.LogSoftmaxKernels;
import io.tflited.runtime.kernels.activation.SoftmaxKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * LOG_SOFTMAX over the last dimension: float32, and uint8 (output scale 16/256, zero point
 * 255) through TFLite 2.4.1's optimized table kernel.
 */
public final class LogSoftmax implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = Unary.prepareSameShape(ctx);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    Unary.requireSameType(ctx, in, out);
    if (in.rank() < 1) {
      throw ctx.error("input must have at least one dimension");
    }
    int depth = in.dim(-1);
    int rows = depth == 0 ? 0 : n / depth;
    int inT = ctx.inputIndex(INPUT);
    int outT = ctx.outputIndex(OUTPUT);
    switch (in.type()) {
      case FLOAT32 -> {
        return c -> LogSoftmaxKernels.logSoftmaxFloat(
            c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), rows, depth);
      }
      case UINT8 -> {
        Unary.requirePerTensor(ctx, in, "input");
        Unary.requirePerTensor(ctx, out, "output");
        if (out.scale() != 16f / 256f || out.zeroPoint() != 255) {
          throw ctx.error("uint8 output must have scale 16/256 and zero point 255");
        }
        float[] table = SoftmaxKernels.lookupTable(in.scale(), 1f);
        float inScale = in.scale();
        float outScale = out.scale();
        int outZp = out.zeroPoint();
        return c -> LogSoftmaxKernels.logSoftmaxUint8(c.array(inT), c.offset(inT), c.array(outT),
            c.offset(outT), rows, depth, table, inScale, outScale, outZp);
      }
      default -> throw ctx.error("unsupported type " + in.type());
    }
  }
}
