package io.tflited.runtime.kernels.elementwise;

import static io.tflited.runtime.kernels.LittleEndian.getShort;
import static io.tflited.runtime.kernels.LittleEndian.setShort;

import io.tflited.runtime.DataType;
import io.tflited.runtime.quant.FixedPoint;

/**
 * TFLite's general quantized ADD (and SUB, with input 2's multiplier negated) for int8,
 * uint8 and int16: both inputs are offset, shifted left by {@code leftShift} (20 for 8-bit,
 * 15 for int16), rescaled to a common scale by Q31 multipliers smaller than one, summed,
 * rescaled to the output, offset and clamped (reference_ops AddElementwise).
 */
public final class QuantizedAddRow implements BinaryRow {
  private final DataType type;
  private final int off1;
  private final int off2;
  private final int outOff;
  private final int leftShift;
  private final int m1;
  private final int s1;
  private final int m2;
  private final int s2;
  private final int mo;
  private final int so;
  private final int lo;
  private final int hi;
  /** For 8-bit types: the rescaled value of every raw input (index raw + 128 or raw). */
  private final int[] table1;
  private final int[] table2;

  /**
   * Shifts are TFLite's (non-positive) exponents; offsets are the negated input zero points
   * and the output zero point.
   */
  public QuantizedAddRow(
      DataType type, int off1, int off2, int outOff, int leftShift, int m1, int s1, int m2,
      int s2, int mo, int so, int lo, int hi) {
    this.type = type;
    this.off1 = off1;
    this.off2 = off2;
    this.outOff = outOff;
    this.leftShift = leftShift;
    this.m1 = m1;
    this.s1 = s1;
    this.m2 = m2;
    this.s2 = s2;
    this.mo = mo;
    this.so = so;
    this.lo = lo;
    this.hi = hi;
    if (type == DataType.INT8 || type == DataType.UINT8) {
      int base = type == DataType.INT8 ? -128 : 0;
      table1 = new int[256];
      table2 = new int[256];
      for (int i = 0; i < 256; i++) {
        table1[i] = scale1(base + i);
        table2[i] = scale2(base + i);
      }
    } else {
      table1 = null;
      table2 = null;
    }
  }

  private int scale1(int x) {
    return FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(
        (off1 + x) * (1 << leftShift), m1, s1);
  }

  private int scale2(int y) {
    return FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(
        (off2 + y) * (1 << leftShift), m2, s2);
  }

  private int output(int sum) {
    int raw = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(sum, mo, so) + outOff;
    return Math.min(hi, Math.max(lo, raw));
  }

  /** The result for one pair of raw input values. */
  public int compute(int x, int y) {
    return output(scale1(x) + scale2(y));
  }

  @Override
  public void apply(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    switch (type) {
      case INT8 -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          o[oi] = (byte) output(table1[a[ai] + 128] + table2[b[bi] + 128]);
        }
      }
      case UINT8 -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          o[oi] = (byte) output(table1[a[ai] & 0xff] + table2[b[bi] & 0xff]);
        }
      }
      case INT16 -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 2) {
          setShort(o, oi, (short) compute(getShort(a, ai), getShort(b, bi)));
        }
      }
      default -> throw new IllegalStateException(type.toString());
    }
  }
}
