package io.tflited.runtime.quant;

/**
 * gemmlowp's fixed-point transcendental functions (exp on negative values, 1/(1+x), logistic,
 * tanh) for 16-bit or 32-bit raw values, bit for bit as its scalar templates compute them.
 * Raw values are held in ints; the 16-bit variant wraps and saturates like int16_t.
 * A fixed-point value with {@code i} integer bits has {@code bits - 1 - i} fractional bits.
 */
public final class GemmlowpFunctions {
  public static final GemmlowpFunctions INT16 = new GemmlowpFunctions(16);
  public static final GemmlowpFunctions INT32 = new GemmlowpFunctions(32);

  private final int bits;
  private final int min;
  private final int max;

  private GemmlowpFunctions(int bits) {
    this.bits = bits;
    this.min = bits == 16 ? Short.MIN_VALUE : Integer.MIN_VALUE;
    this.max = bits == 16 ? Short.MAX_VALUE : Integer.MAX_VALUE;
  }

  private int wrap(long v) {
    return bits == 16 ? (short) v : (int) v;
  }

  int add(int a, int b) {
    return wrap((long) a + b);
  }

  int sub(int a, int b) {
    return wrap((long) a - b);
  }

  int neg(int a) {
    return wrap(-(long) a);
  }

  /** SaturatingRoundingDoublingHighMul: the product of two fixed-point values. */
  public int mul(int a, int b) {
    if (bits == 32) {
      return FixedPoint.saturatingRoundingDoublingHighMul(a, b);
    }
    if (a == b && a == Short.MIN_VALUE) {
      return Short.MAX_VALUE;
    }
    int ab = a * b;
    int nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return (short) ((ab + nudge) / (1 << 15));
  }

  /** SaturatingRoundingMultiplyByPOT with an exponent of either sign. */
  public int multiplyByPot(int x, int exponent) {
    if (exponent == 0) {
      return x;
    }
    if (exponent < 0) {
      return FixedPoint.roundingDivideByPot(x, -exponent);
    }
    int threshold = (int) ((1L << (bits - 1 - exponent)) - 1);
    if (x > threshold) {
      return max;
    }
    if (x < -threshold) {
      return min;
    }
    return wrap((long) x << exponent);
  }

  /** Rescale from {@code srcBits} to {@code dstBits} integer bits. */
  int rescale(int x, int srcBits, int dstBits) {
    return multiplyByPot(x, srcBits - dstBits);
  }

  /** A constant written as its 32-bit raw value, rounded to this width. */
  int constant(int raw32) {
    return bits == 32 ? raw32 : FixedPoint.roundingDivideByPot(raw32, 16);
  }

  int fractionalBits(int integerBits) {
    return bits - 1 - integerBits;
  }

  int one(int integerBits) {
    return integerBits == 0 ? max : 1 << fractionalBits(integerBits);
  }

  int constantPot(int integerBits, int exponent) {
    return 1 << (fractionalBits(integerBits) + exponent);
  }

  static int roundingHalfSum(int a, int b) {
    long sum = (long) a + b;
    long sign = sum >= 0 ? 1 : -1;
    return (int) ((sum + sign) / 2);
  }

  int addSaturatingIf16Bit(int a, int b) {
    if (bits == 32) {
      return a + b;
    }
    return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, a + b));
  }

  /** exp(a) for a in [-1/4, 0), a with 0 integer bits; result with 0 integer bits. */
  int expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a) {
    int constantTerm = constant(1895147668);
    int constant1Over3 = constant(715827883);
    int x = add(a, constantPot(0, -3));
    int x2 = mul(x, x);
    int x3 = mul(x2, x);
    int x4 = mul(x2, x2);
    int x4Over4 = multiplyByPot(x4, -2);
    int poly = multiplyByPot(add(mul(add(x4Over4, x3), constant1Over3), x2), -1);
    return addSaturatingIf16Bit(constantTerm, mul(constantTerm, add(x, poly)));
  }

  private static final int[] BARREL_MULTIPLIERS = {
    1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242
  };

  /** exp(a) for a <= 0 with {@code integerBits} integer bits; result with 0 integer bits. */
  public int expOnNegativeValues(int a, int integerBits) {
    int fractional = fractionalBits(integerBits);
    int oneQuarter = constantPot(integerBits, -2);
    int mask = sub(oneQuarter, 1);
    int aModQuarterMinusOneQuarter = sub(a & mask, oneQuarter);
    int result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
        rescale(aModQuarterMinusOneQuarter, integerBits, 0));
    int remainder = sub(aModQuarterMinusOneQuarter, a);
    for (int e = -2; e <= 4; e++) {
      if (integerBits > e) {
        int multiplier = constant(BARREL_MULTIPLIERS[e + 2]);
        int shiftAmount = fractional + e;
        if ((remainder & (1 << shiftAmount)) != 0) {
          result = mul(result, multiplier);
        }
      }
    }
    if (integerBits > 5) {
      int clampB = 36 - integerBits;
      int clamp = constant(-(1 << clampB));
      if (a < clamp) {
        result = 0;
      }
    }
    if (a == 0) {
      result = one(0);
    }
    return result;
  }

  private int newtonRaphsonReciprocalStep(int halfDenominator) {
    int constant48Over17 = constant(1515870810);
    int constantNeg32Over17 = constant(-1010580540);
    int x = add(constant48Over17, mul(halfDenominator, constantNeg32Over17));
    for (int i = 0; i < 3; i++) {
      int halfDenominatorTimesX = mul(halfDenominator, x);
      int oneMinus = sub(one(2), halfDenominatorTimesX);
      x = add(x, rescale(mul(x, oneMinus), 4, 2));
    }
    return x;
  }

  /** 1 / (1 + a) for a in [0, 1], 0 integer bits in and out. */
  public int oneOverOnePlusXForXIn01(int a) {
    int halfDenominator = roundingHalfSum(a, one(0));
    int x = newtonRaphsonReciprocalStep(halfDenominator);
    // ExactMulByPot<-1> reinterprets x as having 1 integer bit; then Rescale<0>.
    return rescale(x, 1, 0);
  }

  /** (1 - a) / (1 + a) for a in [0, 1], 0 integer bits in and out. */
  int oneMinusXOverOnePlusXForXIn01(int a) {
    int halfDenominator = roundingHalfSum(a, one(0));
    int x = newtonRaphsonReciprocalStep(halfDenominator);
    return rescale(sub(x, one(2)), 2, 0);
  }

  /** logistic(a), a with {@code integerBits} integer bits; result with 0 integer bits. */
  public int logistic(int a, int integerBits) {
    boolean positive = a > 0;
    int absInput = positive ? a : neg(a);
    int resultIfPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(neg(absInput), integerBits));
    int resultIfNegative = sub(one(0), resultIfPositive);
    if (a == 0) {
      return constant(1 << 30);
    }
    return positive ? resultIfPositive : resultIfNegative;
  }

  /** tanh(a), a with {@code integerBits} integer bits; result with 0 integer bits. */
  public int tanh(int a, int integerBits) {
    boolean negative = a < 0;
    int n = negative ? a : neg(a);
    // ExactMulByPot<1>: same raw value with one more integer bit.
    int t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits + 1));
    if (a == 0) {
      return 0;
    }
    return negative ? neg(t) : t;
  }
}
