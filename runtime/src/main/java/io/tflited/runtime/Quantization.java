package io.tflited.runtime;

import java.util.Arrays;

/**
 * Affine quantization of a tensor: {@code real = scale * (q - zeroPoint)}, per tensor (one
 * scale) or per channel along {@link #quantizedDimension()}.
 */
public final class Quantization {
  /** No quantization parameters. */
  public static final Quantization NONE = new Quantization(new float[0], new long[0], 0);

  private final float[] scales;
  private final long[] zeroPoints;
  private final int quantizedDimension;

  public Quantization(float[] scales, long[] zeroPoints, int quantizedDimension) {
    this.scales = scales.clone();
    this.zeroPoints = zeroPoints.clone();
    this.quantizedDimension = quantizedDimension;
  }

  /** Per-tensor parameters. */
  public static Quantization of(float scale, long zeroPoint) {
    return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
  }

  public boolean isQuantized() {
    return scales.length > 0;
  }

  public boolean isPerChannel() {
    return scales.length > 1;
  }

  /** The (first) scale; 0 when not quantized. */
  public float scale() {
    return scales.length > 0 ? scales[0] : 0f;
  }

  /** The (first) zero point; 0 when not quantized. */
  public long zeroPoint() {
    return zeroPoints.length > 0 ? zeroPoints[0] : 0L;
  }

  public int channelCount() {
    return scales.length;
  }

  public float scale(int channel) {
    return scales[channel];
  }

  /** Zero point of a channel; models may store one zero point for many scales. */
  public long zeroPoint(int channel) {
    if (zeroPoints.length == 0) {
      return 0;
    }
    return zeroPoints.length == 1 ? zeroPoints[0] : zeroPoints[channel];
  }

  public float[] scales() {
    return scales.clone();
  }

  public long[] zeroPoints() {
    return zeroPoints.clone();
  }

  public int quantizedDimension() {
    return quantizedDimension;
  }

  @Override
  public String toString() {
    if (!isQuantized()) {
      return "none";
    }
    if (!isPerChannel()) {
      return "scale=" + scale() + " zero_point=" + zeroPoint();
    }
    return "per-channel(dim=" + quantizedDimension + ", " + scales.length + " scales)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quantization q
        && Arrays.equals(scales, q.scales)
        && Arrays.equals(zeroPoints, q.zeroPoints)
        && quantizedDimension == q.quantizedDimension;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(scales) * 31 + Arrays.hashCode(zeroPoints) + quantizedDimension;
  }
}
