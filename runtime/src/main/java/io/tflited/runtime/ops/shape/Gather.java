package io.tflited.runtime.ops.shape;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.GatherKernels;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.GatherOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * GATHER (TFLite gather.cc): output = params.shape[:axis] + indices.shape[batch_dims:] +
 * params.shape[axis+1:], taking slices of params along {@code axis} (negative counts from the
 * end) at int32/int64 indices; the first {@code batch_dims} dimensions of params and indices
 * are batch dimensions. An index outside [0, params.shape[axis]) fails the invocation.
 */
public final class Gather implements OpKernel {
  public static final int PARAMS = 0;
  public static final int INDICES = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec params = ctx.input(PARAMS);
    TensorSpec indices = ctx.input(INDICES);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, params, out);
    ctx.requireType(indices, "indices", DataType.INT32, DataType.INT64);
    GatherOptions opts = ctx.options(BuiltinOptions.GatherOptions, new GatherOptions());
    int[] p = params.shape();
    int[] q = indices.shape();
    int axis = ShapeSupport.axis(ctx, opts.axis(), p.length, "axis");
    int bd = opts.batchDims();
    if (bd < 0) {
      bd += q.length;
    }
    if (bd < 0 || bd > q.length || bd > axis) {
      throw ctx.error("batch_dims " + opts.batchDims() + " is invalid for axis " + axis
          + " and indices rank " + q.length);
    }
    for (int i = 0; i < bd; i++) {
      if (p[i] != q[i]) {
        throw ctx.error("params " + Arrays.toString(p) + " and indices " + Arrays.toString(q)
            + " differ in batch dimension " + i);
      }
    }
    int[] outShape = new int[p.length + q.length - 1 - bd];
    int k = 0;
    for (int i = 0; i < axis; i++) {
      outShape[k++] = p[i];
    }
    for (int i = bd; i < q.length; i++) {
      outShape[k++] = q[i];
    }
    for (int i = axis + 1; i < p.length; i++) {
      outShape[k++] = p[i];
    }
    ctx.setOutputShape(OUTPUT, outShape);
    int batch = (int) ShapeSupport.product(p, 0, bd);
    int outer = (int) ShapeSupport.product(p, bd, axis);
    int axisSize = p[axis];
    int innerBytes = (int) ShapeSupport.product(p, axis + 1, p.length) * params.type().byteSize();
    int coords = (int) ShapeSupport.product(q, bd, q.length);
    boolean wide = indices.type() == DataType.INT64;
    int pi = ctx.inputIndex(PARAMS);
    int ii = ctx.inputIndex(INDICES);
    int o = ctx.outputIndex(OUTPUT);
    return c -> {
      int bad =
          GatherKernels.gather(c.array(pi), c.offset(pi), c.array(ii), c.offset(ii), wide,
              c.array(o), c.offset(o), batch, outer, axisSize, coords, innerBytes);
      if (bad >= 0) {
        throw new InvocationException(
            "GATHER index " + GatherKernels.index(c.array(ii), c.offset(ii), wide, bad)
                + " is out of range [0, " + axisSize + ")");
      }
    };
  }
}
