package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * SLICE (TFLite slice.cc): known int32/int64 begin and size vectors of length rank; size -1
 * means "to the end". begin must be in [0, dim] and begin + size at most dim.
 */
public final class Slice implements OpKernel {
  public static final int INPUT = 0;
  public static final int BEGIN = 1;
  public static final int SIZE = 2;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(3, 3);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    int[] shape = in.shape();
    int rank = shape.length;
    int[] begin = ctx.knownInts(ctx.input(BEGIN), "begin");
    int[] size = ctx.knownInts(ctx.input(SIZE), "size");
    if (begin.length != rank || size.length != rank) {
      throw ctx.error("begin and size must have " + rank + " elements");
    }
    int[] outShape = new int[rank];
    int[] inStrides = StridedCopy.strides(shape);
    int base = 0;
    for (int i = 0; i < rank; i++) {
      int b = begin[i];
      int s = size[i] == -1 ? shape[i] - b : size[i];
      if (b < 0 || s < 0 || (long) b + s > shape[i]) {
        throw ctx.error("slice begin " + b + " size " + size[i] + " is out of range for dimension "
            + i + " of size " + shape[i]);
      }
      outShape[i] = s;
      base += b * inStrides[i];
    }
    ctx.setOutputShape(OUTPUT, outShape);
    int es = in.type().byteSize();
    StridedCopy copy = StridedCopy.plan(outShape, inStrides, StridedCopy.strides(outShape), es);
    int inIdx = ctx.inputIndex(INPUT);
    int outIdx = ctx.outputIndex(OUTPUT);
    int baseBytes = base * es;
    return c -> copy.run(c.array(inIdx), c.offset(inIdx) + baseBytes, c.array(outIdx), c.offset(outIdx));
  }
}
