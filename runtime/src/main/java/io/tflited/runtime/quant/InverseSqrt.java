package io.tflited.runtime.quant;

/**
 * 1/sqrt(x) as TFLite computes it for L2 normalization and LSTM layer normalization
 * (GetInvSqrtQuantizedMultiplierExp), bit for bit, without allocating.
 */
public final class InverseSqrt {
  private InverseSqrt() {}

  /**
   * TFLite GetInvSqrtQuantizedMultiplierExp: 1/sqrt(input) as a Q31 multiplier and a shift,
   * by five Newton-Raphson steps in gemmlowp fixed point. Returns the multiplier in the high
   * and the shift in the low 32 bits (see {@link #multiplier}, {@link #shift}); allocates nothing.
   */
  public static long multiplierExp(int input, int reverseShift) {
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
    int halfInput = FixedPoint.saturatingRoundingMultiplyByPot(fixedInput, -1);
    int halfThree = (1 << 28) + (1 << 27);
    int x = 1 << 28; // F3 one
    for (int i = 0; i < 5; i++) {
      // x^3: F3*F3 -> F6, *F3 -> F9, rescaled to F3 (shift left by 6, saturating).
      int x3 = FixedPoint.saturatingRoundingMultiplyByPot(
          FixedPoint.saturatingRoundingDoublingHighMul(
              FixedPoint.saturatingRoundingDoublingHighMul(x, x), x), 6);
      // halfThree*x - halfInput*x3 in F6, rescaled to F3 (shift left by 3, saturating).
      int t = FixedPoint.saturatingRoundingDoublingHighMul(halfThree, x)
          - FixedPoint.saturatingRoundingDoublingHighMul(halfInput, x3);
      x = FixedPoint.saturatingRoundingMultiplyByPot(t, 3);
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

  /** The Q31 multiplier of a packed result. */
  public static int multiplier(long packed) {
    return (int) (packed >> 32);
  }

  /** The shift of a packed result. */
  public static int shift(long packed) {
    return (int) packed;
  }
}
