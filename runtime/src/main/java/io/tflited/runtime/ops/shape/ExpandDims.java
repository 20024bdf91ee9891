package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * EXPAND_DIMS (TFLite expand_dims.cc): inserts a size-1 dimension at the axis given by input 1
 * (int32/int64, in [-rank-1, rank]; negative counts from the end of the output).
 */
public final class ExpandDims implements OpKernel {
  public static final int INPUT = 0;
  public static final int AXIS = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    int rank = in.rank();
    int axis = ShapeSupport.knownScalar(ctx, ctx.input(AXIS), "axis");
    if (axis < 0) {
      axis += rank + 1;
    }
    if (axis < 0 || axis > rank) {
      throw ctx.error("axis out of range for rank " + rank);
    }
    int[] shape = in.shape();
    int[] outShape = new int[rank + 1];
    for (int i = 0, j = 0; i <= rank; i++) {
      outShape[i] = i == axis ? 1 : shape[j++];
    }
    ctx.setOutputShape(OUTPUT, outShape);
    return Reshape.copy(ctx.inputIndex(INPUT), ctx.outputIndex(OUTPUT), (int) in.byteSize());
  }
}
