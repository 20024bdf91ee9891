package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.FloatRows;
import io.tflited.runtime.kernels.elementwise.QuantizedAddRow;
import io.tflited.runtime.kernels.elementwise.QuantizedMulRow;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ElementwiseVector rows against the scalar twins, byte for byte: 8-bit ADD/SUB/MUL with
 * random scales and zero points (multipliers derived as TFLite does), float32 ADD/MUL with
 * -0.0, NaN and infinities under every clamp; lengths around the lane count and the chunk
 * size; both inputs contiguous, either broadcast, and a strided input (scalar fallback). The
 * 8-bit rows run both the row this width uses and the 2L-element pair layout (the 128-bit
 * path), so each width also checks the pair code.
 */
class ElementwiseVectorParityTest {
  private static int[] lengths() {
    int l = Species.I.length();
    int c = ElementwiseVector.CHUNK;
    return new int[] {1, l - 1, l, l + 1, 2 * l - 1, 2 * l, 2 * l + 1, 2 * l + 3, 4 * l + 3, 100,
        c - 1, c, c + l + 1, c + 2 * l, 3001};
  }

  /** {step a, step b} in elements: contiguous, broadcast a, broadcast b, strided a. */
  private static final int[][] STEPS = {{1, 1}, {0, 1}, {1, 0}, {2, 1}};

  private static void fill(Random rnd, byte[] x, int mode) {
    for (int i = 0; i < x.length; i++) {
      x[i] = switch (mode) {
        case 0 -> (byte) 0x80;
        case 1 -> (byte) 0x7f;
        case 2 -> (byte) (rnd.nextBoolean() ? 0x80 : 0x7f);
        default -> (byte) rnd.nextInt(256);
      };
    }
  }

  private static void compare(Random rnd, BinaryRow scalar, BinaryRow vector, int elem, int mode) {
    for (int n : lengths()) {
      for (int[] st : STEPS) {
        byte[] a = new byte[(2 * n + 2) * elem];
        byte[] b = new byte[(n + 2) * elem];
        if (elem == 1) {
          fill(rnd, a, mode);
          fill(rnd, b, (mode + 1) % 4);
        } else {
          fillFloats(rnd, a, mode);
          fillFloats(rnd, b, mode + 1);
        }
        byte[] expected = new byte[(n + 1) * elem];
        byte[] actual = new byte[(n + 1) * elem];
        scalar.apply(a, elem, st[0] * elem, b, elem, st[1] * elem, expected, elem, n);
        vector.apply(a, elem, st[0] * elem, b, elem, st[1] * elem, actual, elem, n);
        assertArrayEquals(expected, actual, "n " + n + " steps " + st[0] + "," + st[1]);
      }
    }
  }

  private static void fillFloats(Random rnd, byte[] x, int mode) {
    float[] specials = {-0.0f, 0.0f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 6f, -1f, 1f};
    for (int i = 0; i + 4 <= x.length; i += 4) {
      float v = mode % 2 == 0 && rnd.nextInt(4) == 0
          ? specials[rnd.nextInt(specials.length)]
          : (float) (rnd.nextGaussian() * 4);
      LittleEndian.setFloat(x, i, v);
    }
  }

  @Test
  void eightBitRowsAreVectorizedAtEveryWidth() {
    assertTrue(ElementwiseVector.eightBitSupported(), "at " + Species.BITS + " bits");
  }

  @Test
  void quantizedAddAndSubMatchScalar() {
    Random rnd = new Random(17);
    for (int rep = 0; rep < 24; rep++) {
      boolean signed = rep % 2 == 0;
      boolean subtract = rep % 3 == 2;
      DataType t = signed ? DataType.INT8 : DataType.UINT8;
      float sa = (float) Math.pow(2, -8 * rnd.nextDouble());
      float sb = rep % 5 == 0 ? sa : (float) Math.pow(2, -8 * rnd.nextDouble());
      float so = (float) Math.pow(2, -8 * rnd.nextDouble()) * 2;
      int base = signed ? -128 : 0;
      int za = base + rnd.nextInt(256);
      int zb = base + rnd.nextInt(256);
      int zo = base + rnd.nextInt(256);
      int lo = rep % 4 == 1 ? Math.max(base, zo) : base;
      int hi = base + 255;
      double twiceMax = 2 * Math.max(sa, sb);
      QuantizedMultiplier m1 = QuantizedMultiplier.of(sa / twiceMax);
      QuantizedMultiplier m2 = QuantizedMultiplier.of(sb / twiceMax);
      QuantizedMultiplier mo = QuantizedMultiplier.of(twiceMax / ((float) (1 << 20) * so));
      int m2v = subtract ? -m2.multiplier() : m2.multiplier();
      QuantizedAddRow scalar = new QuantizedAddRow(t, -za, -zb, zo, 20, m1.multiplier(),
          m1.shift(), m2v, m2.shift(), mo.multiplier(), mo.shift(), lo, hi);
      BinaryRow vector = ElementwiseVector.add8(signed, -za, -zb, zo, 20, m1.multiplier(),
          m1.shift(), m2v, m2.shift(), mo.multiplier(), mo.shift(), lo, hi, scalar);
      compare(rnd, scalar, vector, 1, rep % 4);
      BinaryRow pairs = ElementwiseVector.add8Pairs(signed, -za, -zb, zo, 20, m1.multiplier(),
          m1.shift(), m2v, m2.shift(), mo.multiplier(), mo.shift(), lo, hi, scalar);
      compare(rnd, scalar, pairs, 1, rep % 4);
    }
  }

  /**
   * Every (x, y) byte pair in one row, for random scales and zero points (ADD and SUB): the
   * vector rows' two-multiply input rescale is exact for every |x + offset| <= 255 and both
   * multiplier signs, including the rounding ties.
   */
  @Test
  void quantizedAddMatchesScalarOnEveryInputPair() {
    Random rnd = new Random(29);
    byte[] a = new byte[1 << 16];
    byte[] b = new byte[1 << 16];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) (i >> 8);
      b[i] = (byte) i;
    }
    for (int rep = 0; rep < 16; rep++) {
      boolean signed = rep % 2 == 0;
      DataType t = signed ? DataType.INT8 : DataType.UINT8;
      float sa = (float) Math.pow(2, -10 * rnd.nextDouble());
      float sb = rep % 3 == 0 ? sa : (float) Math.pow(2, -10 * rnd.nextDouble());
      float so = (float) Math.pow(2, -10 * rnd.nextDouble()) * 2;
      int base = signed ? -128 : 0;
      int za = rep % 4 == 1 ? base : base + 255 - rnd.nextInt(2) * 255;
      int zb = rep % 4 == 1 ? base + 255 : base + rnd.nextInt(256);
      int zo = base + rnd.nextInt(256);
      double twiceMax = 2 * Math.max(sa, sb);
      QuantizedMultiplier m1 = QuantizedMultiplier.of(sa / twiceMax);
      QuantizedMultiplier m2 = QuantizedMultiplier.of(sb / twiceMax);
      QuantizedMultiplier mo = QuantizedMultiplier.of(twiceMax / ((float) (1 << 20) * so));
      int m2v = rep % 4 >= 2 ? -m2.multiplier() : m2.multiplier();
      QuantizedAddRow scalar = new QuantizedAddRow(t, -za, -zb, zo, 20, m1.multiplier(),
          m1.shift(), m2v, m2.shift(), mo.multiplier(), mo.shift(), base, base + 255);
      BinaryRow[] rows = {
        ElementwiseVector.add8(signed, -za, -zb, zo, 20, m1.multiplier(), m1.shift(), m2v,
            m2.shift(), mo.multiplier(), mo.shift(), base, base + 255, scalar),
        ElementwiseVector.add8Pairs(signed, -za, -zb, zo, 20, m1.multiplier(), m1.shift(), m2v,
            m2.shift(), mo.multiplier(), mo.shift(), base, base + 255, scalar)};
      byte[] expected = new byte[a.length];
      scalar.apply(a, 0, 1, b, 0, 1, expected, 0, a.length);
      for (BinaryRow row : rows) {
        byte[] actual = new byte[a.length];
        row.apply(a, 0, 1, b, 0, 1, actual, 0, a.length);
        assertArrayEquals(expected, actual, "rep " + rep);
      }
    }
  }

  /**
   * The two-multiply input rescale against FixedPoint on every (x, y) byte pair, for
   * multipliers of both signs with up to 14 trailing zero bits (which make the rounding ties
   * of the first stage reachable) and the shifts of small and large scale ratios.
   */
  @Test
  void quantizedAddInputRescaleIsExactOnEveryInputPair() {
    Random rnd = new Random(31);
    int n = 1 << 16;
    byte[] a = new byte[n];
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      a[i] = (byte) (i >> 8);
      b[i] = (byte) i;
    }
    for (int rep = 0; rep < 64; rep++) {
      boolean signed = rep % 2 == 0;
      int base = signed ? -128 : 0;
      int off1 = -(base + rnd.nextInt(256));
      int off2 = -(rep % 8 == 1 ? base + 255 : base + rnd.nextInt(256));
      int[] m = new int[2];
      int[] s = new int[2];
      for (int i = 0; i < 2; i++) {
        m[i] = ((1 << 30) + rnd.nextInt(1 << 30)) & -(1 << rnd.nextInt(15));
        m[i] = rnd.nextBoolean() ? -m[i] : m[i];
        s[i] = -rnd.nextInt(rep % 4 == 3 ? 31 : 8);
      }
      int[] expected = new int[n];
      for (int i = 0; i < n; i++) {
        int x = signed ? a[i] : a[i] & 0xff;
        int y = signed ? b[i] : b[i] & 0xff;
        expected[i] = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(
                (x + off1) << 20, m[0], s[0])
            + FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(
                (y + off2) << 20, m[1], s[1]);
      }
      boolean[] layouts = Species.BITS >= 256 ? new boolean[] {true, false} : new boolean[] {true};
      for (boolean pairs : layouts) {
        int[] actual = ElementwiseVector.rescaledSums(pairs, signed, off1, off2, 20, m[0], s[0],
            m[1], s[1], a, b, n);
        assertArrayEquals(expected, actual, "rep " + rep + " pairs " + pairs);
      }
    }
  }

  /**
   * The 32-bit output requantization against FixedPoint on sums over the whole range an ADD
   * produces (|sum| <= 510 * 2^20), with multipliers with trailing zero bits and sums that are
   * multiples of powers of two (exact ties in both roundings), every shift from 0 to 31, and
   * no clamp (lo/hi at the int range) so every bit of the result is compared.
   */
  @Test
  void quantizedAddOutputRequantizationIsExact() {
    Random rnd = new Random(37);
    int limit = 510 << 20;
    int n = 64 * 1024;
    for (int rep = 0; rep < 128; rep++) {
      int m = ((1 << 30) + rnd.nextInt(1 << 30)) & -(1 << rnd.nextInt(20));
      int shift = -(rep % 32);
      int outOff = rnd.nextInt(256) - 128;
      int[] sums = new int[n];
      for (int i = 0; i < n; i++) {
        int x = switch (i % 4) {
          case 0 -> rnd.nextInt(2 * limit + 1) - limit;
          case 1 -> (rnd.nextInt(2 * limit + 1) - limit) & -(1 << rnd.nextInt(28));
          case 2 -> rnd.nextInt(4097) - 2048;
          default -> rnd.nextBoolean() ? limit - rnd.nextInt(4) : -limit + rnd.nextInt(4);
        };
        sums[i] = x;
      }
      int[] expected = new int[n];
      for (int i = 0; i < n; i++) {
        expected[i] = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(sums[i], m, shift)
            + outOff;
      }
      int[] actual = ElementwiseVector.requantizedOutputs(sums, m, shift, outOff,
          Integer.MIN_VALUE, Integer.MAX_VALUE);
      assertArrayEquals(expected, actual, "m " + m + " shift " + shift);
    }
  }

  @Test
  void quantizedMulMatchesScalar() {
    Random rnd = new Random(19);
    for (int rep = 0; rep < 24; rep++) {
      boolean signed = rep % 2 == 0;
      DataType t = signed ? DataType.INT8 : DataType.UINT8;
      // Real multipliers from 2^-16 to 2^3: both right and left shifts.
      QuantizedMultiplier m = QuantizedMultiplier.of(Math.pow(2, -16 + 19 * rnd.nextDouble()));
      int base = signed ? -128 : 0;
      int za = base + rnd.nextInt(256);
      int zb = base + rnd.nextInt(256);
      int zo = base + rnd.nextInt(256);
      int lo = rep % 4 == 1 ? Math.max(base, zo) : base;
      int hi = rep % 4 == 3 ? Math.min(base + 255, zo + 30) : base + 255;
      QuantizedMulRow scalar = new QuantizedMulRow(t, -za, -zb, zo, m.multiplier(), m.shift(),
          lo, hi);
      BinaryRow vector = ElementwiseVector.mul8(signed, -za, -zb, zo, m.multiplier(),
          m.shift(), lo, hi, scalar);
      compare(rnd, scalar, vector, 1, rep % 4);
      BinaryRow pairs = ElementwiseVector.mul8Pairs(signed, -za, -zb, zo, m.multiplier(),
          m.shift(), lo, hi, scalar);
      compare(rnd, scalar, pairs, 1, rep % 4);
    }
  }

  @Test
  void floatAddAndMulMatchScalarBitForBit() {
    Random rnd = new Random(23);
    float[][] ranges = {{Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {0f,
        Float.POSITIVE_INFINITY}, {0f, 6f}, {-1f, 1f}};
    for (int rep = 0; rep < 16; rep++) {
      float[] r = ranges[rep % ranges.length];
      boolean multiply = rep % 2 == 1;
      BinaryRow scalar = multiply ? FloatRows.mul(r[0], r[1]) : FloatRows.add(r[0], r[1]);
      BinaryRow vector = ElementwiseVector.floatRow(multiply, r[0], r[1], scalar);
      compare(rnd, scalar, vector, 4, rep / 4);
    }
  }
}
