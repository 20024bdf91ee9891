package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.LittleEndian;
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
      case INT8 -> RightShift::int8Row;
      case UINT8 -> RightShift::uint8Row;
      case INT16 -> RightShift::int16Row;
      case UINT16 -> RightShift::uint16Row;
      case INT32 -> RightShift::int32Row;
      default -> RightShift::uint32Row;
    };
    return Binary.op(ctx, row);
  }

  /** The clamp to [0, width-1]; {@code y} is the shift amount as its own type reads it. */
  private static int clampShift(long y, int width) {
    return y < 0 ? 0 : (int) Math.min(y, width - 1);
  }

  static void int8Row(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
      o[oi] = (byte) (a[ai] >> clampShift(b[bi], 8));
    }
  }

  static void uint8Row(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
      o[oi] = (byte) ((a[ai] & 0xff) >>> clampShift(b[bi] & 0xff, 8));
    }
  }

  static void int16Row(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 2) {
      int s = clampShift(LittleEndian.getShort(b, bi), 16);
      LittleEndian.setShort(o, oi, (short) (LittleEndian.getShort(a, ai) >> s));
    }
  }

  static void uint16Row(
      byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 2) {
      int s = clampShift(LittleEndian.getShort(b, bi) & 0xffff, 16);
      LittleEndian.setShort(o, oi, (short) ((LittleEndian.getShort(a, ai) & 0xffff) >>> s));
    }
  }

  static void int32Row(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
      int s = clampShift(LittleEndian.getInt(b, bi), 32);
      LittleEndian.setInt(o, oi, LittleEndian.getInt(a, ai) >> s);
    }
  }

  static void uint32Row(
      byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
      int s = clampShift(Integer.toUnsignedLong(LittleEndian.getInt(b, bi)), 32);
      LittleEndian.setInt(o, oi, LittleEndian.getInt(a, ai) >>> s);
    }
  }
}
