package io.tflited.runtime.ops.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.index.IndexKernels;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.LocalResponseNormalizationOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * LOCAL_RESPONSE_NORMALIZATION (TFLite local_response_norm.cc, float32, rank 4): along the
 * channel dimension, out = in * (bias + alpha * sum_{|j - i| <= radius} in_j^2)^-beta.
 */
public final class LocalResponseNormalization implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(in, "input", DataType.FLOAT32);
    ctx.requireType(out, "output", DataType.FLOAT32);
    ctx.requireRank(in, "input", 4);
    var opts = ctx.options(BuiltinOptions.LocalResponseNormalizationOptions,
        new LocalResponseNormalizationOptions());
    int radius = opts.radius();
    float bias = opts.bias();
    float alpha = opts.alpha();
    float beta = opts.beta();
    int[] s = in.shape();
    ctx.setOutputShape(OUTPUT, s.clone());
    int depth = s[3];
    int outer = s[0] * s[1] * s[2];
    int ii = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> IndexKernels.localResponseNorm(c.array(ii), c.offset(ii), c.array(o), c.offset(o),
        outer, depth, radius, bias, alpha, beta);
  }
}
