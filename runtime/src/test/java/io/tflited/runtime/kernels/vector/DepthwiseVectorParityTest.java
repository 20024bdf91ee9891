package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.DepthwiseKernels;
import io.tflited.runtime.ops.Padding;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DepthwiseVector against the scalar twin DepthwiseKernels: exact for int8/uint8, 1e-5
 * relative (to the sum of |terms|) for float32, over channel counts around the vector block,
 * every padding, stride 1-3, dilation 1-2, filter 1x1 to 5x5, activation ranges, min/max fills
 * and several output row splits.
 */
class DepthwiseVectorParityTest {
  private static final int SAME = io.tflited.runtime.model.fb.Padding.SAME;
  private static final int VALID = io.tflited.runtime.model.fb.Padding.VALID;

  private static int[] channelCounts() {
    int l = DepthwiseVector.lanes8();
    int f = Species.F.length();
    return new int[] {1, 3, f - 1, f, f + 1, l - 1, l, l + 1, 2 * l + 3, 3 * l, 37};
  }

  private static ConvGeometry geometry(Random rnd, int c, int pad) {
    int kh = 1 + rnd.nextInt(5);
    int kw = rnd.nextBoolean() ? kh : 1 + rnd.nextInt(5);
    int sh = 1 + rnd.nextInt(3);
    int sw = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : sh;
    int dh = rnd.nextInt(4) == 0 ? 2 : 1;
    int dw = rnd.nextInt(4) == 0 ? 2 : 1;
    int inH = 1 + rnd.nextInt(9) + (pad == VALID ? (kh - 1) * dh : 0);
    int inW = 1 + rnd.nextInt(9) + (pad == VALID ? (kw - 1) * dw : 0);
    int outH = Padding.outSize(pad, inH, kh, sh, dh);
    int outW = Padding.outSize(pad, inW, kw, sw, dw);
    int batches = 1 + rnd.nextInt(2);
    return new ConvGeometry(batches, inH, inW, c, outH, outW, c, kh, kw, sh, sw, dh, dw,
        Padding.before(sh, dh, inH, kh, outH), Padding.before(sw, dw, inW, kw, outW));
  }

  static void fill(Random rnd, byte[] a, int mode) {
    for (int i = 0; i < a.length; i++) {
      a[i] = switch (mode) {
        case 0 -> (byte) 0x80;
        case 1 -> (byte) 0x7f;
        case 2 -> (byte) (rnd.nextBoolean() ? 0x80 : 0x7f);
        case 3 -> (byte) 0xff;
        default -> (byte) rnd.nextInt(256);
      };
    }
  }

  @Test
  void eightBitMatchesScalarExactly() {
    Random rnd = new Random(7);
    int cases = 0;
    for (int c : channelCounts()) {
      for (int pad : new int[] {SAME, VALID}) {
        for (int rep = 0; rep < 14; rep++) {
          boolean signed = rep % 2 == 0;
          checkEightBit(rnd, geometry(rnd, c, pad), rep, signed);
          cases++;
        }
      }
    }
    assertTrue(cases > 100);
  }

  private static void checkEightBit(Random rnd, ConvGeometry g, int rep, boolean signed) {
    int c = g.inC();
    int taps = g.kh() * g.kw();
    byte[] in = new byte[g.batches() * g.inH() * g.inW() * c + 1];
    byte[] wModel = new byte[taps * c];
    fill(rnd, in, rep < 5 ? rep : 9);
    fill(rnd, wModel, rep < 5 ? (rep + 1) % 5 : 9);
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
    int outLen = g.batches() * g.outH() * g.outW() * c;
    byte[] expected = new byte[outLen + 2];
    DepthwiseKernels.conv8Dm1(g, signed, in, 1, wModel,
        DepthwiseKernels.packBytes(wModel, taps, c), wOffset, bias, inOffset, mult, shift,
        outZp, lo, hi, expected, 2);
    byte[] actual = new byte[outLen + 2];
    int[] wv = DepthwiseVector.packInts(wModel, c, signed, wOffset);
    int[] bp = DepthwiseVector.packChannels(bias);
    RequantizeVector.Params rq = DepthwiseVector.packParams(mult, shift, c);
    int[] bi = DepthwiseVector.interiorBias(wv, bp, inOffset);
    int rows = g.batches() * g.outH();
    int split = rows == 0 ? 0 : rnd.nextInt(rows + 1);
    DepthwiseVector.conv8(g, signed, in, 1, wv, bp, bi, inOffset, rq, mult, shift, outZp, lo,
        hi, actual, 2, 0, split);
    DepthwiseVector.conv8(g, signed, in, 1, wv, bp, bi, inOffset, rq, mult, shift, outZp, lo,
        hi, actual, 2, split, rows);
    assertArrayEquals(expected, actual, () -> "geometry " + g + " signed " + signed);
  }

  /** The 3x3 interior fast path: MobileNet-like strides and both paddings on larger maps. */
  @Test
  void threeByThreeFastPathMatchesScalarExactly() {
    Random rnd = new Random(3);
    for (int c : channelCounts()) {
      for (int pad : new int[] {SAME, VALID}) {
        for (int stride = 1; stride <= 2; stride++) {
          for (int size : new int[] {3, 4, 7, 12}) {
            int outH = Padding.outSize(pad, size, 3, stride, 1);
            int outW = Padding.outSize(pad, size + 1, 3, stride, 1);
            ConvGeometry g = new ConvGeometry(1, size, size + 1, c, outH, outW, c, 3, 3, stride,
                stride, 1, 1, Padding.before(stride, 1, size, 3, outH),
                Padding.before(stride, 1, size + 1, 3, outW));
            int rep = rnd.nextInt(8);
            checkEightBit(rnd, g, rep, rnd.nextBoolean());
          }
        }
      }
    }
  }

  @Test
  void floatMatchesScalarWithinRounding() {
    Random rnd = new Random(11);
    for (int c : channelCounts()) {
      for (int pad : new int[] {SAME, VALID}) {
        for (int rep = 0; rep < 8; rep++) {
          checkFloat(rnd, geometry(rnd, c, pad), rep);
        }
      }
    }
  }

  /** The float 3x3 interior fast path on larger maps, strides 1 and 2, both paddings. */
  @Test
  void threeByThreeFloatFastPathMatchesScalar() {
    Random rnd = new Random(13);
    for (int c : channelCounts()) {
      for (int pad : new int[] {SAME, VALID}) {
        for (int stride = 1; stride <= 2; stride++) {
          int size = 6 + rnd.nextInt(8);
          int outH = Padding.outSize(pad, size, 3, stride, 1);
          int outW = Padding.outSize(pad, size + 1, 3, stride, 1);
          ConvGeometry g = new ConvGeometry(1, size, size + 1, c, outH, outW, c, 3, 3, stride,
              stride, 1, 1, Padding.before(stride, 1, size, 3, outH),
              Padding.before(stride, 1, size + 1, 3, outW));
          checkFloat(rnd, g, rnd.nextInt(3));
        }
      }
    }
  }

  private static void checkFloat(Random rnd, ConvGeometry g, int rep) {
    int c = g.inC();
    int taps = g.kh() * g.kw();
    int inLen = g.batches() * g.inH() * g.inW() * c;
    byte[] in = new byte[4 * inLen + 4];
    float[] x = new float[inLen];
    for (int i = 0; i < inLen; i++) {
      x[i] = (float) rnd.nextGaussian() * 3;
      LittleEndian.setFloat(in, 4 + 4 * i, x[i]);
    }
    float[] w = new float[taps * c];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    float[] bias = new float[c];
    for (int i = 0; i < c; i++) {
      bias[i] = (float) rnd.nextGaussian();
    }
    float lo = rep % 3 == 0 ? Float.NEGATIVE_INFINITY : 0f;
    float hi = rep % 3 == 2 ? 6f : Float.POSITIVE_INFINITY;
    int outLen = g.batches() * g.outH() * g.outW() * c;
    byte[] expected = new byte[4 * outLen];
    DepthwiseKernels.convF32(g, 1, in, 4, DepthwiseKernels.packFloats(w, taps, c), bias, lo,
        hi, expected, 0);
    byte[] actual = new byte[4 * outLen];
    int rows = g.batches() * g.outH();
    int split = rows / 2;
    float[] wv = DepthwiseVector.packFloats(w);
    DepthwiseVector.convF32(g, in, 4, wv, bias, lo, hi, actual, 0, 0, split);
    DepthwiseVector.convF32(g, in, 4, wv, bias, lo, hi, actual, 0, split, rows);
    for (int i = 0; i < outLen; i++) {
      float e = LittleEndian.getFloat(expected, 4 * i);
      float a = LittleEndian.getFloat(actual, 4 * i);
      // The magnitude bound is the sum of |terms| of the output's channel, <= taps*max.
      float tol = 1e-5f * (taps * 20f + 5f);
      assertEquals(e, a, tol, "element " + i + " geometry " + g);
    }
  }
}
