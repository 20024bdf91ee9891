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
  }

  /** The result for one pair of raw input values. */
  public int compute(int x, int y) {
    int v1 = (off1 + x) * (1 << leftShift);
    int v2 = (off2 + y) * (1 << leftShift);
    int sc1 = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(v1, m1, s1);
    int sc2 = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(v2, m2, s2);
    int raw = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(sc1 + sc2, mo, so) + outOff;
    return Math.min(hi, Math.max(lo, raw));
  }

  @Override
  public void apply(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    switch (type) {
      case INT8 -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          o[oi] = (byte) compute(a[ai], b[bi]);
        }
      }
      case UINT8 -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          o[oi] = (byte) compute(a[ai] & 0xff, b[bi] & 0xff);
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
