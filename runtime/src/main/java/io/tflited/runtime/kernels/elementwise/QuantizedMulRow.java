package io.tflited.runtime.kernels.elementwise;

import static io.tflited.runtime.kernels.LittleEndian.getShort;
import static io.tflited.runtime.kernels.LittleEndian.setShort;

import io.tflited.runtime.DataType;
import io.tflited.runtime.quant.FixedPoint;

/**
 * TFLite's quantized MUL (MulElementwise) for int8, uint8 and int16: the product of the
 * offset inputs, requantized by one multiplier, offset and clamped.
 */
public final class QuantizedMulRow implements BinaryRow {
  private final DataType type;
  private final int off1;
  private final int off2;
  private final int outOff;
  private final int m;
  private final int s;
  private final int lo;
  private final int hi;

  public QuantizedMulRow(
      DataType type, int off1, int off2, int outOff, int m, int s, int lo, int hi) {
    this.type = type;
    this.off1 = off1;
    this.off2 = off2;
    this.outOff = outOff;
    this.m = m;
    this.s = s;
    this.lo = lo;
    this.hi = hi;
  }

  public int compute(int x, int y) {
    int prod = (off1 + x) * (off2 + y);
    int raw = FixedPoint.multiplyByQuantizedMultiplier(prod, m, s) + outOff;
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
