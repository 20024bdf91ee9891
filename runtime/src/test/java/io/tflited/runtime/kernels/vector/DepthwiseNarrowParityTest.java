package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.ops.Padding;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DepthwiseNarrowVector against the scalar twin DepthwiseKernels, bit for bit for int8, uint8 and
 * float32: depths below one vector block (1, 2, 3, 4, 5, 8, 12, 16, 24 and block - 1, the ones that
 * fit at the running width), depth multipliers 1-4, both paddings, strides 1-3 (column stride > 1
 * goes through the de-interleaved copy), dilations 1-2, filters 1x1 to 5x5, activation ranges,
 * min/max fills, and the output rows split into 1-3 thread slots (each copying the input rows
 * it reads into scratch that starts out random).
 */
class DepthwiseNarrowParityTest {
  private static final int SAME = io.tflited.runtime.model.fb.Padding.SAME;
  private static final int VALID = io.tflited.runtime.model.fb.Padding.VALID;

  private static int[] depths(int block) {
    return java.util.stream.IntStream.of(1, 2, 3, 4, 5, 8, 12, 16, 24, block - 1)
        .filter(c -> c < block).distinct().toArray();
  }

  /** A random geometry wide enough for one group of lcm(c, block) / c pixels. */
  private static ConvGeometry geometry(Random rnd, int c, int pad, int block) {
    return DepthwiseVectorParityTest.geometry(rnd, c, pad, c / gcd(c, block) * block / c);
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

  /** Depth multipliers 2-4: the source copy repeats each input channel (8-bit and float). */
  @Test
  void depthMultipliersMatchScalarExactly() {
    Random rnd = new Random(23);
    int cases = 0;
    for (int dm = 2; dm <= 4; dm++) {
      for (int inC = 1; inC <= 6; inC++) {
        int outC = inC * dm;
        for (int pad : new int[] {SAME, VALID}) {
          for (int rep = 0; rep < 4; rep++) {
            ConvGeometry g8 = withInputDepth(
                geometry(rnd, outC, pad, DepthwiseVector.lanes8()), inC);
            cases += checkEightBit(rnd, g8, rep, rep % 2 == 0);
            ConvGeometry gf = withInputDepth(
                geometry(rnd, outC, pad, DepthwiseVector.lanesF32()), inC);
            cases += checkFloat(rnd, gf, rep);
          }
        }
      }
    }
    assertTrue(cases > 30, "narrow kernel ran in " + cases + " cases");
  }

  private static ConvGeometry withInputDepth(ConvGeometry g, int inC) {
    return new ConvGeometry(g.batches(), g.inH(), g.inW(), inC, g.outH(), g.outW(), g.outC(),
        g.kh(), g.kw(), g.strideH(), g.strideW(), g.dilH(), g.dilW(), g.padH(), g.padW());
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
    DepthwiseEightBitCase k = DepthwiseEightBitCase.random(rnd, g, rep, signed);
    int[] wInts = DepthwiseNarrowVector.weightInts(k.wModel(), signed, k.wOffset());
    int[] wn = narrow.packWeights8(wInts);
    int[] table = narrow.biasTable8(wInts, k.bias(), k.inOffset());
    RequantizeVector.Params rq = narrow.packParams8(k.mult(), k.shift());
    byte[] actual = new byte[k.outLen() + 2];
    int slots = 1 + rnd.nextInt(3);
    int slotBytes = (int) narrow.slotBytes(slots);
    byte[] scratch = new byte[3 + slots * slotBytes];
    rnd.nextBytes(scratch); // the previous inference's leftovers: the copy must cover all read
    for (int slot = 0; slot < slots; slot++) {
      narrow.slot8(slot, slots, signed, k.in(), 1, (byte) -k.inOffset(), scratch,
          3 + slot * slotBytes, wn, table, rq, k.outZp(), k.lo(), k.hi(), actual, 2);
    }
    assertArrayEquals(k.expected(), actual, () -> "geometry " + g + " signed " + signed);
    return 1;
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
    DepthwiseFloatCase k = DepthwiseFloatCase.random(rnd, g, rep);
    byte[] expected = k.expected();
    float[] wn = narrow.packWeightsF32(k.w());
    float[] bn = narrow.packBiasF32(k.bias());
    byte[] actual = new byte[expected.length];
    int slots = 1 + rnd.nextInt(3);
    int slotBytes = (int) narrow.slotBytes(slots);
    byte[] scratch = new byte[8 + slots * slotBytes];
    rnd.nextBytes(scratch);
    for (int slot = 0; slot < slots; slot++) {
      narrow.slotF32(slot, slots, k.in(), 4, scratch, 8 + slot * slotBytes, wn, bn, k.lo(),
          k.hi(), actual, 0);
    }
    for (int i = 0; i < k.outLen(); i++) {
      int at = i;
      assertEquals(LittleEndian.getFloat(expected, 4 * i), LittleEndian.getFloat(actual, 4 * i),
          () -> "element " + at + " geometry " + g);
    }
    return 1;
  }
}
