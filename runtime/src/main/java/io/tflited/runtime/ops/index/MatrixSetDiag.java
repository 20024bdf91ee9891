package io.tflited.runtime.ops.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.index.IndexKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * MATRIX_SET_DIAG (TFLite matrix_set_diag.cc): output = input [..., m, n] with the main
 * diagonal of each matrix replaced by diagonal [..., min(m, n)].
 */
public final class MatrixSetDiag implements OpKernel {
  public static final int INPUT = 0;
  public static final int DIAGONAL = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec diag = ctx.input(DIAGONAL);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(in, "input", DataType.FLOAT32, DataType.UINT8, DataType.INT8,
        DataType.INT32, DataType.INT64);
    IndexSupport.requireSameType(ctx, in, out);
    IndexSupport.requireSameType(ctx, in, diag);
    if (in.rank() < 2) {
      throw ctx.error("input must have rank >= 2");
    }
    int[] s = in.shape();
    int rows = s[s.length - 2];
    int cols = s[s.length - 1];
    int[] expect = Arrays.copyOf(s, s.length - 1);
    expect[expect.length - 1] = Math.min(rows, cols);
    if (!Arrays.equals(expect, diag.shape())) {
      throw ctx.error("diagonal shape " + Arrays.toString(diag.shape()) + " should be "
          + Arrays.toString(expect));
    }
    ctx.setOutputShape(OUTPUT, s.clone());
    int batches = (int) IndexSupport.product(s, 0, s.length - 2);
    int size = in.type().byteSize();
    int ii = ctx.inputIndex(INPUT);
    int di = ctx.inputIndex(DIAGONAL);
    int o = ctx.outputIndex(OUTPUT);
    return c -> IndexKernels.matrixSetDiag(c.array(ii), c.offset(ii), c.array(di), c.offset(di),
        c.array(o), c.offset(o), batches, rows, cols, size);
  }
}
