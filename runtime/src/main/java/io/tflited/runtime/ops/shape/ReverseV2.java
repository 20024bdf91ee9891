package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * REVERSE_V2 (TFLite reverse.cc): reverses the input along the axes of the known int32/int64
 * {@code axis} vector (negative axes count from the end; TFLite 2.4.1 accepts one axis, later
 * versions several). Any element type: the op only moves bytes.
 */
public final class ReverseV2 implements OpKernel {
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
    TensorSpec axisT = ctx.input(AXIS);
    ctx.requireRank(axisT, "axis", 1);
    int[] axes = ctx.knownInts(axisT, "axis");
    int[] shape = in.shape();
    int rank = shape.length;
    boolean[] flip = new boolean[rank];
    for (int a : axes) {
      int ax = ShapeSupport.axis(ctx, a, rank, "axis");
      if (flip[ax]) {
        throw ctx.error("axis " + a + " is given twice");
      }
      flip[ax] = true;
    }
    ctx.setOutputShape(OUTPUT, shape);
    int size = in.type().byteSize();
    int[] strides = StridedCopy.strides(shape);
    int[] src = new int[rank];
    long start = 0;
    for (int i = 0; i < rank; i++) {
      if (flip[i] && shape[i] > 0) {
        src[i] = -strides[i];
        start += (long) (shape[i] - 1) * strides[i];
      } else {
        src[i] = strides[i];
      }
    }
    StridedCopy copy = StridedCopy.plan(shape, src, strides, size);
    int startBytes = (int) (start * size);
    int ii = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> copy.run(c.array(ii), c.offset(ii) + startBytes, c.array(o), c.offset(o));
  }
}
