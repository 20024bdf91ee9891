package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.ConvKernels;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scalar ({@link ConvKernels}) vs the direct narrow CONV_2D path of {@link ConvGemmVector}
 * (8-bit layers read from a zero-padded float copy of the input: narrow full and half-width
 * kernels, 4 x 2-vector tiles for wider layers): exact equality over every narrow channel count, kernels 1x3 to
 * 7x7, strides 1-3, dilation along H, SAME (including its asymmetric stride-2 case) and VALID
 * padding, 1-3 batches, pixel counts leaving 8-row tails, min/max fills, 1 and 2 threads. The
 * scratch arena starts as garbage and each layer runs twice on different inputs, so a padded
 * cell that is not rewritten on every eval, or a stale image, shows as a mismatch.
 */
class DirectConvParityTest {
  private static final int L = GemmVector.L;
  @RegisterExtension static final GemmParityCases CASES = new GemmParityCases();

  /** {inC, kh, kw}: K at most 200, inside every exact f32 block (uint8's is >= 258). */
  private static final int[][] FILTERS = {
    {3, 3, 3}, {1, 3, 3}, {16, 3, 3}, {8, 5, 5}, {3, 7, 7}, {16, 1, 3}, {5, 3, 1}, {2, 2, 2},
    {L + 1, 3, 3}
  };

  private static ConvGeometry geometry(Random r, int inC, int outC, int kh, int kw, int dh,
      int dw, int minSide) {
    while (true) {
      int batches = 1 + r.nextInt(3);
      int inH = minSide + r.nextInt(12);
      int inW = minSide + r.nextInt(12);
      int sh = 1 + r.nextInt(3);
      int sw = 1 + r.nextInt(3);
      boolean same = r.nextBoolean();
      int ekh = (kh - 1) * dh + 1;
      int ekw = (kw - 1) * dw + 1;
      int outH = same ? (inH + sh - 1) / sh : (inH - ekh + sh) / sh;
      int outW = same ? (inW + sw - 1) / sw : (inW - ekw + sw) / sw;
      if (outH <= 0 || outW <= 0 || batches * outH * outW < 2 * GemmVector.MR_NARROW) {
        continue;
      }
      int padH = same ? Math.max(0, ((outH - 1) * sh + ekh - inH) / 2) : 0;
      int padW = same ? Math.max(0, ((outW - 1) * sw + ekw - inW) / 2) : 0;
      return new ConvGeometry(batches, inH, inW, inC, outH, outW, outC, kh, kw, sh, sw, dh, dw,
          padH, padW);
    }
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

  private static int pick(Random r, int... v) {
    return v[r.nextInt(v.length)];
  }

  @Test
  void int8DirectMatchesScalar() throws ModelException {
    Random r = new Random(311);
    int iter = 0;
    for (int outC = 1; outC <= L; outC++) {
      for (int[] f : FILTERS) {
        check(true, geometry(r, f[0], outC, f[1], f[2], r.nextInt(3) == 0 ? 2 : 1, 1, 3), r,
            iter++, true);
      }
    }
  }

  @Test
  void uint8DirectMatchesScalar() throws ModelException {
    Random r = new Random(312);
    int iter = 0;
    for (int outC = 1; outC <= L; outC++) {
      for (int[] f : FILTERS) {
        check(false, geometry(r, f[0], outC, f[1], f[2], r.nextInt(3) == 0 ? 2 : 1, 1, 3), r,
            iter++, true);
      }
    }
  }

  /** Wider layers (more than L channels: 4 x 2-vector tiles, several column tiles). */
  @Test
  void wideDirectMatchesScalar() throws ModelException {
    Random r = new Random(315);
    int iter = 0;
    for (int outC : new int[] {L + 1, 2 * L - 1, 2 * L, 2 * L + 1, 3 * L + 5, 37}) {
      for (int[] f : FILTERS) {
        check(iter % 2 == 0, geometry(r, f[0], outC, f[1], f[2], r.nextInt(3) == 0 ? 2 : 1, 1,
            3), r, iter++, true);
      }
    }
  }

  /**
   * Layers big enough to split across two threads at the default threshold (the 16 -> 16 3x3
   * layer of the MLPerf Tiny ResNet, the 3 -> 8 stride-2 first layer of the wake-word model).
   */
  @Test
  void modelSizedLayersMatchScalar() throws ModelException {
    Random r = new Random(313);
    ConvGeometry resnet = new ConvGeometry(1, 32, 32, 16, 32, 32, Math.min(16, L), 3, 3, 1, 1,
        1, 1, 1, 1);
    ConvGeometry vww = new ConvGeometry(1, 96, 96, 3, 48, 48, Math.min(8, L), 3, 3, 2, 2, 1, 1,
        0, 0);
    ConvGeometry resnetWide = new ConvGeometry(1, 16, 16, 32, 16, 16, 32, 3, 3, 1, 1, 1, 1,
        1, 1);
    for (int i = 0; i < 4; i++) {
      check(i % 2 == 0, resnet, r, i, true);
      check(i % 2 == 0, vww, r, i, true);
      // K = 288: inside int8's exact block (>= 514), not always inside uint8's (>= 258).
      check(true, resnetWide, r, i, true);
    }
  }

  /**
   * Layers the direct path leaves to the panels: dilation along W, pointwise, float, and K
   * beyond the exact block (3x3 over 64 channels of uint8 with weights 255 and zero point 0).
   */
  @Test
  void otherLayersKeepThePanels() throws ModelException {
    Random r = new Random(314);
    for (int outC : new int[] {1, L / 2, L}) {
      check(true, geometry(r, 3, outC, 3, 3, 1, 2, 6), r, outC, false);
      check(false, geometry(r, 3, outC, 3, 3, 1, 2, 6), r, outC, false);
      ConvGeometry point = new ConvGeometry(1, 4, 5, 8, 4, 5, outC, 1, 1, 1, 1, 1, 1, 0, 0);
      check(true, point, r, outC, false);
    }
    ConvGeometry deep = new ConvGeometry(1, 6, 6, 64, 6, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1);
    byte[] w = new byte[5 * 9 * 64];
    Arrays.fill(w, (byte) 0xff);
    assertFalse(ConvGemmVector.uint8(deep, w, 0, 0, new int[5], new int[] {1 << 30, 1 << 30,
        1 << 30, 1 << 30, 1 << 30}, new int[5], 0, 0, 255, 0, 1, b -> 0, 1).direct());
    ConvGeometry g = new ConvGeometry(1, 6, 6, 3, 6, 6, L, 3, 3, 1, 1, 1, 1, 1, 1);
    assertFalse(ConvGemmVector.float32(g, new float[L * 27], null, -1f, 1f, 0, 1, b -> 0, 1)
        .direct());
  }

  /**
   * Half-width kernels exactly for at most L / 2 channels at 256 bits and more (at 128 bits
   * half a vector is 64 bits, which NEON's Vector API support does not cover well).
   */
  @Test
  void halfWidthChoice() {
    for (int n = 1; n <= L; n++) {
      assertEquals(Species.BITS >= 256 && 2 * n <= L, GemmVector.halfWidth(n), "n " + n);
    }
  }

  /**
   * One layer, twice (two inputs) on a garbage-filled scratch, at 1 and 2 threads; asserts the
   * path taken ({@code direct}) and exact equality with the scalar kernel.
   */
  private static void check(boolean int8, ConvGeometry g, Random r, int iter, boolean direct)
      throws ModelException {
    int n = g.outC();
    int taps = g.kh() * g.kw();
    int inBytes = g.batches() * g.inH() * g.inW() * g.inC();
    int outBytes = g.batches() * g.outH() * g.outW() * n;
    byte[] w = bytes(r, n * taps * g.inC(), iter % 5 == 4 ? 2 : 0);
    int inZp = int8 ? pick(r, -128, 127, 0, r.nextInt(256) - 128) : pick(r, 0, 255, 128,
        r.nextInt(256));
    int wZp = int8 ? 0 : pick(r, 0, 255, r.nextInt(256));
    int outZp = int8 ? r.nextInt(256) - 128 : r.nextInt(256);
    int lo = int8 ? -128 : 0;
    int hi = int8 ? 127 : 255;
    int actMin = r.nextBoolean() ? lo : outZp;
    int actMax = r.nextBoolean() ? hi : Math.min(hi, outZp + 60);
    int[] bias = new int[n];
    int[] mult = new int[n];
    int[] shift = new int[n];
    QuantizedMultiplier shared = QuantizedMultiplier.of(Math.pow(2, -12 + 14 * r.nextDouble()));
    for (int c = 0; c < n; c++) {
      bias[c] = r.nextInt(1 << 16) - (1 << 15);
      QuantizedMultiplier q = int8
          ? QuantizedMultiplier.of(Math.pow(2, -12 + 14 * r.nextDouble())) : shared;
      mult[c] = q.multiplier();
      shift[c] = q.shift();
    }
    int[] tapSums = ConvKernels.tapSums(w, n, taps, g.inC(), !int8);
    int k = taps * g.inC();
    int[] folded = new int[n];
    for (int c = 0; c < n; c++) {
      int sum = 0;
      for (int t = 0; t < taps; t++) {
        sum += tapSums[c * taps + t];
      }
      folded[c] = int8 ? bias[c] - inZp * sum : bias[c] - inZp * sum + k * inZp * wZp;
    }
    for (int threads = 1; threads <= 2; threads++) {
      byte[][] arrays = new byte[3][];
      arrays[0] = new byte[inBytes + 3];
      arrays[1] = new byte[outBytes + 5];
      ConvGemmVector.Scratch scratch = bytes -> {
        arrays[2] = bytes(r, (int) bytes + 7, 0);
        return 2;
      };
      ConvGemmVector op = int8
          ? ConvGemmVector.int8(g, w, inZp, bias, mult, shift, outZp, actMin, actMax, 0, 1,
              scratch, threads)
          : ConvGemmVector.uint8(g, w, wZp, inZp, bias, mult, shift, outZp, actMin, actMax, 0,
              1, scratch, threads);
      assertEquals(direct, op.direct(), "direct path for " + g);
      ExecContext ctx = new ExecContext(arrays, new int[] {3, 5, 7}, threads > 1 ? CASES.pool() : null);
      for (int run = 0; run < 2; run++) {
        int fill = (iter + run) % 7 < 4 ? 0 : (iter + run) % 7 - 3;
        byte[] x = bytes(r, inBytes, fill);
        System.arraycopy(x, 0, arrays[0], 3, inBytes);
        byte[] expected = new byte[outBytes];
        if (int8) {
          ConvKernels.convS8(g, x, 0, w, tapSums, bias, folded, inZp, mult, shift, outZp,
              actMin, actMax, expected, 0);
        } else {
          ConvKernels.convU8(g, x, 0, w, tapSums, bias, folded, inZp, wZp, mult[0], shift[0],
              outZp, actMin, actMax, expected, 0);
        }
        op.eval(ctx);
        assertArrayEquals(expected, Arrays.copyOfRange(arrays[1], 5, 5 + outBytes),
            (int8 ? "int8 " : "uint8 ") + g + " threads=" + threads + " run=" + run);
      }
    }
  }
}
