package io.tflited.runtime.quant;

/**
 * The requantization of ruy's x86 (AVX2) 8-bit kernels, which TFLite 2.4.1's optimized int8
 * FULLY_CONNECTED and BATCH_MATMUL (through cpu_backend_gemm) use on x86 CPUs with AVX (its
 * uint8 path rounds like the reference). Two roundings as in the reference
 * MultiplyByQuantizedMultiplier, but both with ties toward +infinity instead of away from
 * zero: {@code high = (x * 2^leftShift * m + 2^30) >> 31} in 64 bits, then
 * {@code (high + 2^(rightShift-1)) >> rightShift}. Results differ from the reference by one step
 * on exact ties of negative values. Measured against TFLite 2.4.1 on 216,000 controlled
 * accumulators (RequantizeRoundingTest) and the ad01_int8 golden.
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
