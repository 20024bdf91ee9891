package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.quant.FixedPoint;

/** Quantized RELU-family, LEAKY_RELU and HARD_SWISH loops over int8/uint8 (TFLite 2.4.1). */
public final class QuantizedActivationKernels {
  private QuantizedActivationKernels() {}

  /**
   * TFLite ReluX: {@code zpOut + MultiplyByQuantizedMultiplier(x - zpIn)} clamped to
   * [actMin, actMax]. {@code signed} selects int8 (else uint8) input bytes.
   */
  public static void reluX(
      byte[] in, int inOff, byte[] out, int outOff, int n, boolean signed, int inZp, int outZp,
      int multiplier, int shift, int actMin, int actMax) {
    for (int i = 0; i < n; i++) {
      int x = signed ? in[inOff + i] : in[inOff + i] & 0xff;
      int v = outZp + FixedPoint.multiplyByQuantizedMultiplier(x - inZp, multiplier, shift);
      v = Math.min(actMax, Math.max(actMin, v));
      out[outOff + i] = (byte) v;
    }
  }

  /** TFLite QuantizeLeakyRelu: identity multiplier for x >= zp, alpha multiplier below. */
  public static void leakyRelu(
      byte[] in, int inOff, byte[] out, int outOff, int n, boolean signed, int inZp, int outZp,
      int multIdentity, int shiftIdentity, int multAlpha, int shiftAlpha) {
    int min = signed ? -128 : 0;
    int max = signed ? 127 : 255;
    for (int i = 0; i < n; i++) {
      int x = (signed ? in[inOff + i] : in[inOff + i] & 0xff) - inZp;
      int v = x >= 0
          ? outZp + FixedPoint.multiplyByQuantizedMultiplier(x, multIdentity, shiftIdentity)
          : outZp + FixedPoint.multiplyByQuantizedMultiplier(x, multAlpha, shiftAlpha);
      out[outOff + i] = (byte) Math.min(max, Math.max(min, v));
    }
  }

  /**
   * TFLite's quantized HardSwish (int16 fixed-point with a "reluish" multiplier). Multipliers
   * are Q15 int16 values; exponents as TFLite's HardSwishParams.
   */
  public static void hardSwish(
      byte[] in, int inOff, byte[] out, int outOff, int n, boolean signed, int inZp, int outZp,
      short outMult, int outExp, short reluishMult, int reluishExp) {
    int min = signed ? -128 : 0;
    int max = signed ? 127 : 255;
    for (int i = 0; i < n; i++) {
      int x = signed ? in[inOff + i] : in[inOff + i] & 0xff;
      short inputValue = (short) (x - inZp);
      short hires = (short) (inputValue * (1 << 7));
      short preshiftOut = srdhm16(hires, outMult);
      short reluish = hires;
      if (reluishExp > 0) {
        reluish = shiftLeftSat16(reluish, reluishExp - 1);
      }
      reluish = srdhm16(reluish, reluishMult);
      if (reluishExp > 0) {
        reluish = shiftLeftSat16(reluish, 1);
      }
      if (reluishExp < 0) {
        reluish = (short) FixedPoint.roundingDivideByPot(reluish, -reluishExp);
      }
      reluish = (short) ((reluish + (1 << 15)) >> 1);
      short preshiftOutput = saturatingDoublingHighMul16(reluish, preshiftOut);
      short v = (short) FixedPoint.roundingDivideByPot(preshiftOutput, -outExp);
      v = (short) (v + outZp);
      out[outOff + i] = (byte) Math.max(min, Math.min(max, v));
    }
  }

  /** gemmlowp SaturatingRoundingDoublingHighMul on int16. */
  static short srdhm16(short a, short b) {
    if (a == b && a == Short.MIN_VALUE) {
      return Short.MAX_VALUE;
    }
    int ab = a * b;
    int nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return (short) ((ab + nudge) / (1 << 15));
  }

  /** TFLite's SaturatingDoublingHighMul on int16 (truncating, no rounding). */
  static short saturatingDoublingHighMul16(short a, short b) {
    if (a == b && a == Short.MIN_VALUE) {
      return Short.MAX_VALUE;
    }
    return (short) ((a * b) / (1 << 15));
  }

  /** gemmlowp ShiftLeft on int16: saturating. */
  static short shiftLeftSat16(short a, int offset) {
    long w = (long) a << Math.min(offset, 40);
    return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, w));
  }
}
