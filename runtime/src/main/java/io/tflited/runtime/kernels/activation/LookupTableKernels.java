package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.DataType;

/**
 * 8-bit lookup tables as TFLite's activations.cc PopulateLookupTable builds them (LOGISTIC and
 * TANH for int8/uint8 in the default resolver): dequantize in float, transform, rescale by the
 * float inverse output scale, round half away from zero, add the zero point, clamp.
 */
public final class LookupTableKernels {
  private LookupTableKernels() {}

  /** A float function applied to a float argument, result rounded to float. */
  @FunctionalInterface
  public interface FloatFunction {
    float apply(float x);
  }

  /** Table indexed by the raw input byte (unsigned), holding the raw output byte. */
  public static byte[] populate(
      DataType type, float inScale, int inZeroPoint, float outScale, int outZeroPoint,
      FloatFunction transform) {
    float inverseScale = 1f / outScale;
    int min = QuantizedElements.min(type);
    int max = QuantizedElements.max(type);
    byte[] table = new byte[256];
    for (int v = min; v <= max; v++) {
      float dequantized = inScale * (float) (v - inZeroPoint);
      float transformed = transform.apply(dequantized);
      float rescaled = SoftmaxKernels.roundf(transformed * inverseScale);
      int q = QuantizedElements.x86FloatToInt(rescaled + (float) outZeroPoint);
      table[v & 0xff] = (byte) Math.max(Math.min(max, q), min);
    }
    return table;
  }

  /** out[i] = table[in[i] & 0xff]. */
  public static void apply(byte[] table, byte[] in, int inOff, byte[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = table[in[inOff + i] & 0xff];
    }
  }
}
