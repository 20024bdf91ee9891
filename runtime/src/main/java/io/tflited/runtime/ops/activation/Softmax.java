package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.SoftmaxKernels;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SoftmaxOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/**
 * SOFTMAX over the last dimension, with beta: float32, and uint8/int8 input to the same type
 * or int16, computed as TFLite 2.4.1's optimized table kernel does; int16 to int16 (version 3)
 * with TFLite's interpolated exp and 1/(1+x) tables.
 */
public final class Softmax implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = Unary.prepareSameShape(ctx);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    if (in.rank() < 1) {
      throw ctx.error("input must have at least one dimension");
    }
    float beta = ctx.options(BuiltinOptions.SoftmaxOptions, new SoftmaxOptions()).beta();
    int depth = in.dim(-1);
    int rows = depth == 0 ? 0 : n / depth;
    int inT = ctx.inputIndex(INPUT);
    int outT = ctx.outputIndex(OUTPUT);
    switch (in.type()) {
      case FLOAT32 -> {
        ctx.requireType(out, "output", DataType.FLOAT32);
        return c -> SoftmaxKernels.softmaxFloat(
            c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), rows, depth, beta);
      }
      case UINT8, INT8 -> {
        if (out.type() != in.type() && out.type() != DataType.INT16) {
          throw ctx.error("output type " + out.type() + " is not supported for input " + in.type());
        }
        Unary.requirePerTensor(ctx, in, "input");
        Unary.requirePerTensor(ctx, out, "output");
        float[] table = SoftmaxKernels.lookupTable(in.scale(), beta);
        DataType inType = in.type();
        DataType outType = out.type();
        float outScale = out.scale();
        int outZp = out.zeroPoint();
        return c -> SoftmaxKernels.softmaxQuantized(
            c.array(inT), c.offset(inT), inType, c.array(outT), c.offset(outT), outType, rows,
            depth, table, outScale, outZp);
      }
      case INT16 -> {
        ctx.requireType(out, "output", DataType.INT16);
        Unary.requirePerTensor(ctx, in, "input");
        Unary.requirePerTensor(ctx, out, "output");
        if (out.zeroPoint() != 0) {
          throw ctx.error("int16 output must have zero point 0");
        }
        if (in.rank() > 4) {
          throw ctx.error("int16 softmax supports ranks 1 to 4");
        }
        short[] expLut = SoftmaxKernels.int16Lut(Math::exp, -10.0, 0.0);
        short[] recipLut = SoftmaxKernels.int16Lut(v -> 1.0 / (1.0 + v), 0.0, 1.0);
        // input scale * beta in float, then divided in double, as TFLite.
        QuantizedMultiplier m = QuantizedMultiplier.of((double) (in.scale() * beta) / (10.0 / 65535.0));
        int mult = m.multiplier();
        int shift = m.shift();
        return c -> SoftmaxKernels.softmaxInt16(c.array(inT), c.offset(inT), c.array(outT),
            c.offset(outT), rows, depth, mult, shift, expLut, recipLut);
      }
      default -> throw ctx.error("unsupported input type " + in.type());
    }
  }
}
