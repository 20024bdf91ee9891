package io.tflited.runtime.kernels;

/**
 * On-the-fly int8 quantization of float inputs for hybrid kernels (conv, fully connected,
 * batch matmul, LSTM/RNN/SVDF), as TFLite's tensor_utils SymmetricQuantizeFloats /
 * AsymmetricQuantizeFloats do it. Allocates nothing.
 */
public final class HybridQuantizer {
  private HybridQuantizer() {}

  /** C roundf: halves away from zero, exact for every float. */
  public static float roundf(float v) {
    float a = Math.abs(v);
    float t = (float) Math.floor(a);
    if (a - t >= 0.5f) {
      t += 1f;
    }
    return Math.copySign(t, v);
  }

  /**
   * Symmetric quantization of n floats to [-127, 127]; returns the scaling factor
   * (max|x| / 127, or 1 when all are zero).
   */
  public static float symmetric(byte[] in, int inOff, int n, byte[] q, int qOff) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      float v = LittleEndian.getFloat(in, inOff + 4 * i);
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
    }
    float range = symmetricRange(min, max);
    if (range == 0f) {
      java.util.Arrays.fill(q, qOff, qOff + n, (byte) 0);
      return 1f;
    }
    float inv = 127f / range;
    for (int i = 0; i < n; i++) {
      int v = (int) roundf(LittleEndian.getFloat(in, inOff + 4 * i) * inv);
      q[qOff + i] = (byte) Math.min(127, Math.max(-127, v));
    }
    return range / 127f;
  }

  /**
   * Asymmetric quantization of n floats to [-128, 127]; returns the zero point in the high
   * 32 bits and the scale's float bits in the low 32 bits (see {@link #scaleOf}, {@link
   * #zeroPointOf}).
   */
  public static long asymmetric(byte[] in, int inOff, int n, byte[] q, int qOff) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      float v = LittleEndian.getFloat(in, inOff + 4 * i);
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
    }
    if (asymmetricAllZero(min, max)) {
      java.util.Arrays.fill(q, qOff, qOff + n, (byte) 0);
      return asymmetricZeroParams();
    }
    long p = asymmetricParams(min, max);
    float scaleF = scaleOf(p);
    int nudged = zeroPointOf(p);
    float inv = (float) (1.0 / scaleF);
    for (int i = 0; i < n; i++) {
      int v = (int) roundf(nudged + LittleEndian.getFloat(in, inOff + 4 * i) * inv);
      q[qOff + i] = (byte) Math.min(127, Math.max(-128, v));
    }
    return p;
  }

  /** The symmetric range max(|min|, |max|) of the scanned values (0: all zero). */
  public static float symmetricRange(float min, float max) {
    return Math.max(Math.abs(min), Math.abs(max));
  }

  /** Whether the asymmetric range [min(0, min), max(0, max)] is empty (all values zero). */
  public static boolean asymmetricAllZero(float min, float max) {
    return Math.min(0.0, min) == Math.max(0.0, max);
  }

  /**
   * The scale and nudged zero point AsymmetricQuantizeFloats derives from the scanned min and
   * max (not {@link #asymmetricAllZero}), packed as {@link #asymmetric} returns them.
   */
  public static long asymmetricParams(float min, float max) {
    double rmin = Math.min(0.0, min);
    double rmax = Math.max(0.0, max);
    double qmin = -128;
    double qmax = 127;
    double scale = (rmax - rmin) / (qmax - qmin);
    double zpFromMin = qmin - rmin / scale;
    double zpFromMax = qmax - rmax / scale;
    double zpFromMinError = Math.abs(qmin) + Math.abs(rmin / scale);
    double zpFromMaxError = Math.abs(qmax) + Math.abs(rmax / scale);
    double zp = zpFromMinError < zpFromMaxError ? zpFromMin : zpFromMax;
    int nudged;
    if (zp <= qmin) {
      nudged = -128;
    } else if (zp >= qmax) {
      nudged = 127;
    } else {
      nudged = (int) Math.round(zp); // zp is within (-128, 127): round half away
      if (zp < 0 && zp - Math.floor(zp) == 0.5) {
        nudged = (int) Math.floor(zp);
      }
    }
    return pack((float) scale, nudged);
  }

  /** What {@link #asymmetric} returns for an all-zero input: scale 1, zero point 0. */
  public static long asymmetricZeroParams() {
    return pack(1f, 0);
  }

  private static long pack(float scale, int zp) {
    return ((long) zp << 32) | (Float.floatToRawIntBits(scale) & 0xffffffffL);
  }

  public static float scaleOf(long packed) {
    return Float.intBitsToFloat((int) packed);
  }

  public static int zeroPointOf(long packed) {
    return (int) (packed >> 32);
  }
}
