package io.tflited.runtime.ops.shape;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.GatherKernels;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * GATHER_ND (TFLite gather_nd.cc): indices of shape [..., depth] (int32/int64, depth at most
 * the params rank) select slices params[i0, ..., i(depth-1)]; output = indices.shape[:-1] +
 * params.shape[depth:]. An index out of range fails the invocation.
 */
public final class GatherNd implements OpKernel {
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
    int[] p = params.shape();
    int[] q = indices.shape();
    if (p.length < 1 || q.length < 1) {
      throw ctx.error("params and indices must have rank at least 1");
    }
    int depth = q[q.length - 1];
    if (depth > p.length) {
      throw ctx.error("index depth " + depth + " exceeds params rank " + p.length);
    }
    int[] outShape = new int[q.length - 1 + p.length - depth];
    int k = 0;
    for (int i = 0; i < q.length - 1; i++) {
      outShape[k++] = q[i];
    }
    for (int i = depth; i < p.length; i++) {
      outShape[k++] = p[i];
    }
    ctx.setOutputShape(OUTPUT, outShape);
    int es = params.type().byteSize();
    int[] strides = StridedCopy.strides(p);
    int[] dims = new int[depth];
    int[] strideBytes = new int[depth];
    for (int i = 0; i < depth; i++) {
      dims[i] = p[i];
      strideBytes[i] = strides[i] * es;
    }
    int sliceBytes = (int) ShapeSupport.product(p, depth, p.length) * es;
    int n = (int) ShapeSupport.product(q, 0, q.length - 1);
    boolean wide = indices.type() == DataType.INT64;
    int pi = ctx.inputIndex(PARAMS);
    int ii = ctx.inputIndex(INDICES);
    int o = ctx.outputIndex(OUTPUT);
    return c -> {
      int bad =
          GatherKernels.gatherNd(c.array(pi), c.offset(pi), c.array(ii), c.offset(ii), wide,
              c.array(o), c.offset(o), n, dims, strideBytes, sliceBytes);
      if (bad >= 0) {
        throw new InvocationException("GATHER_ND index tuple " + bad + " is out of range for params "
            + java.util.Arrays.toString(dims));
      }
    };
  }
}
