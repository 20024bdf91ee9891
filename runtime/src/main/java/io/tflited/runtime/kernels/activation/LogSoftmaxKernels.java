package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.kernels.LittleEndian;

/** LOG_SOFTMAX over the last dimension (TFLite 2.4.1 optimized float and uint8 kernels). */
public final class LogSoftmaxKernels {
  private LogSoftmaxKernels() {}

  public static void logSoftmaxFloat(
      byte[] in, int inOff, byte[] out, int outOff, int rows, int depth) {
    for (int r = 0; r < rows; r++) {
      int ib = inOff + 4 * r * depth;
      int ob = outOff + 4 * r * depth;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < depth; j++) {
        max = Math.max(max, LittleEndian.getFloat(in, ib + 4 * j));
      }
      double sum = 0;
      for (int j = 0; j < depth; j++) {
        sum += Math.exp(LittleEndian.getFloat(in, ib + 4 * j) - max);
      }
      float logSum = (float) Math.log(sum);
      for (int j = 0; j < depth; j++) {
        LittleEndian.setFloat(out, ob + 4 * j, LittleEndian.getFloat(in, ib + 4 * j) - max - logSum);
      }
    }
  }

  /**
   * uint8 with the softmax exp table (beta 1): {@code rint(x * inScale/outScale - (inScale *
   * max + log(sum)) / outScale) + zeroPoint}, all in float, clamped to [0, 255].
   */
  public static void logSoftmaxUint8(
      byte[] in, int inOff, byte[] out, int outOff, int rows, int depth, float[] table,
      float inScale, float outScale, int outZp) {
    for (int r = 0; r < rows; r++) {
      int b = r * depth;
      int maxVal = 0;
      for (int j = 0; j < depth; j++) {
        maxVal = Math.max(maxVal, in[inOff + b + j] & 0xff);
      }
      int base = 255 - maxVal;
      float sum = 0f;
      for (int j = 0; j < depth; j++) {
        sum += table[base + (in[inOff + b + j] & 0xff)];
      }
      float logSum = (float) Math.log(sum);
      float scale = inScale / outScale;
      float precomputed = (inScale * (float) maxVal + logSum) / outScale;
      for (int j = 0; j < depth; j++) {
        float logProb = scale * (float) (in[inOff + b + j] & 0xff) - precomputed;
        int q = (int) ((float) Math.rint(logProb) + (float) outZp);
        out[outOff + b + j] = (byte) Math.max(Math.min(255, q), 0);
      }
    }
  }
}
