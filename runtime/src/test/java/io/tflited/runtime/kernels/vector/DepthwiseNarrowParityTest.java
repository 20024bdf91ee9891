package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.DepthwiseKernels;
import io.tflited.runtime.ops.Padding;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DepthwiseNarrowVector against the scalar twin DepthwiseKernels, bit for bit for int8, uint8
 * and float32: depths below one vector block (1, 2, 3, 4, 5, 8, 12, 16, 24 and block - 1, the
 * ones that fit at the running width), both paddings, strides 1-3 (column stride > 1 goes
 * through the de-interleaved copy), dilations 1-2, filters 1x1 to 5x5, activation ranges,
 * min/max fills, and a random split of the output rows.
 */
class DepthwiseNarrowParityTest {
  private static final int SAME = io.tflited.runtime.model.fb.Padding.SAME;
  private static final int VALID = io.tflited.runtime.model.fb.Padding.VALID;

  private static int[] depths(int block) {
    return java.util.stream.IntStream.of(1, 2, 3, 4, 5, 8, 12, 16, 24, block - 1)
        .filter(c -> c < block).distinct().toArray();
  }

  /** A geometry wide enough that groups of lcm(c, block) / c pixels fit between the borders. */
  private static ConvGeometry geometry(Random rnd, int c, int pad, int block) {
    int kh = 1 + rnd.nextInt(5);
    int kw = rnd.nextBoolean() ? kh : 1 + rnd.nextInt(5);
    int sh = 1 + rnd.nextInt(3);
    int sw = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3) : sh;
    int dh = rnd.nextInt(4) == 0 ? 2 : 1;
    int dw = rnd.nextInt(4) == 0 ? 2 : 1;
    int groupPixels = c / gcd(c, block) * block / c;
    int inH = 1 + rnd.nextInt(6) + (pad == VALID ? (kh - 1) * dh : 0);
    int inW = sw * (groupPixels + rnd.nextInt(groupPixels + 8)) + (kw - 1) * dw;
    int outH = Padding.outSize(pad, inH, kh, sh, dh);
    int outW = Padding.outSize(pad, inW, kw, sw, dw);
    int batches = 1 + rnd.nextInt(2);
    return new ConvGeometry(batches, inH, inW, c, outH, outW, c, kh, kw, sh, sw, dh, dw,
        Padding.before(sh, dh, inH, kh, outH), Padding.before(sw, dw, inW, kw, outW));
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** MobileNet / VWW first blocks: 3x3, SAME, strides 1 and 2, square maps. */
  private static ConvGeometry mobileNetLike(int c, int size, int stride, int pad) {
    int outH = Padding.outSize(pad, size, 3, stride, 1);
    return new ConvGeometry(1, size, size, c, outH, outH, c, 3, 3, stride, stride, 1, 1,
        Padding.before(stride, 1, size, 3, outH), Padding.before(stride, 1, size, 3, outH));
  }

  @Test
  void eightBitMatchesScalarExactly() {
    Random rnd = new Random(17);
    int block = DepthwiseVector.lanes8();
    int narrowCases = 0;
    for (int c : depths(block)) {
      for (int pad : new int[] {SAME, VALID}) {
        for (int rep = 0; rep < 12; rep++) {
          narrowCases += checkEightBit(rnd, geometry(rnd, c, pad, block), rep, rep % 2 == 0);
        }
        for (int stride = 1; stride <= 2; stride++) {
          int rep = rnd.nextInt(9);
          narrowCases += checkEightBit(rnd, mobileNetLike(c, 24 + rnd.nextInt(9), stride, pad),
              rep, rnd.nextBoolean());
        }
      }
    }
    assertTrue(narrowCases > 100, "narrow kernel ran in " + narrowCases + " cases");
  }

  @Test
  void fullBlocksAndNarrowMapsAreRefused() {
    int block = DepthwiseVector.lanes8();
    assertNull(DepthwiseNarrowVector.forEightBit(mobileNetLike(block, 40, 1, SAME)));
    assertNull(DepthwiseNarrowVector.forFloat(
        mobileNetLike(DepthwiseVector.lanesF32(), 40, 1, SAME)));
    // Depth 3 needs lcm(3, block) / 3 = block output columns: a 5-pixel map has 5.
    assertNull(DepthwiseNarrowVector.forEightBit(mobileNetLike(3, 5, 1, SAME)));
  }

  /** The warm-up's synthetic narrow layers are valid at this width (it runs them in C2's stead). */
  @Test
  void warmUpRunsTheNarrowKernels() throws Exception {
    VectorWarmup.run(2, System.nanoTime() + 60_000_000_000L);
  }

  /** Returns 1 when the narrow kernel applied (0 when the layout refused the geometry). */
  private static int checkEightBit(Random rnd, ConvGeometry g, int rep, boolean signed) {
    DepthwiseNarrowVector narrow = DepthwiseNarrowVector.forEightBit(g);
    if (narrow == null) {
      return 0;
    }
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
    int[] wInts = DepthwiseNarrowVector.weightInts(wModel, signed, wOffset);
    int[] wn = narrow.packWeights8(wInts);
    int[] table = narrow.biasTable8(wInts, bias, inOffset);
    RequantizeVector.Params rq = narrow.packParams8(mult, shift);
    byte[] src = new byte[(int) narrow.sourceBytes() + 3];
    copyInTwoParts(rnd, narrow, in, 1, src, 3, (byte) -inOffset);
    byte[] actual = new byte[outLen + 2];
    int rows = narrow.outputRows();
    int split = rnd.nextInt(rows + 1);
    for (int[] part : new int[][] {{0, split}, {split, rows}}) {
      narrow.conv8(signed, src, 3, wn, table, rq, outZp, lo, hi, actual, 2, part[0], part[1]);
    }
    assertArrayEquals(expected, actual, () -> "geometry " + g + " signed " + signed);
    return 1;
  }

  private static void copyInTwoParts(Random rnd, DepthwiseNarrowVector narrow, byte[] in,
      int inOff, byte[] src, int srcOff, byte padByte) {
    int rows = narrow.inputRows();
    int split = rnd.nextInt(rows + 1);
    narrow.copyRows(in, inOff, src, srcOff, padByte, 0, split);
    narrow.copyRows(in, inOff, src, srcOff, padByte, split, rows);
  }

  @Test
  void floatMatchesScalarBitForBit() {
    Random rnd = new Random(19);
    int block = DepthwiseVector.lanesF32();
    int narrowCases = 0;
    for (int c : depths(block)) {
      for (int pad : new int[] {SAME, VALID}) {
        for (int rep = 0; rep < 10; rep++) {
          narrowCases += checkFloat(rnd, geometry(rnd, c, pad, block), rep);
        }
        for (int stride = 1; stride <= 2; stride++) {
          narrowCases += checkFloat(rnd, mobileNetLike(c, 24 + rnd.nextInt(9), stride, pad),
              rnd.nextInt(3));
        }
      }
    }
    assertTrue(narrowCases > 40, "narrow kernel ran in " + narrowCases + " cases");
  }

  private static int checkFloat(Random rnd, ConvGeometry g, int rep) {
    DepthwiseNarrowVector narrow = DepthwiseNarrowVector.forFloat(g);
    if (narrow == null) {
      return 0;
    }
    int c = g.inC();
    int taps = g.kh() * g.kw();
    int inLen = g.batches() * g.inH() * g.inW() * c;
    byte[] in = new byte[4 * inLen + 4];
    for (int i = 0; i < inLen; i++) {
      LittleEndian.setFloat(in, 4 + 4 * i, (float) rnd.nextGaussian() * 3);
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
    byte[] src = new byte[(int) narrow.sourceBytes() + 8];
    copyInTwoParts(rnd, narrow, in, 4, src, 8, (byte) 0);
    float[] wn = narrow.packWeightsF32(w);
    float[] bn = narrow.packBiasF32(bias);
    byte[] actual = new byte[4 * outLen];
    int rows = narrow.outputRows();
    int split = rnd.nextInt(rows + 1);
    for (int[] part : new int[][] {{0, split}, {split, rows}}) {
      narrow.convF32(src, 8, wn, bn, lo, hi, actual, 0, part[0], part[1]);
    }
    for (int i = 0; i < outLen; i++) {
      int at = i;
      assertEquals(LittleEndian.getFloat(expected, 4 * i), LittleEndian.getFloat(actual, 4 * i),
          () -> "element " + at + " geometry " + g);
    }
    return 1;
  }

  private static void fill(Random rnd, byte[] a, int mode) {
    DepthwiseVectorParityTest.fill(rnd, a, mode);
  }
}
