package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.UnpackOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * UNPACK (TFLite unpack.cc): splits the input along {@code axis} into {@code num} tensors of
 * one rank less; {@code num} 0 means the axis size. Data is copied unchanged.
 */
public final class Unpack implements OpKernel {
  public static final int INPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    UnpackOptions opts = ctx.options(BuiltinOptions.UnpackOptions, new UnpackOptions());
    TensorSpec in = ctx.input(INPUT);
    int rank = in.rank();
    int axis = ShapeSupport.axis(ctx, opts.axis(), rank, "axis");
    int num = opts.num() == 0 ? in.dim(axis) : opts.num();
    if (num != in.dim(axis)) {
      throw ctx.error("num " + num + " differs from dimension " + axis + " size " + in.dim(axis));
    }
    ctx.checkOutputCount(num, num);
    int[] shape = in.shape();
    int[] outShape = new int[rank - 1];
    for (int i = 0, j = 0; i < rank; i++) {
      if (i != axis) {
        outShape[j++] = shape[i];
      }
    }
    int[] outs = new int[num];
    for (int i = 0; i < num; i++) {
      TensorSpec out = ctx.output(i);
      ShapeSupport.requireSameType(ctx, in, out);
      ctx.setOutputShape(i, outShape);
      outs[i] = ctx.outputIndex(i);
    }
    int es = in.type().byteSize();
    int outer = (int) ShapeSupport.product(shape, 0, axis);
    int chunk = (int) ShapeSupport.product(shape, axis + 1, rank) * es;
    int inIdx = ctx.inputIndex(INPUT);
    return c -> {
      byte[] src = c.array(inIdx);
      int pos = c.offset(inIdx);
      for (int k = 0; k < outer; k++) {
        for (int i = 0; i < num; i++) {
          System.arraycopy(src, pos, c.array(outs[i]), c.offset(outs[i]) + k * chunk, chunk);
          pos += chunk;
        }
      }
    };
  }
}
