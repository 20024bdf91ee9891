package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.InverseSqrt;

/** L2_NORMALIZATION over the last dimension (TFLite 2.4.1 float, uint8 and int8 kernels). */
public final class L2NormKernels {
  private static final int REVERSE_SHIFT = -1;

  private L2NormKernels() {}

  public static void normalizeFloat(
      byte[] in, int inOff, byte[] out, int outOff, int rows, int depth, float epsilon) {
    for (int r = 0; r < rows; r++) {
      int ib = inOff + 4 * r * depth;
      int ob = outOff + 4 * r * depth;
      float sq = 0f;
      for (int c = 0; c < depth; c++) {
        float v = LittleEndian.getFloat(in, ib + 4 * c);
        sq += v * v;
      }
      float norm = Math.max((float) Math.sqrt(sq), epsilon);
      for (int c = 0; c < depth; c++) {
        LittleEndian.setFloat(out, ob + 4 * c, LittleEndian.getFloat(in, ib + 4 * c) / norm);
      }
    }
  }

  /** uint8: output scale 1/128, zero point 128. */
  public static void normalizeUint8(
      byte[] in, int inOff, byte[] out, int outOff, int rows, int depth, int inZp) {
    for (int r = 0; r < rows; r++) {
      int b = r * depth;
      int sq = 0;
      for (int c = 0; c < depth; c++) {
        int d = (in[inOff + b + c] & 0xff) - inZp;
        sq += d * d;
      }
      long p = InverseSqrt.multiplierExp(sq, REVERSE_SHIFT);
      int mult = InverseSqrt.multiplier(p);
      int shift = InverseSqrt.shift(p);
      for (int c = 0; c < depth; c++) {
        int d = (in[inOff + b + c] & 0xff) - inZp;
        int scaled = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(128 * d, mult, shift);
        out[outOff + b + c] = (byte) Math.min(255, Math.max(0, 128 + scaled));
      }
    }
  }

  /** int8: output scale 1/128, zero point 0. */
  public static void normalizeInt8(
      byte[] in, int inOff, byte[] out, int outOff, int rows, int depth, int inZp) {
    for (int r = 0; r < rows; r++) {
      int b = r * depth;
      int sq = 0;
      for (int c = 0; c < depth; c++) {
        int d = in[inOff + b + c] - inZp;
        sq += d * d;
      }
      long p = InverseSqrt.multiplierExp(sq, REVERSE_SHIFT);
      int mult = InverseSqrt.multiplier(p);
      int shift = InverseSqrt.shift(p);
      for (int c = 0; c < depth; c++) {
        int d = in[inOff + b + c] - inZp;
        int v = FixedPoint.multiplyByQuantizedMultiplier(d, mult, shift + 7);
        out[outOff + b + c] = (byte) Math.min(127, Math.max(-128, v));
      }
    }
  }
}
