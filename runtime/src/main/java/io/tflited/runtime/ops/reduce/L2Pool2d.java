package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.reduce.L2PoolKernels;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.Pool2DOptions;
import io.tflited.runtime.ops.Activation;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.Padding;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * L2_POOL_2D (float32 only, as in TFLite 2.4.1): square root of the mean of the squares over the
 * part of each window inside the input, then the fused activation.
 */
public final class L2Pool2d implements OpKernel {
  static final int INPUT = 0;
  static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec input = ctx.input(INPUT);
    TensorSpec output = ctx.output(OUTPUT);
    ctx.requireType(input, "input", DataType.FLOAT32);
    ctx.requireType(output, "output", DataType.FLOAT32);
    ctx.requireRank(input, "input", 4);
    Pool2DOptions o = ctx.options(BuiltinOptions.Pool2DOptions, new Pool2DOptions());
    int strideH = o.strideH();
    int strideW = o.strideW();
    int filterH = o.filterHeight();
    int filterW = o.filterWidth();
    if (strideH <= 0 || strideW <= 0 || filterH <= 0 || filterW <= 0) {
      throw ctx.error("strides and filter sizes must be positive");
    }
    float[] range = Activation.floatRange(o.fusedActivationFunction(), ctx);
    int batches = input.dim(0);
    int inH = input.dim(1);
    int inW = input.dim(2);
    int depth = input.dim(3);
    int outH = Padding.outSize(o.padding(), inH, filterH, strideH, 1);
    int outW = Padding.outSize(o.padding(), inW, filterW, strideW, 1);
    int padH = Padding.before(strideH, 1, inH, filterH, outH);
    int padW = Padding.before(strideW, 1, inW, filterW, outW);
    ctx.setOutputShape(OUTPUT, batches, outH, outW, depth);
    int in = ctx.inputIndex(INPUT);
    int out = ctx.outputIndex(OUTPUT);
    float min = range[0];
    float max = range[1];
    return c ->
        L2PoolKernels.l2Pool(
            c.array(in),
            c.offset(in),
            c.array(out),
            c.offset(out),
            batches,
            inH,
            inW,
            depth,
            outH,
            outW,
            strideH,
            strideW,
            filterH,
            filterW,
            padH,
            padW,
            min,
            max);
  }
}
