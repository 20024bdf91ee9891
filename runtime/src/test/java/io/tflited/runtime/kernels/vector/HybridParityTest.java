package io.tflited.runtime.kernels.vector;

import static io.tflited.runtime.kernels.vector.GemmParityCases.pick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.HybridQuantizer;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.ConvKernels;
import io.tflited.runtime.kernels.fc.FcKernels;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scalar twins ({@link ConvKernels#convHybridBatches}, {@link FcKernels#hybridFc}, {@link
 * HybridQuantizer}) vs {@link HybridGemmVector}: hybrid CONV_2D over random geometries
 * (channels 1, lanes-1, lanes, lanes+1, odd; kernels 1x1 to 5x3; strides 1-3; dilations 1-2;
 * SAME and VALID), hybrid FULLY_CONNECTED (depths 1 to 1100, i.e. several exact f32 blocks;
 * units around the lanes and the NR tile; batches 1 to 5), symmetric and asymmetric input
 * quantization, per-tensor and per-channel scales, every fused activation, with and without
 * bias, 1 and 2 threads, inputs Gaussian, all zero (whole input or one row), rounding ties,
 * constant, and with NaN and infinity. Outputs must be identical bit for bit (NaNs compared as
 * NaN).
 */
class HybridParityTest {
  private static final int L = GemmVector.L;
  private static final int NR = GemmVector.NR;
  @RegisterExtension static final GemmParityCases CASES = new GemmParityCases();

  /** n floats as little-endian bytes; {@code fill} picks the distribution (see the class doc). */
  private static byte[] floats(Random r, int n, int fill) {
    byte[] b = new byte[4 * n];
    float scale = (float) Math.pow(2, r.nextInt(12) - 6);
    for (int i = 0; i < n; i++) {
      float v = switch (fill) {
        case 0, 1, 2 -> (float) r.nextGaussian() * scale;
        case 3 -> 0f;
        // Range 127 gives inv 1 (symmetric): halves are exact rounding ties.
        case 4 -> i == 0 ? 127f : (r.nextInt(509) - 254) / 2f;
        case 5 -> scale;
        case 6 -> r.nextInt(4) == 0 ? -0f : Math.abs((float) r.nextGaussian());
        default -> switch (r.nextInt(8)) {
          case 0 -> Float.NaN;
          case 1 -> r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
          default -> (float) r.nextGaussian();
        };
      };
      LittleEndian.setFloat(b, 4 * i, v);
    }
    return b;
  }

  private static byte[] weights(Random r, int n, boolean extremes) {
    byte[] w = new byte[n];
    for (int i = 0; i < n; i++) {
      w[i] = extremes ? (byte) (r.nextBoolean() ? 127 : -128) : (byte) (r.nextInt(255) - 127);
    }
    return w;
  }

  private static float[] scales(Random r, int n) {
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = (float) (Math.pow(2, -10 + 6 * r.nextDouble()));
    }
    return s;
  }

  private static float[] bias(Random r, int n) {
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      b[i] = r.nextInt(8) == 0 ? -0f : (float) r.nextGaussian();
    }
    return b;
  }

  private interface Factory {
    HybridGemmVector make(ConvGemmVector.Scratch s, int threads, PreparedOp twin)
        throws ModelException;
  }

  /**
   * Runs the vector kernel with the input at offset 3 and the output at offset 5 of their
   * arrays; {@code twin} is what the kernel may fall back to (null: it must not).
   */
  private static byte[] runVector(byte[] x, int outBytes, Factory f, boolean two,
      PreparedOp twin) throws Exception {
    List<byte[]> arrays = new ArrayList<>();
    byte[] in = new byte[x.length + 3];
    System.arraycopy(x, 0, in, 3, x.length);
    arrays.add(in);
    arrays.add(new byte[outBytes + 5]);
    PreparedOp fallback = twin != null ? twin : c -> fail("the scalar twin ran");
    HybridGemmVector v = f.make(bytes -> {
      arrays.add(new byte[(int) bytes + 7]);
      return arrays.size() - 1;
    }, two ? 2 : 1, fallback);
    int[] offsets = new int[arrays.size()];
    offsets[0] = 3;
    offsets[1] = 5;
    for (int i = 2; i < offsets.length; i++) {
      offsets[i] = 7;
    }
    v.eval(new ExecContext(arrays.toArray(new byte[0][]), offsets, two ? CASES.pool() : null));
    byte[] out = new byte[outBytes];
    System.arraycopy(arrays.get(1), 5, out, 0, outBytes);
    return out;
  }

  private static void assertSameFloats(byte[] expected, byte[] got, String what) {
    for (int i = 0; i < expected.length / 4; i++) {
      int e = Float.floatToIntBits(LittleEndian.getFloat(expected, 4 * i));
      int a = Float.floatToIntBits(LittleEndian.getFloat(got, 4 * i));
      if (e != a) {
        fail(what + ": output " + i + " is " + Float.intBitsToFloat(a) + ", scalar twin "
            + Float.intBitsToFloat(e));
      }
    }
  }

  @Test
  void convMatchesScalarTwinExactly() throws Exception {
    Random r = new Random(401);
    float[][] ranges = {
      {-Float.MAX_VALUE, Float.MAX_VALUE}, {0f, Float.MAX_VALUE}, {0f, 6f}, {-1f, 1f}
    };
    for (int iter = 0; iter < 300; iter++) {
      ConvGeometry g = ConvGemmParityTest.geometry(r);
      int perBatch = g.inH() * g.inW() * g.inC();
      int fill = iter % 8;
      byte[] x = floats(r, g.batches() * perBatch, fill);
      if (g.batches() > 1 && iter % 5 == 0) {
        java.util.Arrays.fill(x, 0, 4 * perBatch, (byte) 0); // one all-zero image
      }
      int taps = g.kh() * g.kw();
      byte[] w = weights(r, g.outC() * taps * g.inC(), iter % 9 == 8);
      boolean perChannel = r.nextBoolean();
      float filterScale = scales(r, 1)[0];
      float[] chScale = perChannel ? scales(r, g.outC()) : new float[] {filterScale};
      float[] b = r.nextInt(4) == 0 ? new float[g.outC()] : bias(r, g.outC());
      float[] range = ranges[r.nextInt(ranges.length)];
      int[] tapSums = ConvKernels.tapSums(w, g.outC(), taps, g.inC(), false);
      int[] wSums = new int[g.outC()];
      for (int c = 0; c < g.outC(); c++) {
        for (int t = 0; t < taps; t++) {
          wSums[c] += tapSums[c * taps + t];
        }
      }
      int outBytes = 4 * g.batches() * g.outH() * g.outW() * g.outC();
      byte[] expected = new byte[outBytes];
      ConvKernels.convHybridBatches(g, x, 0, new byte[g.batches() * perBatch], 0, w, tapSums,
          wSums, perChannel, filterScale, chScale, b, range[0], range[1], expected, 0);
      for (boolean two : new boolean[] {false, true}) {
        byte[] got = runVector(x, outBytes, (s, t, twin) -> HybridGemmVector.conv(g, w,
            filterScale, perChannel ? chScale : null, b, range[0], range[1], 0, 1, s, t, twin),
            two, null);
        assertSameFloats(expected, got, "conv " + g + " perChannel=" + perChannel + " fill="
            + fill + " two=" + two);
      }
    }
  }

  @Test
  void fullyConnectedMatchesScalarTwinExactly() throws Exception {
    Random r = new Random(402);
    for (int iter = 0; iter < 400; iter++) {
      int batches = pick(r, 1, 1, 1, 2, 3, 4, 5);
      int depth = pick(r, 1, 3, L - 1, L, L + 1, 2 * L + 3, 64, 129, 640, 1100);
      int units = pick(r, 1, 2, L - 1, L, L + 1, NR - 1, NR, NR + 1, 37, 128);
      int fill = iter % 8;
      byte[] x = floats(r, batches * depth, fill);
      if (batches > 1 && iter % 5 == 0) {
        int row = r.nextInt(batches);
        java.util.Arrays.fill(x, 4 * row * depth, 4 * (row + 1) * depth, (byte) 0);
      }
      byte[] w = weights(r, units * depth, iter % 9 == 8);
      boolean asymmetric = r.nextBoolean();
      float tensorScale = scales(r, 1)[0];
      float[] chScales = r.nextBoolean() ? scales(r, units) : null;
      float[] b = r.nextInt(3) == 0 ? null : bias(r, units);
      int activation = r.nextInt(6);
      int[] rowSums = asymmetric ? FcKernels.rowSums(w, units, depth) : null;
      int outBytes = 4 * batches * units;
      byte[] expected = new byte[outBytes];
      FcKernels.hybridFc(x, 0, w, b, null, 0, tensorScale, chScales, asymmetric, rowSums,
          activation, new byte[depth], 0, expected, 0, batches, depth, units);
      // The all-zero input is the scalar twin's (TFLite skips the product); nothing else is.
      PreparedOp twin = fill != 3 ? null : c -> FcKernels.hybridFc(c.array(0), c.offset(0), w, b,
          null, 0, tensorScale, chScales, asymmetric, rowSums, activation, new byte[depth], 0,
          c.array(1), c.offset(1), batches, depth, units);
      for (boolean two : new boolean[] {false, true}) {
        byte[] got = runVector(x, outBytes, (s, t, tw) -> HybridGemmVector.fullyConnected(
            batches, depth, units, w, asymmetric, tensorScale, chScales, b, activation, 0, 1, s,
            t, tw), two, twin);
        assertSameFloats(expected, got, "fc batches=" + batches + " depth=" + depth + " units="
            + units + " asymmetric=" + asymmetric + " perChannel=" + (chScales != null)
            + " activation=" + activation + " fill=" + fill + " two=" + two);
      }
    }
  }

  @Test
  void quantizersMatchHybridQuantizer() {
    Random r = new Random(403);
    for (int iter = 0; iter < 2000; iter++) {
      int n = pick(r, 1, 2, L - 1, L, L + 1, 2 * L - 1, 3 * L + 1, 100, 257);
      int fill = iter % 8;
      byte[] x = floats(r, n, fill);
      byte[] q = new byte[n];
      byte[] img = new byte[4 * n];
      String what = "n=" + n + " fill=" + fill;

      float s = HybridQuantizer.symmetric(x, 0, n, q, 0);
      float sv = HybridGemmVector.quantizeSymmetric(x, 0, n, img, 0);
      assertEquals(Float.floatToIntBits(s), Float.floatToIntBits(sv), "symmetric scale " + what);
      for (int i = 0; i < n; i++) {
        assertEquals(q[i], LittleEndian.getFloat(img, 4 * i), 0f, "symmetric " + what + " @" + i);
      }

      long p = HybridQuantizer.asymmetric(x, 0, n, q, 0);
      float av = HybridGemmVector.quantizeAsymmetric(x, 0, n, img, 0);
      assertEquals(Float.floatToIntBits(HybridQuantizer.scaleOf(p)), Float.floatToIntBits(av),
          "asymmetric scale " + what);
      int zp = HybridQuantizer.zeroPointOf(p);
      for (int i = 0; i < n; i++) {
        assertEquals(q[i] - zp, LittleEndian.getFloat(img, 4 * i), 0f,
            "asymmetric " + what + " @" + i);
      }
    }
  }
}
