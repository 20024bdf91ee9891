package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.ops.Padding;
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
    return geometry(rnd, c, pad, 0);
  }

  /**
   * A random window (filter 1-5, stride 1-3, dilation 1-2) over a map of 1-9 rows; with
   * {@code minOutW} 0 also 1-9 columns, else at least {@code minOutW} output columns.
   */
  static ConvGeometry geometry(Random rnd, int c, int pad, int minOutW) {
    int kh = 1 + rnd.nextInt(5);
    int kw = rnd.nextBoolean() ? kh : 1 + rnd.nextInt(5);
    int sh = 1 + rnd.nextInt(3);
    int sw = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : sh;
    int dh = rnd.nextInt(4) == 0 ? 2 : 1;
    int dw = rnd.nextInt(4) == 0 ? 2 : 1;
    int inH = 1 + rnd.nextInt(9) + (pad == VALID ? (kh - 1) * dh : 0);
    int inW = minOutW == 0
        ? 1 + rnd.nextInt(9) + (pad == VALID ? (kw - 1) * dw : 0)
        : sw * (minOutW + rnd.nextInt(minOutW + 8)) + (kw - 1) * dw;
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
    DepthwiseEightBitCase k = DepthwiseEightBitCase.random(rnd, g, rep, signed);
    int c = g.inC();
    byte[] actual = new byte[k.outLen() + 2];
    int[] wv = DepthwiseVector.packInts(k.wModel(), c, signed, k.wOffset());
    int[] bp = DepthwiseVector.packChannels(k.bias());
    RequantizeVector.Params rq = DepthwiseVector.packParams(k.mult(), k.shift(), c);
    int[] bi = DepthwiseVector.interiorBias(wv, bp, k.inOffset());
    int rows = g.batches() * g.outH();
    int split = rows == 0 ? 0 : rnd.nextInt(rows + 1);
    for (int[] part : new int[][] {{0, split}, {split, rows}}) {
      DepthwiseVector.conv8(g, signed, k.in(), 1, wv, bp, bi, k.inOffset(), rq, k.mult(),
          k.shift(), k.outZp(), k.lo(), k.hi(), actual, 2, part[0], part[1]);
    }
    assertArrayEquals(k.expected(), actual, () -> "geometry " + g + " signed " + signed);
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
    DepthwiseFloatCase k = DepthwiseFloatCase.random(rnd, g, rep);
    byte[] expected = k.expected();
    byte[] actual = new byte[expected.length];
    int rows = g.batches() * g.outH();
    int split = rows / 2;
    float[] wv = DepthwiseVector.packFloats(k.w());
    DepthwiseVector.convF32(g, k.in(), 4, wv, k.bias(), k.lo(), k.hi(), actual, 0, 0, split);
    DepthwiseVector.convF32(g, k.in(), 4, wv, k.bias(), k.lo(), k.hi(), actual, 0, split, rows);
    int taps = g.kh() * g.kw();
    for (int i = 0; i < k.outLen(); i++) {
      float e = LittleEndian.getFloat(expected, 4 * i);
      float a = LittleEndian.getFloat(actual, 4 * i);
      // The magnitude bound is the sum of |terms| of the output's channel, <= taps*max.
      float tol = 1e-5f * (taps * 20f + 5f);
      assertEquals(e, a, tol, "element " + i + " geometry " + g);
    }
  }
}
