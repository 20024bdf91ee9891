package io.tflited.runtime.quant;

/**
 * A real multiplier as TFLite's QuantizeMultiplier encodes it: Q31 {@code multiplier} and
 * power-of-two {@code shift} (positive = left).
 */
public record QuantizedMultiplier(int multiplier, int shift) {

  /** TFLite QuantizeMultiplier(double): frexp, round half away from zero, fix-ups. */
  public static QuantizedMultiplier of(double realMultiplier) {
    if (realMultiplier == 0.0) {
      return new QuantizedMultiplier(0, 0);
    }
    int exp = frexpExponent(realMultiplier);
    double q = Math.scalb(realMultiplier, -exp);
    long qFixed = roundHalfAwayFromZero(q * (1L << 31));
    if (qFixed == (1L << 31)) {
      qFixed /= 2;
      exp++;
    }
    if (exp < -31) {
      exp = 0;
      qFixed = 0;
    }
    return new QuantizedMultiplier((int) qFixed, exp);
  }

  /** Applies it to a 32-bit accumulator exactly as TFLite does. */
  public int apply(int x) {
    return FixedPoint.multiplyByQuantizedMultiplier(x, multiplier, shift);
  }

  /** The exponent e of frexp: x = q * 2^e with 0.5 <= |q| < 1. */
  static int frexpExponent(double x) {
    int e = Math.getExponent(x);
    if (e == Double.MIN_EXPONENT - 1) {
      // Subnormal: normalise first.
      return Math.getExponent(x * 0x1p54) - 54 + 1;
    }
    return e + 1;
  }

  /** C's round(): halves away from zero. */
  public static long roundHalfAwayFromZero(double v) {
    return v >= 0 ? (long) Math.floor(v + 0.5) : -(long) Math.floor(-v + 0.5);
  }

  /** C's roundf() on a float value. */
  public static int roundHalfAwayFromZero(float v) {
    // In double: adding 0.5f in float misrounds 0.49999997f and odd values >= 2^23.
    double d = v;
    return (int) (d >= 0 ? Math.floor(d + 0.5) : -Math.floor(-d + 0.5));
  }
}
