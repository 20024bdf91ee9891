package io.tflited.runtime.quant;

/**
 * The requantization of ruy's x86 AVX2 8-bit kernels, which TFLite 2.4.1's optimized
 * FULLY_CONNECTED and BATCH_MATMUL (int8/uint8 through cpu_backend_gemm) use on x86 CPUs with
 * AVX: unlike the reference MultiplyByQuantizedMultiplier (two roundings half away from zero),
 * both roundings go half up (toward +infinity), so negative exact ties end one step higher.
 */
public final class RuyRequantize {
  private RuyRequantize() {}

  /** x * multiplier * 2^(shift-31) as ruy's AVX2 kernels compute it. */
  public static int apply(int x, int multiplier, int shift) {
    int leftShift = shift > 0 ? shift : 0;
    int rightShift = shift > 0 ? 0 : -shift;
    long prod = (long) (x << leftShift) * (long) multiplier;
    int high = (int) ((prod + (1L << 30)) >> 31);
    if (rightShift == 0) {
      return high;
    }
    long nudged = (long) high + (1L << (rightShift - 1));
    if (nudged > Integer.MAX_VALUE) {
      return 1 << (31 - rightShift);
    }
    return (int) (nudged >> rightShift);
  }
}
