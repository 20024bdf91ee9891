package io.tflited.runtime.kernels.elementwise;

import static io.tflited.runtime.kernels.LittleEndian.getShort;
import static io.tflited.runtime.kernels.LittleEndian.setShort;

import io.tflited.runtime.quant.FixedPoint;

/**
 * TFLite's int16 ADD/SUB for symmetric power-of-two scales (the LSTM path): one input is
 * rounding-shifted right to the output's scale, then a saturating int16 add or subtract,
 * then the activation clamp.
 */
public final class Int16PotAddRow implements BinaryRow {
  private final int shift1;
  private final int shift2;
  private final boolean subtract;
  private final int lo;
  private final int hi;

  /** Shifts are right shifts (>= 0) applied to inputs 1 and 2. */
  public Int16PotAddRow(int shift1, int shift2, boolean subtract, int lo, int hi) {
    this.shift1 = shift1;
    this.shift2 = shift2;
    this.subtract = subtract;
    this.lo = lo;
    this.hi = hi;
  }

  public int compute(int x, int y) {
    int a = FixedPoint.roundingDivideByPot(x, shift1);
    int b = FixedPoint.roundingDivideByPot(y, shift2);
    int r = subtract ? a - b : a + b;
    r = Math.max(-32768, Math.min(32767, r));
    return Math.min(hi, Math.max(lo, r));
  }

  @Override
  public void apply(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 2) {
      setShort(o, oi, (short) compute(getShort(a, ai), getShort(b, bi)));
    }
  }
}
