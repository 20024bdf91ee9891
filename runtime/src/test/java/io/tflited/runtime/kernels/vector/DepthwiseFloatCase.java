package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.DepthwiseKernels;
import java.util.Random;

/**
 * One seeded random float32 depthwise layer (depth multiplier outC / inC) for the parity
 * tests: input at byte offset 4 (values ~N(0, 3)), model-order filter and bias ~N(0, 1), and
 * an activation range picked by {@code rep} (none, RELU, RELU6).
 */
record DepthwiseFloatCase(ConvGeometry g, byte[] in, float[] w, float[] bias, float lo,
    float hi) {

  static DepthwiseFloatCase random(Random rnd, ConvGeometry g, int rep) {
    int c = g.outC();
    int inLen = g.batches() * g.inH() * g.inW() * g.inC();
    byte[] in = new byte[4 * inLen + 4];
    for (int i = 0; i < inLen; i++) {
      LittleEndian.setFloat(in, 4 + 4 * i, (float) rnd.nextGaussian() * 3);
    }
    float[] w = new float[g.kh() * g.kw() * c];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    float[] bias = new float[c];
    for (int i = 0; i < c; i++) {
      bias[i] = (float) rnd.nextGaussian();
    }
    float lo = rep % 3 == 0 ? Float.NEGATIVE_INFINITY : 0f;
    float hi = rep % 3 == 2 ? 6f : Float.POSITIVE_INFINITY;
    return new DepthwiseFloatCase(g, in, w, bias, lo, hi);
  }

  /** Output elements. */
  int outLen() {
    return g.batches() * g.outH() * g.outW() * g.outC();
  }

  /** The scalar twin's output, from byte 0. */
  byte[] expected() {
    byte[] out = new byte[4 * outLen()];
    DepthwiseKernels.convF32(g, g.outC() / g.inC(), in, 4,
        DepthwiseKernels.packFloats(w, g.kh() * g.kw(), g.outC()), bias, lo, hi, out, 0);
    return out;
  }
}
