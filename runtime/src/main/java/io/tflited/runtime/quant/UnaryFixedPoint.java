package io.tflited.runtime.quant;

/**
 * Further TFLite/gemmlowp fixed-point helpers used by the activation ops (L2 normalization,
 * log-softmax), bit for bit.
 */
public final class UnaryFixedPoint {
  private UnaryFixedPoint() {}

  /** gemmlowp SaturatingRoundingMultiplyByPOT on int32 (exponent of either sign). */
  public static int saturatingRoundingMultiplyByPot(int x, int exponent) {
    if (exponent == 0) {
      return x;
    }
    if (exponent < 0) {
      return FixedPoint.roundingDivideByPot(x, -exponent);
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

  /**
   * TFLite GetInvSqrtQuantizedMultiplierExp: 1/sqrt(input) as a Q31 multiplier and a shift,
   * by five Newton-Raphson steps in gemmlowp fixed point. Returns the multiplier in the high
   * and the shift in the low 32 bits (see {@link #high}, {@link #low}); allocates nothing.
   */
  public static long invSqrtQuantizedMultiplierExp(int input, int reverseShift) {
    if (input <= 1) {
      return pack(Integer.MAX_VALUE, 0);
    }
    int shift = 11;
    while (input >= (1 << 29)) {
      input /= 4;
      ++shift;
    }
    int maxLeftShiftBits = Integer.numberOfLeadingZeros(input) - 1;
    int maxLeftShiftBitPairs = maxLeftShiftBits / 2;
    int leftShiftBitPairs = maxLeftShiftBitPairs - 1;
    shift -= leftShiftBitPairs;
    input <<= 2 * leftShiftBitPairs;
    // F3 values (3 integer bits): raw / 2^28.
    int fixedInput = input >> 1;
    int halfInput = saturatingRoundingMultiplyByPot(fixedInput, -1);
    int halfThree = (1 << 28) + (1 << 27);
    int x = 1 << 28; // F3 one
    for (int i = 0; i < 5; i++) {
      // x^3: F3*F3 -> F6, *F3 -> F9, rescaled to F3 (shift left by 6, saturating).
      int x3 = saturatingRoundingMultiplyByPot(
          FixedPoint.saturatingRoundingDoublingHighMul(
              FixedPoint.saturatingRoundingDoublingHighMul(x, x), x), 6);
      // halfThree*x - halfInput*x3 in F6, rescaled to F3 (shift left by 3, saturating).
      int t = FixedPoint.saturatingRoundingDoublingHighMul(halfThree, x)
          - FixedPoint.saturatingRoundingDoublingHighMul(halfInput, x3);
      x = saturatingRoundingMultiplyByPot(t, 3);
    }
    // F3 * F0(sqrt(2)/2) -> F3.
    int result = FixedPoint.saturatingRoundingDoublingHighMul(x, 1518500250);
    if (shift < 0) {
      result <<= -shift;
      shift = 0;
    }
    return pack(result, shift * reverseShift);
  }

  static long pack(int hi, int lo) {
    return ((long) hi << 32) | (lo & 0xffffffffL);
  }

  public static int high(long packed) {
    return (int) (packed >> 32);
  }

  public static int low(long packed) {
    return (int) packed;
  }
}
