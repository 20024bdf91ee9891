package io.tflited.runtime.kernels.elementwise;

import io.tflited.runtime.quant.ElementwiseFixedPoint;
import io.tflited.runtime.quant.FixedPoint;

/**
 * TFLite 2.4.1's uint8 DIV (DivElementwise): the offset divisor's reciprocal in Q0.31 (its
 * sign carried by the multiplier), the offset dividend shifted to full headroom and
 * multiplied by it, then rescaled by s1 / (s2 * so) with the accumulated shifts. The caller
 * guarantees no divisor equals its zero point.
 */
public final class QuantizedDivRow implements BinaryRow {
  private final int off1;
  private final int off2;
  private final int outOff;
  private final int m;
  private final int s;
  private final int lo;
  private final int hi;

  public QuantizedDivRow(int off1, int off2, int outOff, int m, int s, int lo, int hi) {
    this.off1 = off1;
    this.off2 = off2;
    this.outOff = outOff;
    this.m = m;
    this.s = s;
    this.lo = lo;
    this.hi = hi;
  }

  public int compute(int x, int y) {
    int v1 = off1 + x;
    int v2 = off2 + y;
    int abs2 = v2 > 0 ? v2 : -v2;
    int recipShift = ElementwiseFixedPoint.reciprocalShift(abs2, 31);
    int inv = ElementwiseFixedPoint.reciprocalMantissa(abs2);
    if (v2 < 0) {
      inv = -inv;
    }
    int headroom = ElementwiseFixedPoint.countLeadingSignBits(v1);
    int unscaled = FixedPoint.multiplyByQuantizedMultiplierGreaterThanOne(v1, inv, headroom);
    int totalShift = s - recipShift - headroom;
    int r = outOff + FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(unscaled, m, totalShift);
    return Math.min(hi, Math.max(lo, r));
  }

  @Override
  public void apply(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
      o[oi] = (byte) compute(a[ai] & 0xff, b[bi] & 0xff);
    }
  }
}
