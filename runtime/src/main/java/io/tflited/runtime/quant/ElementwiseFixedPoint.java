package io.tflited.runtime.quant;

/**
 * The fixed-point pieces of TFLite's quantized DIV (gemmlowp semantics, bit exact):
 * reciprocal of an integer via Newton-Raphson in Q2.29, leading sign bits.
 */
public final class ElementwiseFixedPoint {
  private ElementwiseFixedPoint() {}

  /** TFLite CountLeadingSignBits(int32) (GCC's __builtin_clrsb; 31 for 0). */
  public static int countLeadingSignBits(int x) {
    return Integer.numberOfLeadingZeros(x >= 0 ? x : ~x) - 1;
  }

  /** gemmlowp RoundingHalfSum on int32. */
  static int roundingHalfSum(int a, int b) {
    long sum = (long) a + (long) b;
    long sign = sum >= 0 ? 1 : -1;
    return (int) ((sum + sign) / 2);
  }

  /** gemmlowp SaturatingRoundingMultiplyByPOT with a positive exponent. */
  static int saturatingMultiplyByPot(int x, int exponent) {
    int threshold = (1 << (31 - exponent)) - 1;
    if (x > threshold) {
      return Integer.MAX_VALUE;
    }
    if (x < -threshold) {
      return Integer.MIN_VALUE;
    }
    return x << exponent;
  }

  /**
   * gemmlowp one_over_one_plus_x_for_x_in_0_1 on the raw Q0.31 value of x; returns the raw
   * Q0.31 value of 1 / (1 + x).
   */
  static int oneOverOnePlusX(int a) {
    int halfDenominator = roundingHalfSum(a, Integer.MAX_VALUE); // F0
    int c48over17 = 1515870810; // F2
    int cNeg32over17 = -1010580540; // F2
    int one = 1 << 29; // F2 one
    int x = c48over17 + FixedPoint.saturatingRoundingDoublingHighMul(halfDenominator, cNeg32over17);
    for (int i = 0; i < 3; i++) {
      int hdx = FixedPoint.saturatingRoundingDoublingHighMul(halfDenominator, x); // F2
      int oneMinus = one - hdx; // F2
      int prod = FixedPoint.saturatingRoundingDoublingHighMul(x, oneMinus); // F4
      x = x + saturatingMultiplyByPot(prod, 2); // back to F2
    }
    // ExactMulByPot<-1> then Rescale<0>: F1 -> F0 doubles the raw value, saturating.
    return saturatingMultiplyByPot(x, 1);
  }

  /** The shift part of TFLite GetReciprocal(x, xIntegerDigits) for a positive int. */
  public static int reciprocalShift(int x, int xIntegerDigits) {
    return xIntegerDigits - Integer.numberOfLeadingZeros(x);
  }

  /** The Q0.31 mantissa part of TFLite GetReciprocal for a positive int. */
  public static int reciprocalMantissa(int x) {
    int headroomPlusOne = Integer.numberOfLeadingZeros(x);
    return oneOverOnePlusX((x << headroomPlusOne) - (1 << 31));
  }
}
