package io.tflited.runtime.kernels.vector;

import static io.tflited.runtime.kernels.vector.GemmParityCases.pick;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.fc.FcKernels;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link GemvVector} (batch-1 8-bit FULLY_CONNECTED on byte tiles) against the scalar
 * reference {@link FcKernels#quantizedFc}: int8 and uint8, per-tensor and per-channel
 * multipliers, nonzero weight zero points, depths 1 to 2500 around the tile's k steps, units
 * around the lane and tile widths, min/max fills (every product at -128 x -128, the int16
 * pair sum's worst case), the int32 limits of the requantization, 1 and 2 threads, and the
 * warm-up phase's scalar arithmetic. Exact equality.
 */
class GemvParityTest {
  private static final int L = GemvVector.L;
  private static final int NR = GemvVector.NR;
  @RegisterExtension static final GemmParityCases CASES = new GemmParityCases();

  private static byte[] bytes(Random r, int n, int fill) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = switch (fill) {
        case 0 -> (byte) r.nextInt(256);
        case 1 -> (byte) 0x7f;
        case 2 -> (byte) 0x80;
        case 3 -> (byte) 0xff;
        default -> (byte) 0x00;
      };
    }
    return b;
  }

  /** One case: shapes, data and quantization, with the scalar reference's output. */
  private record Case(boolean unsigned, int depth, int units, byte[] x, byte[] w, int inZp,
      int wZp, int outZp, int[] bias, int[] mult, int[] shift, int min, int max) {
    byte[] expected() {
      int[] rowConst = FcKernels.rowConstants(unsigned, w, 0, units, depth, -wZp, -inZp, bias);
      byte[] e = new byte[units];
      FcKernels.quantizedFc(unsigned, x, 0, w, 0, rowConst, -wZp, e, 0, 1, depth, units, mult,
          shift, outZp, min, max);
      return e;
    }

    /** Runs the vector op with the output at an offset and guard bytes around it. */
    byte[] vector(int threads) throws ModelException {
      byte[][] arrays = new byte[3][];
      arrays[0] = x;
      int guard = 2 * NR + 7;
      arrays[1] = new byte[units + 2 * guard];
      java.util.Arrays.fill(arrays[1], (byte) 0x5a);
      GemvVector v = GemvVector.quantized(unsigned, depth, units, w, wZp, inZp, bias, mult,
          shift, outZp, min, max, 0, 1, bytes -> {
            arrays[2] = new byte[(int) bytes];
            return 2;
          }, threads);
      v.eval(new ExecContext(arrays, new int[] {0, guard, 0}, threads > 1 ? CASES.pool() : null));
      for (int i = 0; i < guard; i++) {
        assertEquals((byte) 0x5a, arrays[1][i], "guard before the output overwritten");
        assertEquals((byte) 0x5a, arrays[1][guard + units + i], "guard after the output");
      }
      return java.util.Arrays.copyOfRange(arrays[1], guard, guard + units);
    }

    @Override
    public String toString() {
      return (unsigned ? "uint8" : "int8") + " depth=" + depth + " units=" + units + " inZp="
          + inZp + " wZp=" + wZp + " outZp=" + outZp;
    }
  }

  private static Case randomCase(Random r, int iter) {
    boolean unsigned = r.nextBoolean();
    int depth = pick(r, 1, 2, 3, 4, 5, 7, L - 1, L, L + 1, 2 * L + 3, 64, 127, 300, 640, 1024,
        2500);
    int units = pick(r, 1, 5, 8, L - 1, L, L + 1, NR - 1, NR, NR + 1, 100, 128, 1000);
    int fill = iter % 8 < 3 ? 0 : iter % 8 - 2;
    byte[] x = bytes(r, depth, fill);
    // Min fills pair -128 with -128 (int8 0x80, uint8 0x00 flipped): the largest product.
    byte[] w = bytes(r, units * depth, fill == 0 ? 0 : fill);
    int inZp = unsigned ? pick(r, 0, 255, r.nextInt(256)) : r.nextInt(256) - 128;
    int wZp = unsigned ? r.nextInt(256) : (r.nextBoolean() ? 0 : r.nextInt(256) - 128);
    int outZp = unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
    int[] bias = r.nextInt(4) == 0 ? null : new int[units];
    if (bias != null) {
      for (int u = 0; u < units; u++) {
        bias[u] = r.nextInt(1 << 20) - (1 << 19);
      }
    }
    boolean perChannel = r.nextBoolean();
    int[] mult = new int[units];
    int[] shift = new int[units];
    QuantizedMultiplier one = QuantizedMultiplier.of(Math.pow(2, -16 + 16 * r.nextDouble()));
    for (int u = 0; u < units; u++) {
      QuantizedMultiplier q =
          perChannel ? QuantizedMultiplier.of(Math.pow(2, -16 + 16 * r.nextDouble())) : one;
      mult[u] = q.multiplier();
      shift[u] = q.shift();
    }
    int min = unsigned ? 0 : -128;
    int max = unsigned ? 255 : 127;
    if (r.nextBoolean()) {
      min = outZp;
    }
    return new Case(unsigned, depth, units, x, w, inZp, wZp, outZp, bias, mult, shift, min, max);
  }

  @Test
  void quantizedMatchesScalarExactly() throws ModelException {
    Random r = new Random(411);
    for (int iter = 0; iter < 400; iter++) {
      Case c = randomCase(r, iter);
      byte[] expected = c.expected();
      assertArrayEquals(expected, c.vector(1), c.toString());
      assertArrayEquals(expected, c.vector(2), c + " threads=2");
    }
  }

  @Test
  void warmupScalarPathMatchesScalarExactly() throws ModelException {
    Random r = new Random(412);
    VectorWarmup.setReady(false);
    try {
      for (int iter = 0; iter < 100; iter++) {
        Case c = randomCase(r, iter);
        assertArrayEquals(c.expected(), c.vector(1), c.toString());
      }
    } finally {
      VectorWarmup.setReady(true);
    }
  }

  @Test
  void largeLayerSplitAcrossThreadsMatchesScalar() throws ModelException {
    // 1024 x 1000 is above the parallel threshold, so two threads split the tiles.
    Random r = new Random(413);
    for (boolean unsigned : new boolean[] {false, true}) {
      Case c = randomCase(r, 0);
      int depth = 1024;
      int units = 1000;
      int[] mult = new int[units];
      int[] shift = new int[units];
      for (int u = 0; u < units; u++) {
        QuantizedMultiplier q = QuantizedMultiplier.of(Math.pow(2, -20 + 8 * r.nextDouble()));
        mult[u] = q.multiplier();
        shift[u] = q.shift();
      }
      Case big = new Case(unsigned, depth, units, bytes(r, depth, 0), bytes(r, units * depth, 0),
          unsigned ? 131 : -5, unsigned ? 120 : 0, c.outZp(), null, mult, shift,
          unsigned ? 0 : -128, unsigned ? 255 : 127);
      byte[] expected = big.expected();
      assertArrayEquals(expected, big.vector(1), big.toString());
      assertArrayEquals(expected, big.vector(2), big + " threads=2");
    }
  }

  @Test
  void requantizationExtremesMatchScalar() throws ModelException {
    // Accumulators near the int32 limits with the largest multipliers and every shift sign:
    // the rounding ties and RuyRequantize's overflow branch.
    Random r = new Random(414);
    int units = 64;
    int depth = 3;
    GemmParityCases.ExtremeRequant extremes = GemmParityCases.extremeRequant(r, units);
    int[] bias = extremes.bias();
    int[] mult = extremes.mult();
    int[] shift = extremes.shift();
    for (boolean unsigned : new boolean[] {false, true}) {
      for (int rep = 0; rep < 20; rep++) {
        Case c = new Case(unsigned, depth, units, bytes(r, depth, 0), bytes(r, units * depth, 0),
            unsigned ? 128 : 0, unsigned ? 128 : 0, 0, bias, mult, shift, unsigned ? 0 : -128,
            unsigned ? 255 : 127);
        assertArrayEquals(c.expected(), c.vector(1), c.toString());
      }
    }
  }

  @Test
  void tileSumsMatchScalarTwinAtEveryDepth() {
    // The input widening and the int32 tile alone (before requantization), every depth 1 ..
    // 4 NR + 3 (odd K pads a zero pair half; odd pair counts take the single-pair step), all
    // fills, int8 and uint8 (sign flip).
    Random r = new Random(415);
    for (int depth = 1; depth <= 4 * NR + 3; depth++) {
      int kp = (depth + 1) & ~1;
      for (int fill = 0; fill < 5; fill++) {
        for (int flip : new int[] {0, 0x80}) {
          byte[] x = bytes(r, depth + 3, fill);
          byte[] w = bytes(r, NR * depth, fill);
          byte[] packed = GemvVector.pack(w, NR, depth, flip != 0);
          byte[] xsVector = bytes(r, 2 * kp + 8, 0);
          byte[] xsScalar = bytes(r, 2 * kp + 8, 0);
          int sumVector = GemvVector.widenInput(x, 3, depth, flip, xsVector, 8);
          int sumScalar = GemvVector.widenInputScalar(x, 3, depth, flip, xsScalar, 8);
          assertEquals(sumScalar, sumVector, "input sum depth=" + depth);
          assertArrayEquals(java.util.Arrays.copyOfRange(xsScalar, 8, 8 + 2 * kp),
              java.util.Arrays.copyOfRange(xsVector, 8, 8 + 2 * kp), "widened input");
          byte[] got = new byte[4 * NR];
          byte[] want = new byte[4 * NR];
          GemvVector.tileS8(xsVector, 8, packed, 0, kp, got, 0);
          GemvVector.tileS8Scalar(xsScalar, 8, packed, 0, kp, want, 0);
          assertArrayEquals(want, got, "depth=" + depth + " fill=" + fill + " flip=" + flip);
          // And against the unpacked definition: sum x' w' per channel, and sum x'.
          int sumX = 0;
          for (int k = 0; k < depth; k++) {
            sumX += (byte) (x[3 + k] ^ flip);
          }
          assertEquals(sumX, sumVector, "sum x'");
          for (int c = 0; c < NR; c++) {
            int sum = 0;
            for (int k = 0; k < depth; k++) {
              sum += (byte) (x[3 + k] ^ flip) * (byte) (w[c * depth + k] ^ flip);
            }
            assertEquals(sum, LittleEndian.getInt(got, 4 * c), "channel " + c);
          }
        }
      }
    }
  }
}
