package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.elementwise.BitwiseRows;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * RIGHT_SHIFT (TFLite right_shift.cc; absent from 2.4.1) on int8/uint8/int16/uint16/int32/
 * uint32 with TFLite's broadcasting. Signed types shift arithmetically, unsigned logically.
 * The shift amount is clamped as TFLite does: below 0 to 0 and above width-1 to width-1, so
 * shifting by >= the bit width gives 0 (or -1 for negative signed values).
 */
public final class RightShift implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    BitwiseSupport.check(ctx);
    BinaryRow row = switch (ctx.input(Binary.INPUT1).type()) {
      case INT8 -> BitwiseRows::rightShiftInt8;
      case UINT8 -> BitwiseRows::rightShiftUint8;
      case INT16 -> BitwiseRows::rightShiftInt16;
      case UINT16 -> BitwiseRows::rightShiftUint16;
      case INT32 -> BitwiseRows::rightShiftInt32;
      default -> BitwiseRows::rightShiftUint32;
    };
    return Binary.op(ctx, row);
  }
}
