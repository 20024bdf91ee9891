package io.tflited.converter.quantize;

import io.tflited.runtime.Quantization;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Arrays;

/**
 * Symmetric int8 weights (TFLite quantization spec: zero point 0, values in [-127, 127]), per
 * tensor or per channel along one dimension, and int32 biases.
 */
final class WeightQuantizer {
  private WeightQuantizer() {}

  /** Quantized values, their parameters and the float min and max of each channel. */
  record Quantized(byte[] values, float[] scales, Quantization quantization, float[] min, float[] max) {}

  /**
   * Per-channel along {@code dim} of {@code shape} (row-major), or per tensor when {@code dim < 0}:
   * scale = max|w| / 127 (1 for an all-zero channel), q = round(w / scale), rounding half away from
   * zero like TFLite's quantization utilities.
   */
  static Quantized symmetric(float[] w, int[] shape, int dim) {
    int channels = dim < 0 ? 1 : shape[dim];
    int inner = 1;
    for (int d = (dim < 0 ? shape.length : dim + 1); d < shape.length; d++) {
      inner *= shape[d];
    }
    float[] maxAbs = new float[channels];
    float[] min = new float[channels];
    float[] max = new float[channels];
    Arrays.fill(min, Float.POSITIVE_INFINITY);
    Arrays.fill(max, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < w.length; i++) {
      int c = dim < 0 ? 0 : (i / inner) % channels;
      maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
      min[c] = Math.min(min[c], w[i]);
      max[c] = Math.max(max[c], w[i]);
    }
    float[] scales = new float[channels];
    for (int c = 0; c < channels; c++) {
      scales[c] = maxAbs[c] == 0 ? 1f : maxAbs[c] / 127f;
    }
    byte[] q = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      int c = dim < 0 ? 0 : (i / inner) % channels;
      long r = QuantizedMultiplier.roundHalfAwayFromZero((double) w[i] / scales[c]);
      q[i] = (byte) Math.max(-127, Math.min(127, r));
    }
    long[] zps = new long[channels];
    Quantization quant = new Quantization(scales, zps, dim < 0 ? 0 : dim);
    return new Quantized(q, scales, quant, min, max);
  }

  /** int32 bias with scale inputScale * weightScale[c] (per channel when there are several). */
  static Quantized bias(float[] b, float inputScale, float[] weightScales) {
    float[] scales = new float[weightScales.length];
    for (int c = 0; c < scales.length; c++) {
      scales[c] = inputScale * weightScales[c];
    }
    byte[] q = new byte[4 * b.length];
    for (int i = 0; i < b.length; i++) {
      float s = scales.length == 1 ? scales[0] : scales[i];
      long r = QuantizedMultiplier.roundHalfAwayFromZero((double) b[i] / s);
      int v = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r));
      q[4 * i] = (byte) v;
      q[4 * i + 1] = (byte) (v >> 8);
      q[4 * i + 2] = (byte) (v >> 16);
      q[4 * i + 3] = (byte) (v >> 24);
    }
    return new Quantized(
        q, scales, new Quantization(scales, new long[scales.length], 0), new float[0], new float[0]);
  }
}
