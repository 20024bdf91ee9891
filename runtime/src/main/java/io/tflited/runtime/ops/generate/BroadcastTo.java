package io.tflited.runtime.ops.generate;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * BROADCAST_TO (TFLite broadcast_to.cc): repeats the input along its size-1 (or missing leading)
 * dimensions to the known target {@code shape} (int32/int64 vector, rank at most 8).
 */
public final class BroadcastTo implements OpKernel {
  public static final int INPUT = 0;
  public static final int SHAPE = 1;
  public static final int OUTPUT = 0;
  static final int MAX_RANK = 8;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec shapeT = ctx.input(SHAPE);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(in, "input", GenerateSupport.NUMERIC);
    if (out.type() != in.type()) {
      throw ctx.error("output type " + out.type() + " differs from input type " + in.type());
    }
    ctx.requireRank(shapeT, "shape", 1);
    int[] target = ctx.knownInts(shapeT, "shape");
    int[] inShape = in.shape();
    int rank = target.length;
    if (rank > MAX_RANK) {
      throw ctx.error("output rank " + rank + " exceeds " + MAX_RANK);
    }
    if (inShape.length > rank) {
      throw ctx.error("input rank " + inShape.length + " exceeds the target rank " + rank);
    }
    int[] ext = Shapes.extend(inShape, rank);
    for (int i = 0; i < rank; i++) {
      if (target[i] < 0 || (ext[i] != 1 && ext[i] != target[i])) {
        throw ctx.error("cannot broadcast " + Shapes.str(inShape) + " to " + Shapes.str(target));
      }
    }
    ctx.setOutputShape(OUTPUT, target);
    int[] inStrides = StridedCopy.strides(ext);
    int[] src = new int[rank];
    for (int i = 0; i < rank; i++) {
      src[i] = ext[i] == 1 ? 0 : inStrides[i];
    }
    StridedCopy copy =
        StridedCopy.plan(target, src, StridedCopy.strides(target), in.type().byteSize());
    int ii = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> copy.run(c.array(ii), c.offset(ii), c.array(o), c.offset(o));
  }
}
