package io.tflited.runtime.kernels.shape;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;

/** Element loops of CONCATENATION that do more than copy. */
public final class ConcatKernels {
  private ConcatKernels() {}

  /**
   * TFLite ConcatenationWithScaling (float path): {@code round(q * scale + bias) + outZp},
   * single-precision arithmetic, round half away from zero, clamped to [0, 255].
   */
  public static void requantizeU8(
      byte[] src, int so, byte[] dst, int dO, int count, float scale, float bias, int outZp) {
    for (int j = 0; j < count; j++) {
      float v = (src[so + j] & 0xff) * scale + bias;
      int value = (int) roundHalfAway(v) + outZp;
      dst[dO + j] = (byte) Math.max(Math.min(255, value), 0);
    }
  }

  /** C's roundf on a float: half away from zero (exact: a float plus 0.5 fits a double). */
  static double roundHalfAway(float v) {
    return Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
  }

  public static void clampFloat(byte[] a, int off, int count, float lo, float hi) {
    for (int i = 0; i < count; i++) {
      int p = off + 4 * i;
      float v = LittleEndian.getFloat(a, p);
      LittleEndian.setFloat(a, p, Math.min(Math.max(v, lo), hi));
    }
  }

  public static void clampQuantized(byte[] a, int off, int count, DataType t, int lo, int hi) {
    for (int i = 0; i < count; i++) {
      switch (t) {
        case UINT8 -> {
          int v = a[off + i] & 0xff;
          a[off + i] = (byte) Math.min(Math.max(v, lo), hi);
        }
        case INT8 -> a[off + i] = (byte) Math.min(Math.max(a[off + i], lo), hi);
        case INT16 -> {
          int p = off + 2 * i;
          LittleEndian.setShort(a, p, (short) Math.min(Math.max(LittleEndian.getShort(a, p), lo), hi));
        }
        default -> throw new IllegalArgumentException(t.toString());
      }
    }
  }
}
