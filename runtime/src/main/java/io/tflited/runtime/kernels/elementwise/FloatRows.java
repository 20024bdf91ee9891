package io.tflited.runtime.kernels.elementwise;

import static io.tflited.runtime.kernels.LittleEndian.getFloat;
import static io.tflited.runtime.kernels.LittleEndian.setFloat;

/** float32 binary rows with TFLite's fused-activation clamp (NaN passes through). */
public final class FloatRows {
  private FloatRows() {}

  /** A float binary function. */
  @FunctionalInterface
  public interface Fn {
    float apply(float x, float y);
  }

  /** TFLite ActivationFunctionWithMinMax: min(max(x, lo), hi) with std::min/max semantics. */
  public static float clamp(float x, float lo, float hi) {
    float y = x < lo ? lo : x;
    return hi < y ? hi : y;
  }

  public static BinaryRow add(float lo, float hi) {
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
        setFloat(o, oi, clamp(getFloat(a, ai) + getFloat(b, bi), lo, hi));
      }
    };
  }

  public static BinaryRow sub(float lo, float hi) {
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
        setFloat(o, oi, clamp(getFloat(a, ai) - getFloat(b, bi), lo, hi));
      }
    };
  }

  public static BinaryRow mul(float lo, float hi) {
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
        setFloat(o, oi, clamp(getFloat(a, ai) * getFloat(b, bi), lo, hi));
      }
    };
  }

  /** Any function, then the clamp. */
  public static BinaryRow map(Fn f, float lo, float hi) {
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
        setFloat(o, oi, clamp(f.apply(getFloat(a, ai), getFloat(b, bi)), lo, hi));
      }
    };
  }

  /** Any function, no clamp. */
  public static BinaryRow map(Fn f) {
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
        setFloat(o, oi, f.apply(getFloat(a, ai), getFloat(b, bi)));
      }
    };
  }
}
