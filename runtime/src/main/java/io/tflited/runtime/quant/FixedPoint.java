package io.tflited.runtime.quant;

/**
 * TFLite's fixed-point requantization arithmetic (gemmlowp semantics), bit for bit.
 *
 * <p>A real multiplier {@code m} is represented as a Q31 {@code multiplier} in [2^30, 2^31)
 * and a power-of-two {@code shift} (positive = left): {@code m ~= multiplier * 2^(shift-31)}.
 * Java's int arithmetic wraps like the C++ code does on every platform TFLite runs on.
 */
public final class FixedPoint {
  private FixedPoint() {}

  /** (a * b * 2) >> 32 with round-half-away-from-zero; saturates the one overflowing case. */
  public static int saturatingRoundingDoublingHighMul(int a, int b) {
    if (a == b && a == Integer.MIN_VALUE) {
      return Integer.MAX_VALUE;
    }
    long ab = (long) a * (long) b;
    long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
    return (int) ((ab + nudge) / (1L << 31));
  }

  /** x / 2^exponent rounded to nearest, ties away from zero (gemmlowp RoundingDivideByPOT). */
  public static int roundingDivideByPot(int x, int exponent) {
    int mask = (int) ((1L << exponent) - 1);
    int remainder = x & mask;
    int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
  }

  /** TFLite MultiplyByQuantizedMultiplier(int32): x * multiplier * 2^(shift-31), rounded. */
  public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
    int leftShift = shift > 0 ? shift : 0;
    int rightShift = shift > 0 ? 0 : -shift;
    return roundingDivideByPot(
        saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier), rightShift);
  }

  /**
   * TFLite MultiplyByQuantizedMultiplier(int64) used by the 16x8 kernels with 64-bit bias:
   * the multiplier is reduced to Q15 and applied with one rounding shift.
   */
  public static int multiplyByQuantizedMultiplier(long x, int multiplier, int shift) {
    int reduced = multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
    int totalShift = 15 - shift;
    long v = x * (long) reduced + (1L << (totalShift - 1));
    return (int) (v >> totalShift);
  }

  /** TFLite MultiplyByQuantizedMultiplierSmallerThanOneExp (shift <= 0). */
  public static int multiplyByQuantizedMultiplierSmallerThanOneExp(
      int x, int multiplier, int leftShift) {
    return roundingDivideByPot(saturatingRoundingDoublingHighMul(x, multiplier), -leftShift);
  }

  /** TFLite MultiplyByQuantizedMultiplierGreaterThanOne (shift >= 0). */
  public static int multiplyByQuantizedMultiplierGreaterThanOne(
      int x, int multiplier, int leftShift) {
    return saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier);
  }

  /** gemmlowp SaturatingRoundingMultiplyByPOT on int32: x * 2^exponent, either sign. */
  public static int saturatingRoundingMultiplyByPot(int x, int exponent) {
    if (exponent == 0) {
      return x;
    }
    if (exponent < 0) {
      return roundingDivideByPot(x, -exponent);
    }
    int threshold = (1 << (31 - exponent)) - 1;
    if (x > threshold) {
      return Integer.MAX_VALUE;
    }
    if (x < -threshold) {
      return Integer.MIN_VALUE;
    }
    return x << exponent;
  }
}
