package io.tflited.runtime.kernels.math;

import io.tflited.runtime.kernels.LittleEndian;

/**
 * Scalar loops of SIGN and ATAN2 (TFLite sign.cc, atan2.cc). SIGN compares like the reference
 * (NaN and -0.0 give +0.0); float32 ATAN2 is computed in double and rounded once.
 */
public final class SignAtan2Kernels {
  private SignAtan2Kernels() {}

  public static void signFloat32(byte[] a, int ai, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += 4, oi += 4) {
      float x = LittleEndian.getFloat(a, ai);
      LittleEndian.setFloat(o, oi, x > 0 ? 1f : x < 0 ? -1f : 0f);
    }
  }

  public static void signFloat64(byte[] a, int ai, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += 8, oi += 8) {
      double x = LittleEndian.getDouble(a, ai);
      LittleEndian.setDouble(o, oi, x > 0 ? 1d : x < 0 ? -1d : 0d);
    }
  }

  public static void signInt32(byte[] a, int ai, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += 4, oi += 4) {
      LittleEndian.setInt(o, oi, Integer.signum(LittleEndian.getInt(a, ai)));
    }
  }

  public static void atan2Float32(byte[] y, int yi, byte[] x, int xi, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, yi += 4, xi += 4, oi += 4) {
      double r = Math.atan2(LittleEndian.getFloat(y, yi), LittleEndian.getFloat(x, xi));
      LittleEndian.setFloat(o, oi, (float) r);
    }
  }

  public static void atan2Float64(byte[] y, int yi, byte[] x, int xi, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, yi += 8, xi += 8, oi += 8) {
      LittleEndian.setDouble(o, oi,
          Math.atan2(LittleEndian.getDouble(y, yi), LittleEndian.getDouble(x, xi)));
    }
  }
}
