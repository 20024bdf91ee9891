package io.tflited.runtime.quant;

/** Public access to the int16 gemmlowp helpers the basic (uint8) LSTM cell needs. */
public final class LstmBasicFixedPoint {
  private LstmBasicFixedPoint() {}

  /** FixedPoint&lt;int16&gt; product raw value (SaturatingRoundingDoublingHighMul). */
  public static int mul(int a, int b) {
    return SequenceFixedPoint.mul16(a, b);
  }

  /** gemmlowp RoundingDivideByPOT on int16. */
  public static int roundingDivideByPot(int x, int exponent) {
    return SequenceFixedPoint.divPot16(x, exponent);
  }

  /** gemmlowp SaturatingRoundingMultiplyByPOT on int16 (exponent may be negative). */
  public static int saturatingRoundingMultiplyByPot(int x, int exponent) {
    return SequenceFixedPoint.mulPot16(x, exponent);
  }

  /** gemmlowp SaturatingAdd on int16. */
  public static int saturatingAdd(int a, int b) {
    return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, a + b));
  }
}
