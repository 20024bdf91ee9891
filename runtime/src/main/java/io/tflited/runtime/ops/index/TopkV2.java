package io.tflited.runtime.ops.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.index.IndexKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * TOPK_V2 (TFLite topk_v2.cc): the k largest entries of each innermost row, sorted by value
 * descending with ties broken by the smaller index first; outputs values (input type) and
 * int32 indices, both shaped input.shape[:-1] + [k]. k must be known at prepare.
 */
public final class TopkV2 implements OpKernel {
  public static final int INPUT = 0;
  public static final int K = 1;
  public static final int VALUES = 0;
  public static final int INDICES = 1;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(2, 2);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec kt = ctx.input(K);
    TensorSpec values = ctx.output(VALUES);
    TensorSpec indices = ctx.output(INDICES);
    ctx.requireType(in, "input", DataType.FLOAT32, DataType.UINT8, DataType.INT8, DataType.INT32,
        DataType.INT64);
    ctx.requireType(kt, "k", DataType.INT32);
    ctx.requireType(indices, "indices output", DataType.INT32);
    IndexSupport.requireSameType(ctx, in, values);
    if (in.rank() < 1) {
      throw ctx.error("input must have rank >= 1");
    }
    int k = IndexSupport.knownScalar(ctx, kt, "k");
    int[] s = in.shape();
    int n = s[s.length - 1];
    if (k < 0 || k > n) {
      throw ctx.error("k " + k + " is outside [0, " + n + "] (innermost dimension)");
    }
    int[] os = s.clone();
    os[os.length - 1] = k;
    ctx.setOutputShape(VALUES, os);
    ctx.setOutputShape(INDICES, os.clone());
    int rows = (int) IndexSupport.product(s, 0, s.length - 1);
    DataType t = in.type();
    int ii = ctx.inputIndex(INPUT);
    int vo = ctx.outputIndex(VALUES);
    int xo = ctx.outputIndex(INDICES);
    return c -> IndexKernels.topK(c.array(ii), c.offset(ii), t, rows, n, k, c.array(vo),
        c.offset(vo), c.array(xo), c.offset(xo));
  }
}
