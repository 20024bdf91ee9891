package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.quant.FixedPoint;

/** QUANTIZE and DEQUANTIZE element loops (TFLite AffineQuantize, Requantize, Dequantize). */
public final class QuantizeKernels {
  private QuantizeKernels() {}

  /**
   * float -> int8/uint8/int16: {@code round(x / (double) scale) + zeroPoint}, clamped; the
   * double-to-int32 conversion behaves as on x86-64 (out of range gives INT_MIN).
   */
  public static void affineQuantize(
      byte[] in, int inOff, byte[] out, int outOff, int n, double scale, int zeroPoint,
      DataType outType) {
    int min = QuantizedElements.min(outType);
    int max = QuantizedElements.max(outType);
    for (int i = 0; i < n; i++) {
      float v = LittleEndian.getFloat(in, inOff + 4 * i);
      double q = roundHalfAwayFromZero(v / scale);
      int u = QuantizedElements.x86DoubleToInt(q) + zeroPoint;
      int c = Math.min(Math.max(u, min), max);
      QuantizedElements.set(out, outOff, i, outType, c);
    }
  }

  /** C's round(double). */
  static double roundHalfAwayFromZero(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    double r = Math.floor(Math.abs(x) + 0.5);
    // Math.abs(x) + 0.5 can round up for the largest value below 0.5 ulp boundaries.
    if (r - Math.abs(x) > 0.5) {
      r -= 1;
    }
    return Math.copySign(r, x);
  }

  /** Quantized -> quantized: {@code MultiplyByQuantizedMultiplier(x - zpIn) + zpOut}, clamped. */
  public static void requantize(
      byte[] in, int inOff, DataType inType, int inZeroPoint,
      byte[] out, int outOff, DataType outType, int outZeroPoint,
      int n, int multiplier, int shift) {
    int min = QuantizedElements.min(outType);
    int max = QuantizedElements.max(outType);
    for (int i = 0; i < n; i++) {
      int x = QuantizedElements.get(in, inOff, i, inType) - inZeroPoint;
      int y = FixedPoint.multiplyByQuantizedMultiplier(x, multiplier, shift) + outZeroPoint;
      QuantizedElements.set(out, outOff, i, outType, Math.min(Math.max(y, min), max));
    }
  }

  /** int8/uint8/int16 -> float: {@code (float) (scale * (x - zeroPoint))} in double. */
  public static void dequantize(
      byte[] in, int inOff, DataType inType, byte[] out, int outOff, int n, double scale,
      int zeroPoint) {
    for (int i = 0; i < n; i++) {
      int x = QuantizedElements.get(in, inOff, i, inType);
      LittleEndian.setFloat(out, outOff + 4 * i, (float) (scale * (x - zeroPoint)));
    }
  }

  /** float16 -> float. */
  public static void dequantizeHalf(byte[] in, int inOff, byte[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      short h = LittleEndian.getShort(in, inOff + 2 * i);
      LittleEndian.setFloat(out, outOff + 4 * i, Float.float16ToFloat(h));
    }
  }
}
