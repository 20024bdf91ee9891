package io.tflited.runtime.quant;

/**
 * The 16-bit gemmlowp fixed-point functions used by TFLite's integer LSTM (logistic and tanh on
 * {@code FixedPoint<int16_t, N>}), plus the few other helpers of the integer LSTM kernels
 * (inverse square root multiplier, checked log2). Raw values are held in Java ints but always
 * carry int16 semantics: additions wrap like the C++ int16 arithmetic does.
 */
public final class SequenceFixedPoint {
  private SequenceFixedPoint() {}

  private static int wrap16(int v) {
    return (short) v;
  }

  /** gemmlowp SaturatingRoundingDoublingHighMul on int16. */
  static int mul16(int a, int b) {
    if (a == b && a == Short.MIN_VALUE) {
      return Short.MAX_VALUE;
    }
    int ab = a * b;
    int nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return (short) ((ab + nudge) / (1 << 15));
  }

  /** gemmlowp RoundingDivideByPOT on int16. */
  static int divPot16(int x, int exponent) {
    int mask = (1 << exponent) - 1;
    int remainder = x & mask;
    int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return wrap16((x >> exponent) + (remainder > threshold ? 1 : 0));
  }

  /** gemmlowp SaturatingRoundingMultiplyByPOT on int16. */
  static int mulPot16(int x, int exponent) {
    if (exponent == 0) {
      return x;
    }
    if (exponent < 0) {
      return divPot16(x, -exponent);
    }
    int threshold = (1 << (15 - exponent)) - 1;
    if (x > threshold) {
      return Short.MAX_VALUE;
    }
    if (x < -threshold) {
      return Short.MIN_VALUE;
    }
    return wrap16(x << exponent);
  }

  /** A 32-bit gemmlowp constant as the int16 fixed-point code sees it. */
  static int constant16(int int32Value) {
    return wrap16(FixedPoint.roundingDivideByPot(int32Value, 16));
  }

  private static int roundingHalfSum16(int a, int b) {
    int sum = a + b;
    int sign = sum >= 0 ? 1 : -1;
    return wrap16((sum + sign) / 2);
  }

  private static int saturatingAdd16(int a, int b) {
    return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, a + b));
  }

  private static final int EXP_CONSTANT_TERM = constant16(1895147668);
  private static final int ONE_THIRD = constant16(715827883);
  private static final int C48_OVER_17 = constant16(1515870810);
  private static final int CNEG32_OVER_17 = constant16(-1010580540);
  private static final int[] BARREL_EXPONENTS = {-2, -1, 0, 1, 2, 3, 4};
  private static final int[] BARREL_MULTIPLIERS = {
    constant16(1672461947),
    constant16(1302514674),
    constant16(790015084),
    constant16(290630308),
    constant16(39332535),
    constant16(720401),
    constant16(242)
  };

  /** exp(a) for a in [-1/4, 0), a and result Q0.15. */
  static int expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a) {
    int x = wrap16(a + (1 << 12));
    int x2 = mul16(x, x);
    int x3 = mul16(x2, x);
    int x4 = mul16(x2, x2);
    int x4Over4 = mulPot16(x4, -2);
    int poly = mulPot16(wrap16(mul16(wrap16(x4Over4 + x3), ONE_THIRD) + x2), -1);
    return saturatingAdd16(EXP_CONSTANT_TERM, mul16(EXP_CONSTANT_TERM, wrap16(x + poly)));
  }

  /** exp(a) for a <= 0 in Q(integerBits), result Q0.15. */
  static int expOnNegativeValues(int a, int integerBits) {
    int fractionalBits = 15 - integerBits;
    int oneQuarter = 1 << (fractionalBits - 2);
    int mask = oneQuarter - 1;
    int aModQuarterMinusOneQuarter = wrap16((a & mask) - oneQuarter);
    int result =
        expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
            mulPot16(aModQuarterMinusOneQuarter, integerBits));
    int remainder = wrap16(aModQuarterMinusOneQuarter - a);
    for (int i = 0; i < BARREL_EXPONENTS.length; i++) {
      int exponent = BARREL_EXPONENTS[i];
      if (integerBits > exponent) {
        int bit = wrap16(1 << (fractionalBits + exponent));
        if ((remainder & bit) != 0) {
          result = mul16(result, BARREL_MULTIPLIERS[i]);
        }
      }
    }
    if (integerBits > 5) {
      int clamp = constant16(-(1 << (36 - integerBits)));
      if (a < clamp) {
        result = 0;
      }
    }
    if (a == 0) {
      result = Short.MAX_VALUE;
    }
    return result;
  }

  private static int newtonReciprocalQ2(int a) {
    int halfDenominator = roundingHalfSum16(a, Short.MAX_VALUE);
    int x = wrap16(C48_OVER_17 + mul16(halfDenominator, CNEG32_OVER_17));
    for (int i = 0; i < 3; i++) {
      int halfDenominatorTimesX = mul16(halfDenominator, x);
      int oneMinus = wrap16((1 << 13) - halfDenominatorTimesX);
      x = wrap16(x + mulPot16(mul16(x, oneMinus), 2));
    }
    return x;
  }

  /** 1 / (1 + a) for a in [0, 1), Q0.15. */
  static int oneOverOnePlusXForXIn01(int a) {
    return mulPot16(newtonReciprocalQ2(a), 1);
  }

  /** (1 - a) / (1 + a) for a in [0, 1), Q0.15. */
  static int oneMinusXOverOnePlusXForXIn01(int a) {
    return mulPot16(wrap16(newtonReciprocalQ2(a) - (1 << 13)), 2);
  }

  /** gemmlowp::logistic on FixedPoint&lt;int16_t, integerBits&gt;; result Q0.15. */
  public static int logistic16(int a, int integerBits) {
    if (a == 0) {
      return constant16(1 << 30);
    }
    int abs = a > 0 ? a : wrap16(-a);
    int positive = oneOverOnePlusXForXIn01(expOnNegativeValues(wrap16(-abs), integerBits));
    return a > 0 ? positive : wrap16(Short.MAX_VALUE - positive);
  }

  /** gemmlowp::tanh on FixedPoint&lt;int16_t, integerBits&gt;; result Q0.15. */
  public static int tanh16(int a, int integerBits) {
    if (a == 0) {
      return 0;
    }
    int n = a < 0 ? a : wrap16(-a);
    int t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits + 1));
    return a < 0 ? wrap16(-t) : t;
  }

  /** gemmlowp SaturatingRoundingDoublingHighMul on int32. */
  private static int mul32(int a, int b) {
    return FixedPoint.saturatingRoundingDoublingHighMul(a, b);
  }



  /** TFLite CheckedLog2: the rounded log2 of x, or null when x is not a power of two. */
  public static Integer checkedLog2(float x) {
    float log2 = (float) Math.log(x) * (1.0f / (float) Math.log(2.0f));
    float rounded = (float) QuantizedMultiplier.roundHalfAwayFromZero(log2);
    float frac = log2 - rounded;
    return Math.abs(frac) < 1e-3f ? Integer.valueOf((int) rounded) : null;
  }
}
