package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SplitOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * SPLIT (TFLite split.cc): input 0 is the axis (int32 scalar, negative counts from the end),
 * input 1 the tensor; {@code num_splits} equal parts along the axis.
 */
public final class Split implements OpKernel {
  public static final int AXIS = 0;
  public static final int INPUT = 1;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    SplitOptions opts = ctx.options(BuiltinOptions.SplitOptions, new SplitOptions());
    int num = opts.numSplits();
    TensorSpec in = ctx.input(INPUT);
    ctx.checkOutputCount(num, num);
    if (num <= 0) {
      throw ctx.error("num_splits must be positive, is " + num);
    }
    int rank = in.rank();
    int axis =
        ShapeSupport.axis(ctx, ShapeSupport.knownScalar(ctx, ctx.input(AXIS), "axis"), rank, "axis");
    int size = in.dim(axis);
    if (size % num != 0) {
      throw ctx.error("dimension " + axis + " of size " + size + " is not divisible by " + num);
    }
    int[] sizes = new int[num];
    java.util.Arrays.fill(sizes, size / num);
    return SplitV.prepareParts(ctx, INPUT, axis, sizes);
  }
}
