package io.tflited.runtime.kernels.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.quant.FixedPoint;

/**
 * Quantized PRELU (TFLite BroadcastPrelu4DSlow): a non-negative offset input is rescaled by
 * multiplier 1 (s_in / s_out); a negative one is multiplied by the offset alpha and rescaled
 * by multiplier 2 (s_in * s_alpha / s_out); then the output offset and the type's clamp.
 */
public final class QuantizedPreluRow implements BinaryRow {
  private final DataType type;
  private final int inOff;
  private final int alphaOff;
  private final int outOff;
  private final int m1;
  private final int s1;
  private final int m2;
  private final int s2;
  private final int lo;
  private final int hi;

  public QuantizedPreluRow(
      DataType type, int inOff, int alphaOff, int outOff, int m1, int s1, int m2, int s2) {
    this.type = type;
    this.inOff = inOff;
    this.alphaOff = alphaOff;
    this.outOff = outOff;
    this.m1 = m1;
    this.s1 = s1;
    this.m2 = m2;
    this.s2 = s2;
    this.lo = type == DataType.UINT8 ? 0 : -128;
    this.hi = type == DataType.UINT8 ? 255 : 127;
  }

  public int compute(int x, int alpha) {
    int v = inOff + x;
    int r;
    if (v >= 0) {
      r = FixedPoint.multiplyByQuantizedMultiplier(v, m1, s1);
    } else {
      r = FixedPoint.multiplyByQuantizedMultiplier(v * (alphaOff + alpha), m2, s2);
    }
    r += outOff;
    return Math.min(hi, Math.max(lo, r));
  }

  @Override
  public void apply(byte[] a, int ai, int as, byte[] b, int bi, int bs, byte[] o, int oi, int n) {
    if (type == DataType.UINT8) {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
        o[oi] = (byte) compute(a[ai] & 0xff, b[bi] & 0xff);
      }
    } else {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
        o[oi] = (byte) compute(a[ai], b[bi]);
      }
    }
  }
}
