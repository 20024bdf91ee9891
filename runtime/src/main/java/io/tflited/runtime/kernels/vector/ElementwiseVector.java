package io.tflited.runtime.kernels.vector;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;

import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.quant.FixedPoint;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * ADD/SUB and MUL rows (see {@link BinaryRow}) with Vector API loops, equal to the scalar
 * twins in {@code kernels.elementwise} bit for bit: float32 (same operation per element,
 * TFLite's clamp reproduced with compares so -0.0 and NaN pass exactly as in the scalar),
 * and int8/uint8 with TFLite's requantization ({@link RequantizeVector}).
 *
 * <p>The vector loop runs when both inputs are contiguous along the row, or one of them is
 * broadcast (step 0); any other stride, the tail shorter than a vector, and int16 go to the
 * scalar twin. 8-bit ADD needs three requantizations per element; it runs in three passes
 * over chunks of {@link #CHUNK} elements through a per-thread int32 buffer (input 1 rescaled,
 * input 2 rescaled and added, output), so that no compiled method exceeds C2's inlining
 * budget (a method that does would box its vectors). While {@link VectorWarmup} runs, the 8-bit
 * rows go to the scalar twin.
 *
 * <p>8-bit widths: from 256 bits, a block of L elements (L = int lanes) is one L-byte load cast
 * to L ints. At 128 bits (NEON) an L-byte (32-bit) vector does not exist, so a block is 2L
 * elements, as in {@link DepthwiseVector}: one 2L-byte load widened to 2L shorts (same lane
 * count: intrinsified on x86 and NEON), reinterpreted as L ints each holding an (even, odd)
 * element pair and split by shifts (even = pair << 16 >> 16, odd = pair >> 16). The arithmetic
 * is per element, so the even and odd halves are requantized separately into the int32 buffer
 * (a block's evens at j, its odds at j + L), and a last pass re-interleaves them (short pair =
 * odd << 16 | even & 0xffff), narrows the 2L shorts to bytes and stores them. Results are
 * clamped to the 8-bit range before that packing.
 */
public final class ElementwiseVector {
  private ElementwiseVector() {}

  private static final boolean ONE_BLOCK = Species.BITS >= 256;
  private static final VectorSpecies<Byte> BQ =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, Species.BITS / 4)));
  /** 2L bytes: one 8-bit block of the pair layout. */
  private static final VectorSpecies<Byte> BH =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Species.BITS / 2));
  static final int CHUNK = 1024;
  private static final ThreadLocal<int[]> BUFFER = ThreadLocal.withInitial(() -> new int[CHUNK]);

  /** Whether the 8-bit rows have a vector loop at this width (every supported width does). */
  public static boolean eightBitSupported() {
    return true;
  }

  /** float32 ADD (or MUL) with the fused-activation clamp [lo, hi]. */
  public static BinaryRow floatRow(boolean multiply, float lo, float hi, BinaryRow scalar) {
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      int lanes = Species.F.length();
      int k = 0;
      if ((as == 4 || as == 0) && (bs == 4 || bs == 0) && (as | bs) != 0) {
        for (; k + lanes <= n; k += lanes) {
          floatBlock(multiply, a, ai + k * as, as == 0, b, bi + k * bs, bs == 0, o, oi + 4 * k,
              lo, hi);
        }
      }
      if (k < n) {
        scalar.apply(a, ai + k * as, as, b, bi + k * bs, bs, o, oi + 4 * k, n - k);
      }
    };
  }

  private static void floatBlock(
      boolean multiply, byte[] a, int ai, boolean aScalar, byte[] b, int bi, boolean bScalar,
      byte[] o, int oi, float lo, float hi) {
    FloatVector x = aScalar
        ? FloatVector.broadcast(Species.F, Float.intBitsToFloat(le32(a, ai)))
        : ByteVector.fromArray(Species.B, a, ai).reinterpretAsFloats();
    FloatVector y = bScalar
        ? FloatVector.broadcast(Species.F, Float.intBitsToFloat(le32(b, bi)))
        : ByteVector.fromArray(Species.B, b, bi).reinterpretAsFloats();
    FloatVector v = multiply ? x.mul(y) : x.add(y);
    // FloatRows.clamp: y = x < lo ? lo : x; hi < y ? hi : y.
    v = v.blend(lo, v.compare(LT, lo));
    FloatVector h = FloatVector.broadcast(Species.F, hi);
    v = v.blend(h, h.compare(LT, v));
    v.reinterpretAsBytes().intoArray(o, oi);
  }

  private static int le32(byte[] a, int i) {
    return (a[i] & 0xff) | (a[i + 1] & 0xff) << 8 | (a[i + 2] & 0xff) << 16 | a[i + 3] << 24;
  }

  /**
   * 8-bit MUL: {@code clamp(MultiplyByQuantizedMultiplier((x + off1) * (y + off2), m, s) +
   * outOff)} as {@code QuantizedMulRow}. |x + off| <= 255, so the product fits in int32.
   */
  public static BinaryRow mul8(
      boolean signed, int off1, int off2, int outOff, int m, int s, int lo, int hi,
      BinaryRow scalar) {
    return ONE_BLOCK
        ? mul8Lanes(signed, off1, off2, outOff, m, s, lo, hi, scalar)
        : mul8Pairs(signed, off1, off2, outOff, m, s, lo, hi, scalar);
  }

  /** {@link #mul8} with blocks of L elements in L int lanes (from 256 bits). */
  static BinaryRow mul8Lanes(
      boolean signed, int off1, int off2, int outOff, int m, int s, int lo, int hi,
      BinaryRow scalar) {
    RequantizeVector.Params p = RequantizeVector.Params.uniformOf(m, s, 1);
    int mh = p.mHigh()[0];
    int ml = p.mLow()[0];
    int left = p.left()[0];
    int right = p.right()[0];
    int mask = p.mask()[0];
    int byteMask = signed ? -1 : 0xff;
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      int lanes = Species.I.length();
      int k = 0;
      if ((as | bs) == 1 && VectorWarmup.ready()) {
        for (; k + lanes <= n; k += lanes) {
          mulBlock(a, ai + k * as, as == 0, b, bi + k * bs, bs == 0, byteMask, off1, off2,
              outOff, mh, ml, left, right, mask, lo, hi, o, oi + k);
        }
      }
      if (k < n) {
        scalar.apply(a, ai + k * as, as, b, bi + k * bs, bs, o, oi + k, n - k);
      }
    };
  }

  private static void mulBlock(
      byte[] a, int ai, boolean aScalar, byte[] b, int bi, boolean bScalar, int byteMask,
      int off1, int off2, int outOff, int mh, int ml, int left, int right, int mask, int lo,
      int hi, byte[] o, int oi) {
    IntVector xa = aScalar
        ? IntVector.broadcast(Species.I, a[ai] & byteMask)
        : ((IntVector) ByteVector.fromArray(BQ, a, ai).castShape(Species.I, 0)).and(byteMask);
    IntVector xb = bScalar
        ? IntVector.broadcast(Species.I, b[bi] & byteMask)
        : ((IntVector) ByteVector.fromArray(BQ, b, bi).castShape(Species.I, 0)).and(byteMask);
    IntVector x = xa.add(off1).mul(xb.add(off2)).lanewise(LSHL, left);
    // RequantizeVector's multiply (see its proof) written out: no vector crosses a call.
    IntVector xh = x.lanewise(ASHR, 16);
    IntVector xl = x.and(0xffff);
    IntVector b1 = xh.mul(ml);
    IntVector b2 = xl.mul(mh).add(xl.mul(ml).lanewise(LSHR, 16));
    IntVector low = b1.and(0x7fff).add(b2.and(0x7fff)).add(1 << 14).lanewise(ASHR, 15);
    IntVector r = xh.mul(mh).lanewise(LSHL, 1).add(b1.lanewise(ASHR, 15))
        .add(b2.lanewise(ASHR, 15)).add(low);
    IntVector thr = IntVector.broadcast(Species.I, mask >> 1).sub(r.lanewise(ASHR, 31));
    IntVector v = r.lanewise(ASHR, right).add(thr.sub(r.and(mask)).lanewise(LSHR, 31));
    v = v.add(outOff).max(lo).min(hi);
    ((ByteVector) v.castShape(BQ, 0)).intoArray(o, oi);
  }

  /**
   * 8-bit ADD/SUB as {@code QuantizedAddRow}: each input offset, shifted left by
   * {@code leftShift} and rescaled by its multiplier (shifts are TFLite's non-positive
   * exponents), summed, rescaled to the output, offset and clamped. |x + off| <= 255, so
   * (x + off) << 20 fits in int32; the two rescaled inputs are each below 2^30 in magnitude
   * (multipliers < 1), so their sum fits too.
   */
  public static BinaryRow add8(
      boolean signed, int off1, int off2, int outOff, int leftShift, int m1, int s1, int m2,
      int s2, int mo, int so, int lo, int hi, BinaryRow scalar) {
    return ONE_BLOCK
        ? add8Lanes(signed, off1, off2, outOff, leftShift, m1, s1, m2, s2, mo, so, lo, hi, scalar)
        : add8Pairs(signed, off1, off2, outOff, leftShift, m1, s1, m2, s2, mo, so, lo, hi, scalar);
  }

  /** {@link #add8} with blocks of L elements in L int lanes (from 256 bits). */
  static BinaryRow add8Lanes(
      boolean signed, int off1, int off2, int outOff, int leftShift, int m1, int s1, int m2,
      int s2, int mo, int so, int lo, int hi, BinaryRow scalar) {
    int[] p1 = split(m1, s1);
    int[] p2 = split(m2, s2);
    int[] po = split(mo, so);
    int byteMask = signed ? -1 : 0xff;
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      int lanes = Species.I.length();
      int k = 0;
      if ((as | bs) == 1 && n >= lanes && VectorWarmup.ready()) {
        int[] buf = BUFFER.get();
        int vecN = n - n % lanes;
        for (; k < vecN; ) {
          int len = Math.min(CHUNK, vecN - k);
          for (int j = 0; j < len; j += lanes) {
            rescale8(a, ai + (k + j) * as, as == 0, byteMask, off1, leftShift, p1, buf, j, false);
          }
          for (int j = 0; j < len; j += lanes) {
            rescale8(b, bi + (k + j) * bs, bs == 0, byteMask, off2, leftShift, p2, buf, j, true);
          }
          for (int j = 0; j < len; j += lanes) {
            output8(buf, j, po, outOff, lo, hi, o, oi + k + j);
          }
          k += len;
        }
      }
      if (k < n) {
        scalar.apply(a, ai + k * as, as, b, bi + k * bs, bs, o, oi + k, n - k);
      }
    };
  }

  /** {mHigh, mLow, left, right, mask} of one (multiplier, shift). */
  private static int[] split(int m, int s) {
    RequantizeVector.Params p = RequantizeVector.Params.uniformOf(m, s, 1);
    return new int[] {p.mHigh()[0], p.mLow()[0], p.left()[0], p.right()[0], p.mask()[0]};
  }

  private static void rescale8(
      byte[] xs, int xi, boolean broadcast, int byteMask, int offset, int leftShift, int[] p,
      int[] buf, int j, boolean accumulate) {
    IntVector in = broadcast
        ? IntVector.broadcast(Species.I, xs[xi] & byteMask)
        : ((IntVector) ByteVector.fromArray(BQ, xs, xi).castShape(Species.I, 0)).and(byteMask);
    IntVector x = in.add(offset).lanewise(LSHL, leftShift).lanewise(LSHL, p[2]);
    // RequantizeVector's multiply (see its proof) written out: no vector crosses a call.
    IntVector xh = x.lanewise(ASHR, 16);
    IntVector xl = x.and(0xffff);
    IntVector b1 = xh.mul(p[1]);
    IntVector b2 = xl.mul(p[0]).add(xl.mul(p[1]).lanewise(LSHR, 16));
    IntVector low = b1.and(0x7fff).add(b2.and(0x7fff)).add(1 << 14).lanewise(ASHR, 15);
    IntVector r = xh.mul(p[0]).lanewise(LSHL, 1).add(b1.lanewise(ASHR, 15))
        .add(b2.lanewise(ASHR, 15)).add(low);
    IntVector thr = IntVector.broadcast(Species.I, p[4] >> 1).sub(r.lanewise(ASHR, 31));
    IntVector v = r.lanewise(ASHR, p[3]).add(thr.sub(r.and(p[4])).lanewise(LSHR, 31));
    if (accumulate) {
      v = v.add(IntVector.fromArray(Species.I, buf, j));
    }
    v.intoArray(buf, j);
  }

  private static void output8(
      int[] buf, int j, int[] p, int outOff, int lo, int hi, byte[] o, int oi) {
    IntVector x = IntVector.fromArray(Species.I, buf, j).lanewise(LSHL, p[2]);
    // RequantizeVector's multiply (see its proof) written out: no vector crosses a call.
    IntVector xh = x.lanewise(ASHR, 16);
    IntVector xl = x.and(0xffff);
    IntVector b1 = xh.mul(p[1]);
    IntVector b2 = xl.mul(p[0]).add(xl.mul(p[1]).lanewise(LSHR, 16));
    IntVector low = b1.and(0x7fff).add(b2.and(0x7fff)).add(1 << 14).lanewise(ASHR, 15);
    IntVector r = xh.mul(p[0]).lanewise(LSHL, 1).add(b1.lanewise(ASHR, 15))
        .add(b2.lanewise(ASHR, 15)).add(low);
    IntVector thr = IntVector.broadcast(Species.I, p[4] >> 1).sub(r.lanewise(ASHR, 31));
    IntVector v = r.lanewise(ASHR, p[3]).add(thr.sub(r.and(p[4])).lanewise(LSHR, 31));
    v = v.add(outOff).max(lo).min(hi);
    ((ByteVector) v.castShape(BQ, 0)).intoArray(o, oi);
  }

  /**
   * {@link #mul8} in the pair layout (any width; used at 128 bits): per chunk, pass 1 writes
   * each half block's clamped result to the int32 buffer, pass 2 packs and stores the bytes.
   */
  static BinaryRow mul8Pairs(
      boolean signed, int off1, int off2, int outOff, int m, int s, int lo, int hi,
      BinaryRow scalar) {
    int[] p = split(m, s);
    short byteMask = (short) (signed ? -1 : 0xff);
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      int lanes = Species.I.length();
      int block = 2 * lanes;
      int k = 0;
      if ((as | bs) == 1 && n >= block && VectorWarmup.ready()) {
        int[] buf = BUFFER.get();
        int vecN = n - n % block;
        for (; k < vecN; ) {
          int len = Math.min(CHUNK, vecN - k);
          // Half block h: elements of block h / 2, evens (pair shift 16) or odds (shift 0).
          for (int j = 0; j < len; j += lanes) {
            int e = k + (j & -block);
            int shift = (j & lanes) == 0 ? 16 : 0;
            mulHalf(a, ai + e * as, as == 0, b, bi + e * bs, bs == 0, byteMask, shift, off1, off2,
                outOff, p, lo, hi, buf, j);
          }
          for (int j = 0; j < len; j += block) {
            pack(buf, j, o, oi + k + j);
          }
          k += len;
        }
      }
      if (k < n) {
        scalar.apply(a, ai + k * as, as, b, bi + k * bs, bs, o, oi + k, n - k);
      }
    };
  }

  private static void mulHalf(
      byte[] a, int ai, boolean aScalar, byte[] b, int bi, boolean bScalar, short byteMask,
      int shift, int off1, int off2, int outOff, int[] p, int lo, int hi, int[] buf, int j) {
    // even = pair << 16 >> 16, odd = pair << 0 >> 16 (the widened shorts are masked for uint8).
    IntVector xa = aScalar
        ? IntVector.broadcast(Species.I, a[ai] & byteMask)
        : ((ShortVector) ByteVector.fromArray(BH, a, ai).castShape(Species.S, 0)).and(byteMask)
            .reinterpretAsInts().lanewise(LSHL, shift).lanewise(ASHR, 16);
    IntVector xb = bScalar
        ? IntVector.broadcast(Species.I, b[bi] & byteMask)
        : ((ShortVector) ByteVector.fromArray(BH, b, bi).castShape(Species.S, 0)).and(byteMask)
            .reinterpretAsInts().lanewise(LSHL, shift).lanewise(ASHR, 16);
    IntVector x = xa.add(off1).mul(xb.add(off2)).lanewise(LSHL, p[2]);
    // RequantizeVector's multiply (see its proof) written out: no vector crosses a call.
    IntVector xh = x.lanewise(ASHR, 16);
    IntVector xl = x.and(0xffff);
    IntVector b1 = xh.mul(p[1]);
    IntVector b2 = xl.mul(p[0]).add(xl.mul(p[1]).lanewise(LSHR, 16));
    IntVector low = b1.and(0x7fff).add(b2.and(0x7fff)).add(1 << 14).lanewise(ASHR, 15);
    IntVector r = xh.mul(p[0]).lanewise(LSHL, 1).add(b1.lanewise(ASHR, 15))
        .add(b2.lanewise(ASHR, 15)).add(low);
    IntVector thr = IntVector.broadcast(Species.I, p[4] >> 1).sub(r.lanewise(ASHR, 31));
    IntVector v = r.lanewise(ASHR, p[3]).add(thr.sub(r.and(p[4])).lanewise(LSHR, 31));
    v.add(outOff).max(lo).min(hi).intoArray(buf, j);
  }

  /** {@link #add8} in the pair layout (any width; used at 128 bits): see the class comment. */
  static BinaryRow add8Pairs(
      boolean signed, int off1, int off2, int outOff, int leftShift, int m1, int s1, int m2,
      int s2, int mo, int so, int lo, int hi, BinaryRow scalar) {
    int[] p1 = split(m1, s1);
    int[] p2 = split(m2, s2);
    int[] po = split(mo, so);
    short byteMask = (short) (signed ? -1 : 0xff);
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      int lanes = Species.I.length();
      int block = 2 * lanes;
      int k = 0;
      if ((as | bs) == 1 && n >= block && VectorWarmup.ready()) {
        int[] buf = BUFFER.get();
        int vecN = n - n % block;
        for (; k < vecN; ) {
          int len = Math.min(CHUNK, vecN - k);
          // Half block j / L: elements of block j / 2L, evens (pair shift 16) or odds (0).
          for (int j = 0; j < len; j += lanes) {
            int e = k + (j & -block);
            rescaleHalf(a, ai + e * as, as == 0, byteMask, (j & lanes) == 0 ? 16 : 0, off1,
                leftShift, p1, buf, j, false);
          }
          for (int j = 0; j < len; j += lanes) {
            int e = k + (j & -block);
            rescaleHalf(b, bi + e * bs, bs == 0, byteMask, (j & lanes) == 0 ? 16 : 0, off2,
                leftShift, p2, buf, j, true);
          }
          for (int j = 0; j < len; j += lanes) {
            outputHalf(buf, j, po, outOff, lo, hi);
          }
          for (int j = 0; j < len; j += block) {
            pack(buf, j, o, oi + k + j);
          }
          k += len;
        }
      }
      if (k < n) {
        scalar.apply(a, ai + k * as, as, b, bi + k * bs, bs, o, oi + k, n - k);
      }
    };
  }

  private static void rescaleHalf(
      byte[] xs, int xi, boolean broadcast, short byteMask, int shift, int offset, int leftShift,
      int[] p, int[] buf, int j, boolean accumulate) {
    // even = pair << 16 >> 16, odd = pair << 0 >> 16 (the widened shorts are masked for uint8).
    IntVector in = broadcast
        ? IntVector.broadcast(Species.I, xs[xi] & byteMask)
        : ((ShortVector) ByteVector.fromArray(BH, xs, xi).castShape(Species.S, 0)).and(byteMask)
            .reinterpretAsInts().lanewise(LSHL, shift).lanewise(ASHR, 16);
    IntVector x = in.add(offset).lanewise(LSHL, leftShift).lanewise(LSHL, p[2]);
    // RequantizeVector's multiply (see its proof) written out: no vector crosses a call.
    IntVector xh = x.lanewise(ASHR, 16);
    IntVector xl = x.and(0xffff);
    IntVector b1 = xh.mul(p[1]);
    IntVector b2 = xl.mul(p[0]).add(xl.mul(p[1]).lanewise(LSHR, 16));
    IntVector low = b1.and(0x7fff).add(b2.and(0x7fff)).add(1 << 14).lanewise(ASHR, 15);
    IntVector r = xh.mul(p[0]).lanewise(LSHL, 1).add(b1.lanewise(ASHR, 15))
        .add(b2.lanewise(ASHR, 15)).add(low);
    IntVector thr = IntVector.broadcast(Species.I, p[4] >> 1).sub(r.lanewise(ASHR, 31));
    IntVector v = r.lanewise(ASHR, p[3]).add(thr.sub(r.and(p[4])).lanewise(LSHR, 31));
    if (accumulate) {
      v = v.add(IntVector.fromArray(Species.I, buf, j));
    }
    v.intoArray(buf, j);
  }

  /** The output requantization of {@link #output8}, clamped, in place in the buffer. */
  private static void outputHalf(int[] buf, int j, int[] p, int outOff, int lo, int hi) {
    IntVector x = IntVector.fromArray(Species.I, buf, j).lanewise(LSHL, p[2]);
    // RequantizeVector's multiply (see its proof) written out: no vector crosses a call.
    IntVector xh = x.lanewise(ASHR, 16);
    IntVector xl = x.and(0xffff);
    IntVector b1 = xh.mul(p[1]);
    IntVector b2 = xl.mul(p[0]).add(xl.mul(p[1]).lanewise(LSHR, 16));
    IntVector low = b1.and(0x7fff).add(b2.and(0x7fff)).add(1 << 14).lanewise(ASHR, 15);
    IntVector r = xh.mul(p[0]).lanewise(LSHL, 1).add(b1.lanewise(ASHR, 15))
        .add(b2.lanewise(ASHR, 15)).add(low);
    IntVector thr = IntVector.broadcast(Species.I, p[4] >> 1).sub(r.lanewise(ASHR, 31));
    IntVector v = r.lanewise(ASHR, p[3]).add(thr.sub(r.and(p[4])).lanewise(LSHR, 31));
    v.add(outOff).max(lo).min(hi).intoArray(buf, j);
  }

  /**
   * Re-interleaves one block's clamped evens (buf[j..]) and odds (buf[j + L..]) into 2L
   * shorts, narrows them to bytes and stores them at o[oi..].
   */
  private static void pack(int[] buf, int j, byte[] o, int oi) {
    IntVector even = IntVector.fromArray(Species.I, buf, j);
    IntVector odd = IntVector.fromArray(Species.I, buf, j + Species.I.length());
    ShortVector s = odd.lanewise(LSHL, 16).or(even.and(0xffff)).reinterpretAsShorts();
    ((ByteVector) s.castShape(BH, 0)).intoArray(o, oi);
  }

  /** Scalar reference of one 8-bit ADD element, for tests. */
  static int add8Reference(int x, int y, int off1, int off2, int outOff, int leftShift, int m1,
      int s1, int m2, int s2, int mo, int so, int lo, int hi) {
    int a = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(
        (x + off1) * (1 << leftShift), m1, s1);
    int b = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(
        (y + off2) * (1 << leftShift), m2, s2);
    int r = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(a + b, mo, so) + outOff;
    return Math.min(hi, Math.max(lo, r));
  }
}
