package io.tflited.runtime.quant;

/**
 * The requantization TFLite 2.4.1 performs in its int8 CONV_2D on x86 (ruy's GEMM kernels):
 * the same saturating rounding doubling high multiply as the reference kernels, but the final
 * rounding right shift breaks ties upward (toward +infinity) instead of away from zero. It
 * differs from {@link FixedPoint#multiplyByQuantizedMultiplier(int, int, int)} only on
 * negative exact ties; measured against TFLite 2.4.1 by the differential conv tests.
 */
public final class RuyRequantize {
  private RuyRequantize() {}

  public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    int v = FixedPoint.saturatingRoundingDoublingHighMul(x * (1 << left), multiplier);
    if (right == 0) {
      return v;
    }
    return (int) (((long) v + (1L << (right - 1))) >> right);
  }
}
