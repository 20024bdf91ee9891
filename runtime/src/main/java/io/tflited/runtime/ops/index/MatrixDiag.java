package io.tflited.runtime.ops.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.index.IndexKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * MATRIX_DIAG (TFLite matrix_diag.cc): input [..., n] becomes [..., n, n] with the input on
 * the main diagonal and zeros (raw zero bytes, as TFLite writes) elsewhere.
 */
public final class MatrixDiag implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(in, "input", DataType.FLOAT32, DataType.UINT8, DataType.INT8,
        DataType.INT32, DataType.INT64);
    IndexSupport.requireSameType(ctx, in, out);
    if (in.rank() < 1) {
      throw ctx.error("input must have rank >= 1");
    }
    int[] s = in.shape();
    int n = s[s.length - 1];
    int[] os = java.util.Arrays.copyOf(s, s.length + 1);
    os[s.length] = n;
    ctx.setOutputShape(OUTPUT, os);
    int batches = (int) IndexSupport.product(s, 0, s.length - 1);
    int size = in.type().byteSize();
    int ii = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> IndexKernels.matrixDiag(c.array(ii), c.offset(ii), c.array(o), c.offset(o),
        batches, n, size);
  }
}
