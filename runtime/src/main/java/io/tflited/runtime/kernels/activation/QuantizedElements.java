package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;

/** Reads and writes integer tensor elements of the quantized storage types as ints. */
public final class QuantizedElements {
  private QuantizedElements() {}

  /** Element {@code i} of an int8/uint8/int16/int32 tensor starting at byte {@code off}. */
  public static int get(byte[] a, int off, int i, DataType t) {
    return switch (t) {
      case INT8 -> a[off + i];
      case UINT8 -> a[off + i] & 0xff;
      case INT16 -> LittleEndian.getShort(a, off + 2 * i);
      case INT32 -> LittleEndian.getInt(a, off + 4 * i);
      default -> throw new IllegalArgumentException("not an integer quantized type: " + t);
    };
  }

  /** Stores {@code v} (already in the type's range) as element {@code i}. */
  public static void set(byte[] a, int off, int i, DataType t, int v) {
    switch (t) {
      case INT8, UINT8 -> a[off + i] = (byte) v;
      case INT16 -> LittleEndian.setShort(a, off + 2 * i, (short) v);
      case INT32 -> LittleEndian.setInt(a, off + 4 * i, v);
      default -> throw new IllegalArgumentException("not an integer quantized type: " + t);
    }
  }

  /** {min, max} of a quantized storage type. */
  public static int min(DataType t) {
    return switch (t) {
      case INT8 -> -128;
      case UINT8 -> 0;
      case INT16 -> -32768;
      default -> Integer.MIN_VALUE;
    };
  }

  public static int max(DataType t) {
    return switch (t) {
      case INT8 -> 127;
      case UINT8 -> 255;
      case INT16 -> 32767;
      default -> Integer.MAX_VALUE;
    };
  }

  /**
   * C++ {@code static_cast<int32_t>(double)} as x86-64 executes it (cvttsd2si): truncation,
   * and the "integer indefinite" value INT_MIN for NaN and out-of-range values.
   */
  public static int x86DoubleToInt(double d) {
    if (!(d > -2147483649.0 && d < 2147483648.0)) {
      return Integer.MIN_VALUE;
    }
    return (int) d;
  }

  /** C++ {@code static_cast<int32_t>(float)} on x86-64 (cvttss2si). */
  public static int x86FloatToInt(float f) {
    if (!(f >= -2147483648.0f && f < 2147483648.0f)) {
      return Integer.MIN_VALUE;
    }
    return (int) f;
  }

  /** C++ {@code static_cast<int64_t>(float)} on x86-64 (64-bit cvttss2si). */
  public static long x86FloatToLong(float f) {
    if (!(f >= -9.223372036854775808E18f && f < 9.223372036854775808E18f)) {
      return Long.MIN_VALUE;
    }
    return (long) f;
  }
}
