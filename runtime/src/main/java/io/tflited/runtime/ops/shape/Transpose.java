package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * TRANSPOSE (TFLite transpose.cc): output dim i is input dim perm[i]; perm is a known
 * permutation of [0, rank) (int32/int64). Any rank.
 */
public final class Transpose implements OpKernel {
  public static final int INPUT = 0;
  public static final int PERM = 1;
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
    int[] perm = ctx.knownInts(ctx.input(PERM), "perm");
    if (perm.length != rank) {
      throw ctx.error("perm has " + perm.length + " elements for a rank-" + rank + " input");
    }
    boolean[] seen = new boolean[rank];
    int[] outShape = new int[rank];
    int[] inStrides = StridedCopy.strides(shape);
    int[] src = new int[rank];
    for (int i = 0; i < rank; i++) {
      int p = perm[i];
      if (p < 0 || p >= rank || seen[p]) {
        throw ctx.error("perm " + java.util.Arrays.toString(perm) + " is not a permutation");
      }
      seen[p] = true;
      outShape[i] = shape[p];
      src[i] = inStrides[p];
    }
    ctx.setOutputShape(OUTPUT, outShape);
    StridedCopy copy =
        StridedCopy.plan(outShape, src, StridedCopy.strides(outShape), in.type().byteSize());
    int inIdx = ctx.inputIndex(INPUT);
    int outIdx = ctx.outputIndex(OUTPUT);
    return c -> copy.run(c.array(inIdx), c.offset(inIdx), c.array(outIdx), c.offset(outIdx));
  }
}
