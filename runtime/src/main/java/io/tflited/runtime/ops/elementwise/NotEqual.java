package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.elementwise.CompareRow;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * NOT_EQUAL: elementwise comparison into a bool tensor, for bool, float32, int32, int64, int8 and uint8 (quantized
 * inputs rescaled to a common scale as TFLite does), broadcasting up to rank 6.
 */
public final class NotEqual implements OpKernel {
  public static final int INPUT1 = Binary.INPUT1;
  public static final int INPUT2 = Binary.INPUT2;
  public static final int OUTPUT = Binary.OUTPUT;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return Comparison.prepare(ctx, CompareRow.Op.NOT_EQUAL);
  }
}
