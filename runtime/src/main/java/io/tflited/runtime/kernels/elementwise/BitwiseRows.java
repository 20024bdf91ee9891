package io.tflited.runtime.kernels.elementwise;

import io.tflited.runtime.kernels.LittleEndian;

/**
 * Rows of BITWISE_XOR and RIGHT_SHIFT (TFLite bitwise_xor.cc, right_shift.cc). XOR works on
 * bytes, so signed and unsigned types share it. RIGHT_SHIFT is arithmetic for signed types and
 * logical for unsigned ones, with the shift clamped to [0, width-1] as TFLite does.
 */
public final class BitwiseRows {
  private BitwiseRows() {}

  /** XOR of {@code n} elements of {@code size} bytes; the output is contiguous. */
  public static void xorRow(
      int size, byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs) {
      for (int j = 0; j < size; j++) {
        o[oi++] = (byte) (a[ai + j] ^ b[bi + j]);
      }
    }
  }

  /** The clamp to [0, width-1]; {@code y} is the shift amount as its own type reads it. */
  private static int clampShift(long y, int width) {
    return y < 0 ? 0 : (int) Math.min(y, width - 1);
  }

  public static void rightShiftInt8(
      byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
      o[oi] = (byte) (a[ai] >> clampShift(b[bi], 8));
    }
  }

  public static void rightShiftUint8(
      byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
      o[oi] = (byte) ((a[ai] & 0xff) >>> clampShift(b[bi] & 0xff, 8));
    }
  }

  public static void rightShiftInt16(
      byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 2) {
      int s = clampShift(LittleEndian.getShort(b, bi), 16);
      LittleEndian.setShort(o, oi, (short) (LittleEndian.getShort(a, ai) >> s));
    }
  }

  public static void rightShiftUint16(
      byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 2) {
      int s = clampShift(LittleEndian.getShort(b, bi) & 0xffff, 16);
      LittleEndian.setShort(o, oi, (short) ((LittleEndian.getShort(a, ai) & 0xffff) >>> s));
    }
  }

  public static void rightShiftInt32(
      byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
      int s = clampShift(LittleEndian.getInt(b, bi), 32);
      LittleEndian.setInt(o, oi, LittleEndian.getInt(a, ai) >> s);
    }
  }

  public static void rightShiftUint32(
      byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
      int s = clampShift(Integer.toUnsignedLong(LittleEndian.getInt(b, bi)), 32);
      LittleEndian.setInt(o, oi, LittleEndian.getInt(a, ai) >>> s);
    }
  }
}
