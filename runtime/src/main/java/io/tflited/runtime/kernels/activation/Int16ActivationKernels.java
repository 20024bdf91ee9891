package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.quant.GemmlowpFunctions;

/**
 * int16 LOGISTIC and TANH as TFLite 2.4.1 (gemmlowp fixed point): input Q3.12 (optionally
 * shifted left once for TANH), output Q0.15.
 */
public final class Int16ActivationKernels {
  private static final GemmlowpFunctions G = GemmlowpFunctions.INT16;

  private Int16ActivationKernels() {}

  public static void logistic(byte[] in, int inOff, byte[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      int x = LittleEndian.getShort(in, inOff + 2 * i);
      LittleEndian.setShort(out, outOff + 2 * i, (short) G.logistic(x, 3));
    }
  }

  public static void tanh(byte[] in, int inOff, byte[] out, int outOff, int n, int inputLeftShift) {
    for (int i = 0; i < n; i++) {
      int x = LittleEndian.getShort(in, inOff + 2 * i);
      if (inputLeftShift != 0) {
        x = G.multiplyByPot(x, inputLeftShift);
      }
      LittleEndian.setShort(out, outOff + 2 * i, (short) G.tanh(x, 3));
    }
  }
}
