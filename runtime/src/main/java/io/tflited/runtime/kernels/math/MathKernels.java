package io.tflited.runtime.kernels.math;

import io.tflited.runtime.kernels.LittleEndian;

/** Scalar reference loops of the math ops (SIN, COS, ELU, GELU, POW, ADD_N, CUMSUM). */
public final class MathKernels {
  private MathKernels() {}

  /** A float function applied element by element. */
  @FunctionalInterface
  public interface FloatFn {
    float apply(float x);
  }

  public static void map(FloatFn f, byte[] a, int ai, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++) {
      LittleEndian.setFloat(o, oi + 4 * k, f.apply(LittleEndian.getFloat(a, ai + 4 * k)));
    }
  }

  /** Looks each byte up in a 256-entry table indexed by the unsigned byte. */
  public static void lookup(byte[] table, byte[] a, int ai, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++) {
      o[oi + k] = table[a[ai + k] & 0xff];
    }
  }

  public static float elu(float x) {
    return x < 0 ? (float) Math.expm1(x) : x;
  }

  static final double SQRT1_2 = 0.70710678118654752440;
  static final double SQRT_2_OVER_PI = 0.79788456080286535588;

  /** GELU as current TFLite computes it in float (approximate: the tanh form). */
  public static float gelu(float x, boolean approximate) {
    if (approximate) {
      float inner = (float) SQRT_2_OVER_PI * (x + 0.044715f * x * x * x);
      return 0.5f * x * (1.0f + (float) Math.tanh(inner));
    }
    // 0.5 x (1 + erf(x / sqrt 2)) = 0.5 x erfc(-x / sqrt 2).
    return (float) (0.5 * x * erfc(-x * SQRT1_2));
  }

  /** Complementary error function, relative error below 1.2e-7 everywhere (Chebyshev fit). */
  public static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1.0 / (1.0 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2.0 - r;
  }

  /**
   * TFLite 2.4.1's int32 POW: {@code std::pow} on the values promoted to double, converted back
   * to int32 as x86-64 does (cvttsd2si: out of range or NaN gives INT32_MIN).
   */
  public static int intPow(int base, int exp) {
    double r = Math.pow(base, exp);
    if (!(r >= -2147483648.0 && r < 2147483648.0)) {
      return Integer.MIN_VALUE;
    }
    return (int) r;
  }

  /**
   * Cumulative sum over the middle axis of an [outer, len, inner] view, in the element type
   * (0 = float32, 1 = int32, 2 = int64), with TFLite's exclusive/reverse semantics.
   */
  public static void cumsum(int type, byte[] a, int ai, byte[] o, int oi, int outer, int len,
      int inner, boolean exclusive, boolean reverse) {
    int size = type == 2 ? 8 : 4;
    for (int i = 0; i < outer; i++) {
      for (int k = 0; k < inner; k++) {
        int base = (i * len * inner + k) * size;
        float fs = 0;
        int is = 0;
        long ls = 0;
        for (int jj = 0; jj < len; jj++) {
          int j = reverse ? len - 1 - jj : jj;
          int p = base + j * inner * size;
          switch (type) {
            case 0 -> {
              float v = LittleEndian.getFloat(a, ai + p);
              if (exclusive) {
                LittleEndian.setFloat(o, oi + p, fs);
                fs += v;
              } else {
                fs += v;
                LittleEndian.setFloat(o, oi + p, fs);
              }
            }
            case 1 -> {
              int v = LittleEndian.getInt(a, ai + p);
              if (exclusive) {
                LittleEndian.setInt(o, oi + p, is);
                is += v;
              } else {
                is += v;
                LittleEndian.setInt(o, oi + p, is);
              }
            }
            default -> {
              long v = LittleEndian.getLong(a, ai + p);
              if (exclusive) {
                LittleEndian.setLong(o, oi + p, ls);
                ls += v;
              } else {
                ls += v;
                LittleEndian.setLong(o, oi + p, ls);
              }
            }
          }
        }
      }
    }
  }
}
