package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.DepthwiseKernels;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;

/**
 * One seeded random 8-bit depthwise layer (depth multiplier outC / inC) for the parity
 * tests: input at offset 1, model-order filter, offsets, bias, per-tensor or per-channel
 * multipliers, output zero point and activation range; {@code rep} picks min/max/mixed fills
 * and the range.
 */
record DepthwiseEightBitCase(
    ConvGeometry g, boolean signed, byte[] in, byte[] wModel, int inOffset, int wOffset,
    int[] bias, int[] mult, int[] shift, int outZp, int lo, int hi) {

  static DepthwiseEightBitCase random(Random rnd, ConvGeometry g, int rep, boolean signed) {
    int c = g.outC();
    byte[] in = new byte[g.batches() * g.inH() * g.inW() * g.inC() + 1];
    byte[] wModel = new byte[g.kh() * g.kw() * c];
    DepthwiseVectorParityTest.fill(rnd, in, rep < 5 ? rep : 9);
    DepthwiseVectorParityTest.fill(rnd, wModel, rep < 5 ? (rep + 1) % 5 : 9);
    int inOffset = signed ? -(rnd.nextInt(256) - 128) : -rnd.nextInt(256);
    int wOffset = signed ? 0 : -rnd.nextInt(256);
    int[] bias = new int[c];
    for (int i = 0; i < c; i++) {
      bias[i] = rnd.nextInt(1 << 16) - (1 << 15);
    }
    boolean perChannel = signed && rnd.nextBoolean();
    int[] mult = new int[perChannel ? c : 1];
    int[] shift = new int[mult.length];
    for (int i = 0; i < mult.length; i++) {
      QuantizedMultiplier q = QuantizedMultiplier.of(Math.pow(2, -18 * rnd.nextDouble()));
      mult[i] = q.multiplier();
      shift[i] = q.shift();
    }
    int outZp = signed ? rnd.nextInt(256) - 128 : rnd.nextInt(256);
    int lo = signed ? -128 : 0;
    int hi = signed ? 127 : 255;
    if (rep % 3 == 1) {
      lo = Math.max(lo, outZp);
    } else if (rep % 3 == 2) {
      lo = Math.max(lo, outZp);
      hi = Math.min(hi, outZp + 40);
    }
    return new DepthwiseEightBitCase(g, signed, in, wModel, inOffset, wOffset, bias, mult,
        shift, outZp, lo, hi);
  }

  /** Output elements (the output arrays below start at offset 2). */
  int outLen() {
    return g.batches() * g.outH() * g.outW() * g.outC();
  }

  /** The scalar twin's output, at offset 2 of an array with 2 spare bytes. */
  byte[] expected() {
    byte[] packed = DepthwiseKernels.packBytes(wModel, g.kh() * g.kw(), g.outC());
    byte[] out = new byte[outLen() + 2];
    int dm = g.outC() / g.inC();
    if (dm == 1) {
      DepthwiseKernels.conv8Dm1(g, signed, in, 1, wModel, packed, wOffset, bias, inOffset,
          mult, shift, outZp, lo, hi, out, 2);
    } else {
      DepthwiseKernels.conv8(g, dm, signed, in, 1, packed, wOffset, bias, inOffset, mult,
          shift, outZp, lo, hi, out, 2);
    }
    return out;
  }
}
