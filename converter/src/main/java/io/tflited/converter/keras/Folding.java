package io.tflited.converter.keras;

/**
 * The weight arithmetic of the conversion, kept apart so tests can check it on its own.
 *
 * <p>Batch normalization at inference is {@code y = (x - mean) * gamma / sqrt(var + eps) + beta}.
 * Like TensorFlow's converter (FusedBatchNormV3 legalized to MUL/ADD, then folded into the
 * preceding op's filter and bias by constant folding) this computes, in float32:
 *
 * <ol>
 *   <li>{@code multiplier[c] = gamma[c] * rsqrt(var[c] + eps)}
 *   <li>{@code offset[c] = beta[c] - mean[c] * multiplier[c]}
 *   <li>folded into {@code y = conv(x, w) + b}: {@code w'[c] = w[c] * multiplier[c]}, {@code b'[c]
 *       = b[c] * multiplier[c] + offset[c]}.
 * </ol>
 */
public final class Folding {
  private Folding() {}

  /** Step 1; {@code gamma} null when the layer has {@code scale=False}. */
  public static float[] batchNormMultiplier(float[] gamma, float[] variance, float epsilon) {
    float[] m = new float[variance.length];
    for (int c = 0; c < m.length; c++) {
      float rsqrt = (float) (1.0 / Math.sqrt(variance[c] + epsilon));
      m[c] = gamma == null ? rsqrt : gamma[c] * rsqrt;
    }
    return m;
  }

  /** Step 2; {@code beta} null when the layer has {@code center=False}. */
  public static float[] batchNormOffset(float[] beta, float[] mean, float[] multiplier) {
    float[] o = new float[mean.length];
    for (int c = 0; c < o.length; c++) {
      o[c] = (beta == null ? 0f : beta[c]) - mean[c] * multiplier[c];
    }
    return o;
  }

  /** Step 3 for weights: multiplies every element by {@code m[index along axis]} in place. */
  public static void scaleAxis(float[] w, int[] shape, int axis, float[] m) {
    int inner = 1;
    for (int d = axis + 1; d < shape.length; d++) {
      inner *= shape[d];
    }
    int n = shape[axis];
    if (n != m.length) {
      throw new IllegalArgumentException(
          "axis " + axis + " has " + n + " channels but the multiplier has " + m.length);
    }
    for (int i = 0; i < w.length; i++) {
      w[i] *= m[(i / inner) % n];
    }
  }

  /** Step 3 for the bias, in place. */
  public static void foldBias(float[] bias, float[] multiplier, float[] offset) {
    for (int c = 0; c < bias.length; c++) {
      bias[c] = bias[c] * multiplier[c] + offset[c];
    }
  }

  /** Keras Conv2D kernel HWIO [kh, kw, in, out] to TFLite OHWI [out, kh, kw, in]. */
  public static float[] hwioToOhwi(float[] w, int kh, int kw, int in, int out) {
    float[] r = new float[w.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < in; i++) {
          int src = ((y * kw + x) * in + i) * out;
          for (int o = 0; o < out; o++) {
            r[((o * kh + y) * kw + x) * in + i] = w[src + o];
          }
        }
      }
    }
    return r;
  }

  /** Keras Dense kernel [in, out] to TFLite FULLY_CONNECTED weights [out, in]. */
  public static float[] transpose(float[] w, int rows, int cols) {
    float[] r = new float[w.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        r[j * rows + i] = w[i * cols + j];
      }
    }
    return r;
  }
}
