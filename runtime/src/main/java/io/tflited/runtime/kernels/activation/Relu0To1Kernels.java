package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.kernels.LittleEndian;

/** Scalar float32 loop of RELU_0_TO_1, as TFLite's reference {@code x > 1 ? 1 : x < 0 ? 0 : x}. */
public final class Relu0To1Kernels {
  private Relu0To1Kernels() {}

  public static void clamp0To1(byte[] a, int ai, byte[] o, int oi, int n) {
    for (int k = 0; k < n; k++, ai += 4, oi += 4) {
      float x = LittleEndian.getFloat(a, ai);
      LittleEndian.setFloat(o, oi, x > 1f ? 1f : x < 0f ? 0f : x);
    }
  }
}
