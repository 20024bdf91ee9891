package io.tflited.converter.quantize;

import io.tflited.runtime.Quantization;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Arrays;

/**
 * Symmetric int8 weights (TFLite quantization spec: zero point 0, values in [-127, 127]), per
 * tensor or per channel along one dimension, and int32 biases, with the float arithmetic of
 * TFLite's quantization utilities so that the same float model gives the same bytes.
 */
final class WeightQuantizer {
  private static final int QMAX = 127;
  private static final int INT32_LIMIT = Integer.MAX_VALUE;

  private WeightQuantizer() {}

  /**
   * Quantized values, their parameters and the float range of each channel the scales come from
   * (widened for the bias, see {@link #symmetric(float[], int[], int, float[], float)}).
   */
  record Quantized(
      byte[] values, float[] scales, Quantization quantization, float[] min, float[] max) {}

  /** Weights without a bias to fit: see {@link #symmetric(float[], int[], int, float[], float)}. */
  static Quantized symmetric(float[] w, int[] shape, int dim) {
    return symmetric(w, shape, dim, null, 0f);
  }

  /**
   * Per-channel along {@code dim} of {@code shape} (row-major), or per tensor when {@code dim < 0}:
   * scale = max|w| / 127, q = round(w * (127 / max|w|)) in float, rounding half away from zero.
   *
   * <p>When {@code bias} is given (the op's float bias, quantized later with scale inputScale *
   * weightScale), a channel whose scale is so small that its bias would need more than half the
   * int32 range gets its range widened until the bias fits, as TFLite's converter does: otherwise
   * the bias would be clipped to int32 and the channel's output lost. This happens for channels
   * whose weights training drove to ~0 (vww_96 has hundreds, max|w| around 1e-30, with real
   * biases). An all-zero channel without such a bias gets scale 1.
   */
  static Quantized symmetric(float[] w, int[] shape, int dim, float[] bias, float inputScale) {
    int channels = dim < 0 ? 1 : shape[dim];
    int inner = 1;
    for (int d = (dim < 0 ? shape.length : dim + 1); d < shape.length; d++) {
      inner *= shape[d];
    }
    float[] min = new float[channels];
    float[] max = new float[channels];
    Arrays.fill(min, Float.POSITIVE_INFINITY);
    Arrays.fill(max, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < w.length; i++) {
      int c = dim < 0 ? 0 : (i / inner) % channels;
      min[c] = Math.min(min[c], w[i]);
      max[c] = Math.max(max[c], w[i]);
    }
    if (bias != null) {
      widenForBias(min, max, bias, inputScale);
    }
    float[] scales = new float[channels];
    float[] inverse = new float[channels];
    for (int c = 0; c < channels; c++) {
      float halfRange = Math.max(Math.abs(min[c]), Math.abs(max[c]));
      scales[c] = halfRange == 0 ? 1f : halfRange / QMAX;
      inverse[c] = halfRange == 0 ? 0f : QMAX / halfRange;
    }
    byte[] q = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      int c = dim < 0 ? 0 : (i / inner) % channels;
      float scaled = w[i] * inverse[c];
      long r = QuantizedMultiplier.roundHalfAwayFromZero(scaled);
      q[i] = (byte) Math.max(-QMAX, Math.min(QMAX, r));
    }
    long[] zps = new long[channels];
    Quantization quant = new Quantization(scales, zps, dim < 0 ? 0 : dim);
    return new Quantized(q, scales, quant, min, max);
  }

  /**
   * Widens [min, max] per channel (or for the whole tensor) so that |bias| / (inputScale *
   * weightScale) stays below half the int32 range. The float/double mix of each expression follows
   * TFLite's converter, so the widened scales are the same floats.
   */
  private static void widenForBias(float[] min, float[] max, float[] bias, float inputScale) {
    if (min.length > 1) {
      for (int c = 0; c < min.length; c++) {
        float scale = Math.max(Math.abs(min[c]), Math.abs(max[c])) / QMAX;
        double absBias = Math.abs(bias[c]);
        if (absBias >= 0.5 * inputScale * scale * INT32_LIMIT) {
          max[c] = (float) (2.0 * absBias / INT32_LIMIT * (QMAX / inputScale));
          min[c] = -max[c];
        }
      }
      return;
    }
    float halfRange = 0;
    for (float b : bias) {
      halfRange = Math.max(halfRange, Math.abs(b));
    }
    float scale = Math.max(Math.abs(min[0]), Math.abs(max[0])) / QMAX;
    if (halfRange / (float) INT32_LIMIT >= 0.5 * inputScale * scale) {
      min[0] = (float) (2.0 * halfRange / INT32_LIMIT * (-QMAX / inputScale));
      max[0] = (float) (2.0 * halfRange / INT32_LIMIT * (QMAX / inputScale));
    }
  }

  /**
   * int32 bias with scale inputScale * weightScale[c] (per channel when there are several): q =
   * round(b * (float) (1 / scale)), clamped to [-(2^31 - 1), 2^31 - 1].
   */
  static Quantized bias(float[] b, float inputScale, float[] weightScales) {
    float[] scales = new float[weightScales.length];
    for (int c = 0; c < scales.length; c++) {
      scales[c] = inputScale * weightScales[c];
    }
    byte[] q = new byte[4 * b.length];
    for (int i = 0; i < b.length; i++) {
      float s = scales.length == 1 ? scales[0] : scales[i];
      float inverse = s == 0 ? 0f : (float) (1.0 / s);
      long r = QuantizedMultiplier.roundHalfAwayFromZero(b[i] * inverse);
      int v = (int) Math.max(-INT32_LIMIT, Math.min(INT32_LIMIT, r));
      q[4 * i] = (byte) v;
      q[4 * i + 1] = (byte) (v >> 8);
      q[4 * i + 2] = (byte) (v >> 16);
      q[4 * i + 3] = (byte) (v >> 24);
    }
    return new Quantized(
        q, scales, new Quantization(scales, new long[scales.length], 0), new float[0], new float[0]);
  }
}
