package io.tflited.runtime.kernels.elementwise;

import static io.tflited.runtime.kernels.LittleEndian.getFloat;
import static io.tflited.runtime.kernels.LittleEndian.getInt;
import static io.tflited.runtime.kernels.LittleEndian.getLong;

import io.tflited.runtime.DataType;
import io.tflited.runtime.quant.FixedPoint;

/**
 * LESS, GREATER, EQUAL, NOT_EQUAL, LESS_EQUAL, GREATER_EQUAL into a bool output (one byte,
 * 0 or 1). Floats compare as C++ does (any comparison with NaN is false, except !=). int8
 * and uint8 inputs are first brought to a common scale as TFLite's ComparisonWithScaling
 * does: offset, shift left by 8, multiply by the input's scale as a Q31 multiplier.
 */
public final class CompareRow implements BinaryRow {
  /** The comparison. */
  public enum Op {
    LESS,
    GREATER,
    EQUAL,
    NOT_EQUAL,
    LESS_EQUAL,
    GREATER_EQUAL
  }

  private final Op op;
  private final DataType type;
  private final boolean scaled;
  private final int off1;
  private final int m1;
  private final int s1;
  private final int off2;
  private final int m2;
  private final int s2;

  /** Raw comparison (float32, int32, int64, bool; int8/uint8 without rescaling). */
  public CompareRow(Op op, DataType type) {
    this(op, type, false, 0, 0, 0, 0, 0, 0);
  }

  /** int8/uint8 comparison with TFLite's rescaling (left shift 8). */
  public CompareRow(Op op, DataType type, int off1, int m1, int s1, int off2, int m2, int s2) {
    this(op, type, true, off1, m1, s1, off2, m2, s2);
  }

  private CompareRow(
      Op op, DataType type, boolean scaled, int off1, int m1, int s1, int off2, int m2, int s2) {
    this.op = op;
    this.type = type;
    this.scaled = scaled;
    this.off1 = off1;
    this.m1 = m1;
    this.s1 = s1;
    this.off2 = off2;
    this.m2 = m2;
    this.s2 = s2;
  }

  private boolean test(long x, long y) {
    return switch (op) {
      case LESS -> x < y;
      case GREATER -> x > y;
      case EQUAL -> x == y;
      case NOT_EQUAL -> x != y;
      case LESS_EQUAL -> x <= y;
      case GREATER_EQUAL -> x >= y;
    };
  }

  private boolean test(float x, float y) {
    return switch (op) {
      case LESS -> x < y;
      case GREATER -> x > y;
      case EQUAL -> x == y;
      case NOT_EQUAL -> x != y;
      case LESS_EQUAL -> x <= y;
      case GREATER_EQUAL -> x >= y;
    };
  }

  // For scales below 1 (the only ones TFLite 2.4.1 accepts) this is exactly its
  // MultiplyByQuantizedMultiplierSmallerThanOneExp; larger scales shift left instead.
  private int scale1(int x) {
    return FixedPoint.multiplyByQuantizedMultiplier((off1 + x) * (1 << 8), m1, s1);
  }

  private int scale2(int y) {
    return FixedPoint.multiplyByQuantizedMultiplier((off2 + y) * (1 << 8), m2, s2);
  }

  @Override
  public void apply(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    switch (type) {
      case FLOAT32 -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          o[oi] = (byte) (test(getFloat(a, ai), getFloat(b, bi)) ? 1 : 0);
        }
      }
      case INT32 -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          o[oi] = (byte) (test(getInt(a, ai), getInt(b, bi)) ? 1 : 0);
        }
      }
      case INT64 -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          o[oi] = (byte) (test(getLong(a, ai), getLong(b, bi)) ? 1 : 0);
        }
      }
      case BOOL -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          o[oi] = (byte) (test(a[ai] != 0 ? 1 : 0, b[bi] != 0 ? 1 : 0) ? 1 : 0);
        }
      }
      case INT8 -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          int x = a[ai];
          int y = b[bi];
          boolean r = scaled ? test(scale1(x), scale2(y)) : test(x, y);
          o[oi] = (byte) (r ? 1 : 0);
        }
      }
      case UINT8 -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          int x = a[ai] & 0xff;
          int y = b[bi] & 0xff;
          boolean r = scaled ? test(scale1(x), scale2(y)) : test(x, y);
          o[oi] = (byte) (r ? 1 : 0);
        }
      }
      default -> throw new IllegalStateException(type.toString());
    }
  }
}
