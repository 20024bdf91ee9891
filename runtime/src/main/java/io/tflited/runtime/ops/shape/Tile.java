package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * TILE (TFLite tile.cc): repeats the input {@code multiples[i]} times along each axis
 * (multiples: known int32/int64 vector of length rank, non-negative).
 */
public final class Tile implements OpKernel {
  public static final int INPUT = 0;
  public static final int MULTIPLES = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    int[] shape = in.shape();
    int rank = shape.length;
    int[] m = ctx.knownInts(ctx.input(MULTIPLES), "multiples");
    if (m.length != rank) {
      throw ctx.error("multiples has " + m.length + " elements for a rank-" + rank + " input");
    }
    int[] outShape = new int[rank];
    for (int i = 0; i < rank; i++) {
      if (m[i] < 0) {
        throw ctx.error("multiples must be non-negative, has " + m[i]);
      }
      outShape[i] = Math.multiplyExact(shape[i], m[i]);
    }
    ctx.setOutputShape(OUTPUT, outShape);
    // View the output as [m0, d0, m1, d1, ...]: the repeat axes read the input with stride 0.
    int[] inStrides = StridedCopy.strides(shape);
    int[] outStrides = StridedCopy.strides(outShape);
    int[] viewShape = new int[2 * rank];
    int[] src = new int[2 * rank];
    int[] dst = new int[2 * rank];
    for (int i = 0; i < rank; i++) {
      viewShape[2 * i] = m[i];
      src[2 * i] = 0;
      dst[2 * i] = shape[i] * outStrides[i];
      viewShape[2 * i + 1] = shape[i];
      src[2 * i + 1] = inStrides[i];
      dst[2 * i + 1] = outStrides[i];
    }
    StridedCopy copy = StridedCopy.plan(viewShape, src, dst, in.type().byteSize());
    int inIdx = ctx.inputIndex(INPUT);
    int outIdx = ctx.outputIndex(OUTPUT);
    return c -> copy.run(c.array(inIdx), c.offset(inIdx), c.array(outIdx), c.offset(outIdx));
  }
}
