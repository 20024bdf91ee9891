package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.exec.WorkerPool;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.ConvKernels;
import io.tflited.runtime.kernels.vector.ConvGemmVector.Kind;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scalar ({@link ConvKernels}) vs vector ({@link ConvGemmVector}) CONV_2D on seeded random
 * geometries: channel counts around the vector width and the NR tile (1, lanes-1, lanes,
 * lanes+1, NR+1, odd), kernels 1x1 to 5x3, strides 1-3, dilations 1-2, SAME and VALID padding,
 * pixel counts that leave MR row tails, random and min/max fills, 1 and 2 threads. int8 and uint8
 * must be identical; float within 1e-5 relative.
 */
class ConvGemmParityTest {
  private static final int L = GemmVector.L;
  private static WorkerPool pool;

  @BeforeAll
  static void startPool() {
    pool = new WorkerPool(2);
  }

  @AfterAll
  static void stopPool() {
    pool.close();
  }

  private static int pick(Random r, int... v) {
    return v[r.nextInt(v.length)];
  }

  /** A random geometry; padding SAME (TFLite formula) or VALID. */
  static ConvGeometry geometry(Random r) {
    int batches = 1 + r.nextInt(2);
    int inH = 1 + r.nextInt(9);
    int inW = 1 + r.nextInt(9);
    int inC = pick(r, 1, 2, 3, L - 1, L, L + 1, 4 * L + 3, 64, 65);
    inC = Math.max(1, inC);
    int outC = pick(r, 1, 3, L - 1, L, L + 1, 2 * L - 1, 2 * L, 2 * L + 1, 37, 70);
    outC = Math.max(1, outC);
    int kh = pick(r, 1, 1, 2, 3, 5);
    int kw = pick(r, 1, 1, 3, 3, 2);
    int sh = 1 + r.nextInt(3);
    int sw = 1 + r.nextInt(3);
    int dh = r.nextInt(4) == 0 ? 2 : 1;
    int dw = r.nextInt(4) == 0 ? 2 : 1;
    boolean same = r.nextBoolean();
    int ekh = (kh - 1) * dh + 1;
    int ekw = (kw - 1) * dw + 1;
    int outH = same ? (inH + sh - 1) / sh : (inH - ekh + sh) / sh;
    int outW = same ? (inW + sw - 1) / sw : (inW - ekw + sw) / sw;
    if (outH <= 0 || outW <= 0) {
      same = true;
      outH = (inH + sh - 1) / sh;
      outW = (inW + sw - 1) / sw;
    }
    int padH = same ? Math.max(0, ((outH - 1) * sh + ekh - inH) / 2) : 0;
    int padW = same ? Math.max(0, ((outW - 1) * sw + ekw - inW) / 2) : 0;
    return new ConvGeometry(batches, inH, inW, inC, outH, outW, outC, kh, kw, sh, sw, dh, dw,
        padH, padW);
  }

  private static byte[] bytes(Random r, int n, int fill) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = switch (fill) {
        case 0 -> (byte) r.nextInt(256);
        case 1 -> (byte) 0x7f;
        case 2 -> (byte) 0x80;
        default -> (byte) (r.nextBoolean() ? 0xff : 0x00);
      };
    }
    return b;
  }

  /** Runs the vector kernel; input at offset 3, output at offset 5 (unaligned on purpose). */
  private static byte[] runVector(ConvGeometry g, byte[] x, int outBytes, Factory f,
      boolean twoThreads) throws ModelException {
    List<byte[]> arrays = new ArrayList<>();
    arrays.add(pad(x, 3));
    arrays.add(new byte[outBytes + 5]);
    ConvGemmVector v = f.make(bytes -> {
      arrays.add(new byte[(int) bytes + 7]);
      return arrays.size() - 1;
    }, twoThreads ? 2 : 1);
    int[] offsets = new int[arrays.size()];
    offsets[0] = 3;
    offsets[1] = 5;
    for (int i = 2; i < offsets.length; i++) {
      offsets[i] = 7;
    }
    ExecContext ctx = new ExecContext(arrays.toArray(new byte[0][]), offsets,
        twoThreads ? pool : null);
    v.eval(ctx);
    byte[] out = new byte[outBytes];
    System.arraycopy(arrays.get(1), 5, out, 0, outBytes);
    return out;
  }

  /** Runs the kernel's scalar path of the first inferences ({@link VectorWarmup}). */
  private static byte[] whileWarmingUp(ConvGeometry g, byte[] x, int outBytes, Factory f)
      throws ModelException {
    VectorWarmup.setReady(false);
    try {
      return runVector(g, x, outBytes, f, false);
    } finally {
      VectorWarmup.setReady(true);
    }
  }

  private static byte[] pad(byte[] x, int off) {
    byte[] p = new byte[x.length + off];
    System.arraycopy(x, 0, p, off, x.length);
    return p;
  }

  private interface Factory {
    ConvGemmVector make(ConvGemmVector.Scratch s, int threads) throws ModelException;
  }

  private static int[][] multipliers(Random r, int n) {
    int[] m = new int[n];
    int[] s = new int[n];
    for (int c = 0; c < n; c++) {
      double real = Math.pow(2, -12 + 14 * r.nextDouble());
      QuantizedMultiplier q = QuantizedMultiplier.of(real);
      m[c] = q.multiplier();
      s[c] = q.shift();
    }
    return new int[][] {m, s};
  }

  @Test
  void int8MatchesScalarExactly() throws ModelException {
    Random r = new Random(301);
    for (int iter = 0; iter < 250; iter++) {
      checkInt8(geometry(r), r, iter);
    }
  }

  /** One int8 layer: vector (1 and 2 threads) and warming-up path == scalar. */
  private static void checkInt8(ConvGeometry g, Random r, int iter) throws ModelException {
    int fill = iter % 7 < 4 ? 0 : iter % 7 - 3;
    byte[] x = bytes(r, g.batches() * g.inH() * g.inW() * g.inC(), fill);
    int taps = g.kh() * g.kw();
    byte[] w = bytes(r, g.outC() * taps * g.inC(), iter % 5 == 4 ? 2 : 0);
    int inZp = pick(r, -128, 127, 0, r.nextInt(256) - 128);
    int outZp = r.nextInt(256) - 128;
    int[] bias = new int[g.outC()];
    for (int c = 0; c < bias.length; c++) {
      bias[c] = r.nextInt(1 << 16) - (1 << 15);
    }
    int[][] ms = multipliers(r, g.outC());
    int actMin = r.nextBoolean() ? -128 : outZp;
    int actMax = r.nextBoolean() ? 127 : Math.min(127, outZp + 60);
    int[] tapSums = ConvKernels.tapSums(w, g.outC(), taps, g.inC(), false);
    int[] folded = new int[g.outC()];
    for (int c = 0; c < g.outC(); c++) {
      int sum = 0;
      for (int t = 0; t < taps; t++) {
        sum += tapSums[c * taps + t];
      }
      folded[c] = bias[c] - inZp * sum;
    }
    int outBytes = g.batches() * g.outH() * g.outW() * g.outC();
    byte[] expected = new byte[outBytes];
    ConvKernels.convS8(g, x, 0, w, tapSums, bias, folded, inZp, ms[0], ms[1], outZp, actMin,
        actMax, expected, 0);
    for (boolean two : new boolean[] {false, true}) {
      byte[] got = runVector(g, x, outBytes, (s, t) -> ConvGemmVector.int8(g, w, inZp, bias,
          ms[0], ms[1], outZp, actMin, actMax, 0, 1, s, t), two);
      assertArrayEquals(expected, got, "int8 " + g + " threads2=" + two);
    }
    byte[] warming = whileWarmingUp(g, x, outBytes, (s, t) -> ConvGemmVector.int8(g, w, inZp,
        bias, ms[0], ms[1], outZp, actMin, actMax, 0, 1, s, t));
    assertArrayEquals(expected, warming, "int8 while warming up " + g);
  }

  @Test
  void uint8MatchesScalarExactly() throws ModelException {
    Random r = new Random(302);
    for (int iter = 0; iter < 250; iter++) {
      checkUint8(geometry(r), r, iter);
    }
  }

  /** One uint8 layer: vector (1 and 2 threads) and warming-up path == scalar. */
  private static void checkUint8(ConvGeometry g, Random r, int iter) throws ModelException {
    int fill = iter % 7 < 4 ? 0 : iter % 7 - 3;
    byte[] x = bytes(r, g.batches() * g.inH() * g.inW() * g.inC(), fill);
    int taps = g.kh() * g.kw();
    byte[] w = bytes(r, g.outC() * taps * g.inC(), iter % 5 == 4 ? 3 : 0);
    int inZp = pick(r, 0, 255, 128, r.nextInt(256));
    int wZp = pick(r, 0, 255, r.nextInt(256));
    int outZp = r.nextInt(256);
    int[] bias = new int[g.outC()];
    for (int c = 0; c < bias.length; c++) {
      bias[c] = r.nextInt(1 << 16) - (1 << 15);
    }
    int[][] ms = multipliers(r, 1);
    int[] mult = new int[g.outC()];
    int[] shift = new int[g.outC()];
    java.util.Arrays.fill(mult, ms[0][0]);
    java.util.Arrays.fill(shift, ms[1][0]);
    int actMin = r.nextBoolean() ? 0 : outZp;
    int actMax = r.nextBoolean() ? 255 : Math.min(255, outZp + 60);
    int[] tapSums = ConvKernels.tapSums(w, g.outC(), taps, g.inC(), true);
    int k = taps * g.inC();
    int[] folded = new int[g.outC()];
    for (int c = 0; c < g.outC(); c++) {
      int sum = 0;
      for (int t = 0; t < taps; t++) {
        sum += tapSums[c * taps + t];
      }
      folded[c] = bias[c] - inZp * sum + k * inZp * wZp;
    }
    int outBytes = g.batches() * g.outH() * g.outW() * g.outC();
    byte[] expected = new byte[outBytes];
    ConvKernels.convU8(g, x, 0, w, tapSums, bias, folded, inZp, wZp, ms[0][0], ms[1][0],
        outZp, actMin, actMax, expected, 0);
    for (boolean two : new boolean[] {false, true}) {
      byte[] got = runVector(g, x, outBytes, (s, t) -> ConvGemmVector.uint8(g, w, wZp, inZp,
          bias, mult, shift, outZp, actMin, actMax, 0, 1, s, t), two);
      assertArrayEquals(expected, got, "uint8 " + g + " threads2=" + two);
    }
    byte[] warming = whileWarmingUp(g, x, outBytes, (s, t) -> ConvGemmVector.uint8(g, w, wZp,
        inZp, bias, mult, shift, outZp, actMin, actMax, 0, 1, s, t));
    assertArrayEquals(expected, warming, "uint8 while warming up " + g);
  }

  @Test
  void float32WithinTolerance() throws ModelException {
    Random r = new Random(303);
    for (int iter = 0; iter < 200; iter++) {
      checkFloat(geometry(r), r);
    }
  }

  /**
   * One float layer: vector (1 and 2 threads) within 1e-5 of scalar, warming-up path identical
   * to the vector path.
   */
  private static void checkFloat(ConvGeometry g, Random r) throws ModelException {
    int n = g.batches() * g.inH() * g.inW() * g.inC();
    byte[] x = new byte[4 * n];
    for (int i = 0; i < n; i++) {
      LittleEndian.setFloat(x, 4 * i, (float) r.nextGaussian());
    }
    float[] w = new float[g.outC() * g.kh() * g.kw() * g.inC()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    float[] bias = new float[g.outC()];
    for (int c = 0; c < bias.length; c++) {
      bias[c] = (float) r.nextGaussian();
    }
    float min = r.nextBoolean() ? Float.NEGATIVE_INFINITY : 0f;
    float max = r.nextBoolean() ? Float.POSITIVE_INFINITY : 6f;
    int outElems = g.batches() * g.outH() * g.outW() * g.outC();
    byte[] expected = new byte[4 * outElems];
    ConvKernels.convF32(g, x, 0, w, bias, min, max, expected, 0);
    for (boolean two : new boolean[] {false, true}) {
      byte[] got = runVector(g, x, 4 * outElems, (s, t) -> ConvGemmVector.float32(g, w, bias,
          min, max, 0, 1, s, t), two);
      for (int i = 0; i < outElems; i++) {
        float e = LittleEndian.getFloat(expected, 4 * i);
        float a = LittleEndian.getFloat(got, 4 * i);
        // Sums of K ~ N(0,1) products: compare relative to the sum's scale.
        double tol = 1e-5 * Math.max(1.0, Math.abs(e)) * Math.sqrt(g.kh() * g.kw() * g.inC());
        assertEquals(e, a, tol, "float " + g + " at " + i);
      }
    }
    // The warming-up scalar path repeats the vector path's FMA order: identical floats.
    byte[] vector = runVector(g, x, 4 * outElems, (s, t) -> ConvGemmVector.float32(g, w, bias,
        min, max, 0, 1, s, t), false);
    byte[] warming = whileWarmingUp(g, x, 4 * outElems, (s, t) -> ConvGemmVector.float32(g, w,
        bias, min, max, 0, 1, s, t));
    assertArrayEquals(vector, warming, "float while warming up " + g);
  }

  /**
   * A geometry with {@code outC} output channels and {@code inC} input channels: random kernel
   * (1x1 to 3x3), stride, dilation and padding, at least 16 output pixels (so that layers with
   * at most L channels take the narrow tiles) with an 8-row tail in some.
   */
  static ConvGeometry geometryWith(Random r, int inC, int outC, int kh, int kw) {
    return geometryWith(r, inC, outC, kh, kw, 4, 9);
  }

  /** {@link #geometryWith(Random, int, int, int, int)} with input sides in [min, min + range). */
  static ConvGeometry geometryWith(Random r, int inC, int outC, int kh, int kw, int min,
      int range) {
    while (true) {
      int batches = 1 + r.nextInt(2);
      int inH = min + r.nextInt(range);
      int inW = min + r.nextInt(range);
      int sh = 1 + r.nextInt(2);
      int sw = 1 + r.nextInt(2);
      int dh = r.nextInt(4) == 0 ? 2 : 1;
      int dw = r.nextInt(4) == 0 ? 2 : 1;
      boolean same = r.nextBoolean();
      int ekh = (kh - 1) * dh + 1;
      int ekw = (kw - 1) * dw + 1;
      int outH = same ? (inH + sh - 1) / sh : (inH - ekh + sh) / sh;
      int outW = same ? (inW + sw - 1) / sw : (inW - ekw + sw) / sw;
      if (outH <= 0 || outW <= 0 || batches * outH * outW < 16) {
        continue;
      }
      int padH = same ? Math.max(0, ((outH - 1) * sh + ekh - inH) / 2) : 0;
      int padW = same ? Math.max(0, ((outW - 1) * sw + ekw - inW) / 2) : 0;
      return new ConvGeometry(batches, inH, inW, inC, outH, outW, outC, kh, kw, sh, sw, dh, dw,
          padH, padW);
    }
  }

  /**
   * Every output channel count 1..40 (8, 16, L - 1, L, L + 1 among them: narrow tiles up to L,
   * wide ones above) with K small (1x1 over 1 or 3 channels, 3x3 over 3: the first layer of an
   * image model), medium (3x3 over 16) and large (3x3 over 64), every kind.
   */
  @Test
  void everyChannelCountMatchesScalar() throws ModelException {
    Random r = new Random(305);
    int[][] shapes = {{1, 1, 1}, {3, 1, 1}, {3, 3, 3}, {8, 1, 1}, {16, 3, 3}, {64, 3, 3}};
    int iter = 0;
    for (int outC = 1; outC <= 40; outC++) {
      for (int[] s : shapes) {
        checkInt8(geometryWith(r, s[0], outC, s[1], s[2]), r, iter);
        checkUint8(geometryWith(r, s[0], outC, s[1], s[2]), r, iter);
        checkFloat(geometryWith(r, s[0], outC, s[1], s[2]), r);
        iter++;
      }
    }
  }

  /**
   * Larger images (sides 17..32), so that most 8-pixel panels lie inside the image on one
   * output row (packed in one call, runs overhanging) and the rest take the border path.
   */
  @Test
  void largeImagesMatchScalar() throws ModelException {
    Random r = new Random(307);
    int[][] shapes = {{3, 3, 3}, {16, 3, 3}, {8, 1, 1}, {5, 2, 3}};
    int iter = 0;
    for (int outC : new int[] {1, 8, 16, L - 1, L, L + 1}) {
      for (int[] s : shapes) {
        int n = Math.max(1, outC);
        checkInt8(geometryWith(r, s[0], n, s[1], s[2], 17, 16), r, iter);
        checkUint8(geometryWith(r, s[0], n, s[1], s[2], 17, 16), r, iter);
        checkFloat(geometryWith(r, s[0], n, s[1], s[2], 17, 16), r);
        iter++;
      }
    }
  }

  @Test
  void narrowTilesOnlyForAtMostOneVectorOfChannels() {
    Random r = new Random(306);
    for (int outC = 1; outC <= 2 * L + 1; outC++) {
      ConvGeometry g = geometryWith(r, 3, outC, 3, 3);
      assertEquals(outC <= L, ConvGemmVector.narrow(g), "outC " + outC);
    }
    // One pixel (a FULLY_CONNECTED row) keeps the wide one-row tile.
    assertEquals(false, ConvGemmVector.narrow(
        new ConvGeometry(1, 1, 1, 8, 1, 1, 4, 1, 1, 1, 1, 1, 1, 0, 0)));
  }

  /**
   * The warm-up's synthetic layers (wide and narrow tiles, border and interior panels) run
   * without error: an out-of-bounds pack or tile would throw here rather than in a background
   * thread that only logs.
   */
  @Test
  void warmUpLayersRun() throws Exception {
    VectorWarmup.run(3, System.nanoTime() + 60_000_000_000L);
  }

  @Test
  void exactBlockBounds() {
    assertEquals(258, GemmVector.exactBlock(255, 255));
    assertEquals(1024, GemmVector.exactBlock(128, 128));
    assertEquals(514, GemmVector.exactBlock(255, 128));
  }

  @Test
  void int8LongKCrossesExactBlocks() throws ModelException {
    // K = 9 * 300 = 2700 taps of extreme values: several f32 blocks per accumulator, on wide
    // (2L + 3 channels) and narrow (8, L channels) tiles.
    for (int outC : new int[] {2 * L + 3, 8, L}) {
      longK(new ConvGeometry(1, 5, 5, 300, 5, 5, outC, 3, 3, 1, 1, 1, 1, 1, 1));
    }
  }

  private static void longK(ConvGeometry g) throws ModelException {
    Random r = new Random(304);
    for (int fill : new int[] {1, 2, 0}) {
      byte[] x = bytes(r, 5 * 5 * 300, fill);
      byte[] w = bytes(r, g.outC() * 9 * 300, fill);
      int inZp = fill == 1 ? -128 : 127;
      int[] bias = new int[g.outC()];
      int[][] ms = multipliers(r, g.outC());
      int[] tapSums = ConvKernels.tapSums(w, g.outC(), 9, 300, false);
      int[] folded = new int[g.outC()];
      for (int c = 0; c < g.outC(); c++) {
        for (int t = 0; t < 9; t++) {
          folded[c] -= inZp * tapSums[c * 9 + t];
        }
      }
      int outBytes = 25 * g.outC();
      byte[] expected = new byte[outBytes];
      ConvKernels.convS8(g, x, 0, w, tapSums, bias, folded, inZp, ms[0], ms[1], 0, -128, 127,
          expected, 0);
      byte[] got = runVector(g, x, outBytes, (s, t) -> ConvGemmVector.quantized(Kind.S8, g, w, 0,
          inZp, bias, ms[0], ms[1], 0, -128, 127, 0, 1, s, t), false);
      assertArrayEquals(expected, got, g.toString());
      byte[] warming = whileWarmingUp(g, x, outBytes, (s, t) -> ConvGemmVector.quantized(Kind.S8,
          g, w, 0, inZp, bias, ms[0], ms[1], 0, -128, 127, 0, 1, s, t));
      assertArrayEquals(expected, warming, "while warming up " + g);
    }
  }
}
