package io.tflited.runtime.kernels.vector;

import static io.tflited.runtime.kernels.vector.GemmParityCases.pick;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.fc.FcKernels;
import io.tflited.runtime.kernels.vector.ConvGemmVector.Kind;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scalar ({@link FcKernels}) vs vector ({@link ConvGemmVector} as a 1x1 conv) FULLY_CONNECTED:
 * batches 1 (GEMV, split by output tiles on 2 threads) to 13 (row tails), depths from 1 to 2500
 * (several exact f32 blocks for uint8), units around the vector width, nonzero weight zero
 * points, min/max fills, 1 and 2 threads. 8-bit identical; float within 1e-5 relative.
 */
class FullyConnectedGemmParityTest {
  private static final int L = GemmVector.L;
  @RegisterExtension static final GemmParityCases CASES = new GemmParityCases();

  private static byte[] bytes(Random r, int n, int fill) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = switch (fill) {
        case 0 -> (byte) r.nextInt(256);
        case 1 -> (byte) 0x7f;
        case 2 -> (byte) 0x80;
        default -> (byte) 0xff;
      };
    }
    return b;
  }

  private static ConvGeometry fc(int batches, int depth, int units) {
    return new ConvGeometry(1, 1, batches, depth, 1, batches, units, 1, 1, 1, 1, 1, 1, 0, 0);
  }

  private static byte[] run(ConvGemmVector.Scratch ignored, Maker f, byte[] x, int outBytes,
      boolean two) throws ModelException {
    byte[][] arrays = new byte[3][];
    arrays[0] = x;
    arrays[1] = new byte[outBytes];
    ConvGemmVector v = f.make(bytes -> {
      arrays[2] = new byte[(int) bytes];
      return 2;
    }, two ? 2 : 1);
    v.eval(new ExecContext(arrays, new int[3], two ? CASES.pool() : null));
    return arrays[1];
  }

  private interface Maker {
    ConvGemmVector make(ConvGemmVector.Scratch s, int threads) throws ModelException;
  }

  @Test
  void quantizedMatchesScalarExactly() throws ModelException {
    Random r = new Random(311);
    for (int iter = 0; iter < 300; iter++) {
      boolean unsigned = r.nextBoolean();
      int batches = pick(r, 1, 1, 2, 3, 4, 5, 8, 13);
      int depth = pick(r, 1, 7, L - 1, L, L + 1, 64, 300, 1024, 2500);
      int units = pick(r, 1, 5, L - 1, 2 * L, 2 * L + 1, 100);
      int fill = iter % 6 < 3 ? 0 : iter % 6 - 2;
      byte[] x = bytes(r, batches * depth, fill);
      byte[] w = bytes(r, units * depth, fill == 0 ? 0 : 4 - fill);
      int inZp = unsigned ? pick(r, 0, 255, r.nextInt(256)) : pick(r, -128, 127, 0);
      if (!unsigned && r.nextInt(3) == 0) {
        inZp = r.nextInt(256) - 128;
      }
      int wZp = unsigned ? r.nextInt(256) : (r.nextBoolean() ? 0 : r.nextInt(256) - 128);
      int outZp = unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
      int[] bias = r.nextInt(4) == 0 ? null : new int[units];
      if (bias != null) {
        for (int u = 0; u < units; u++) {
          bias[u] = r.nextInt(1 << 20) - (1 << 19);
        }
      }
      int[] mult = new int[units];
      int[] shift = new int[units];
      for (int u = 0; u < units; u++) {
        QuantizedMultiplier q = QuantizedMultiplier.of(Math.pow(2, -16 + 16 * r.nextDouble()));
        mult[u] = q.multiplier();
        shift[u] = q.shift();
      }
      int min = unsigned ? 0 : -128;
      int max = unsigned ? 255 : 127;
      if (r.nextBoolean()) {
        min = outZp;
      }
      int[] rowConst = FcKernels.rowConstants(unsigned, w, 0, units, depth, -wZp, -inZp, bias);
      byte[] expected = new byte[batches * units];
      FcKernels.quantizedFc(unsigned, x, 0, w, 0, rowConst, -wZp, expected, 0, batches, depth,
          units, mult, shift, outZp, min, max);
      ConvGeometry g = fc(batches, depth, units);
      int izp = inZp;
      int lo = min;
      for (boolean two : new boolean[] {false, true}) {
        byte[] got = run(null, (s, t) -> ConvGemmVector.quantized(unsigned ? Kind.U8 : Kind.S8,
            g, w, wZp, izp, bias, mult, shift, outZp, lo, max, 0, 1, s, t), x, expected.length,
            two);
        assertArrayEquals(expected, got, (unsigned ? "uint8 " : "int8 ") + g + " two=" + two);
      }
    }
  }

  @Test
  void requantizationExtremesMatchScalar() throws ModelException {
    // Accumulators near the int32 limits with the largest multipliers and every shift sign:
    // covers the rounding ties and RuyRequantize's overflow branch.
    Random r = new Random(313);
    int units = 64;
    int depth = 3;
    GemmParityCases.ExtremeRequant extremes = GemmParityCases.extremeRequant(r, units);
    int[] bias = extremes.bias();
    int[] mult = extremes.mult();
    int[] shift = extremes.shift();
    for (boolean unsigned : new boolean[] {false, true}) {
      int batches = 5;
      byte[] x = bytes(r, batches * depth, 0);
      byte[] w = bytes(r, units * depth, 0);
      int inZp = unsigned ? 128 : 0;
      int wZp = unsigned ? 128 : 0;
      int min = unsigned ? 0 : -128;
      int max = unsigned ? 255 : 127;
      int[] rowConst = FcKernels.rowConstants(unsigned, w, 0, units, depth, -wZp, -inZp, bias);
      byte[] expected = new byte[batches * units];
      FcKernels.quantizedFc(unsigned, x, 0, w, 0, rowConst, -wZp, expected, 0, batches, depth,
          units, mult, shift, 0, min, max);
      ConvGeometry g = fc(batches, depth, units);
      byte[] got = run(null, (s, t) -> ConvGemmVector.quantized(unsigned ? Kind.U8 : Kind.S8, g,
          w, wZp, inZp, bias, mult, shift, 0, min, max, 0, 1, s, t), x, expected.length, false);
      assertArrayEquals(expected, got, unsigned ? "uint8" : "int8");
    }
  }

  @Test
  void float32WithinTolerance() throws ModelException {
    Random r = new Random(312);
    for (int iter = 0; iter < 150; iter++) {
      int batches = pick(r, 1, 1, 2, 3, 4, 5, 9);
      int depth = pick(r, 1, 7, L - 1, L, L + 1, 64, 300, 1024);
      int units = pick(r, 1, 5, L - 1, 2 * L, 2 * L + 1, 100);
      byte[] x = new byte[4 * batches * depth];
      for (int i = 0; i < batches * depth; i++) {
        LittleEndian.setFloat(x, 4 * i, (float) r.nextGaussian());
      }
      float[] w = new float[units * depth];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) r.nextGaussian();
      }
      float[] bias = r.nextBoolean() ? null : new float[units];
      if (bias != null) {
        for (int u = 0; u < units; u++) {
          bias[u] = (float) r.nextGaussian();
        }
      }
      float min = r.nextBoolean() ? Float.NEGATIVE_INFINITY : 0f;
      float max = r.nextBoolean() ? Float.POSITIVE_INFINITY : 6f;
      byte[] expected = new byte[4 * batches * units];
      FcKernels.floatFc(x, 0, w, bias, expected, 0, batches, depth, units, min, max);
      ConvGeometry g = fc(batches, depth, units);
      for (boolean two : new boolean[] {false, true}) {
        byte[] got = run(null, (s, t) -> ConvGemmVector.float32(g, w, bias, min, max, 0, 1, s,
            t), x, expected.length, two);
        for (int i = 0; i < batches * units; i++) {
          float e = LittleEndian.getFloat(expected, 4 * i);
          float a = LittleEndian.getFloat(got, 4 * i);
          assertEquals(e, a, 1e-5 * Math.max(1.0, Math.abs(e)) * Math.sqrt(depth), g + " " + i);
        }
      }
    }
  }
}
