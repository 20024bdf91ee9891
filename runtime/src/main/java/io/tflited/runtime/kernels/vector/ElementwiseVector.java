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
 * scalar twin. 8-bit ADD needs three requantizations per element, all in 32-bit lanes without
 * emulating TFLite's 64-bit products ({@link #inputRescale} and {@link #outputRequantize} prove
 * the shortcuts exact for ADD's value ranges); it runs in passes over chunks of {@link #CHUNK}
 * elements through a per-thread int32 buffer (both inputs rescaled and summed, then the output
 * requantized), one call per pass and chunk, so that no compiled method exceeds C2's inlining
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
  /** {@code pairShift} of a block in the lane layout: L bytes cast to L ints. */
  private static final int LANE_LAYOUT = -1;
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
    return mul8(!ONE_BLOCK, signed, off1, off2, outOff, m, s, lo, hi, scalar);
  }

  /** {@link #mul8} in the pair layout (any width; used at 128 bits): see the class comment. */
  static BinaryRow mul8Pairs(
      boolean signed, int off1, int off2, int outOff, int m, int s, int lo, int hi,
      BinaryRow scalar) {
    return mul8(true, signed, off1, off2, outOff, m, s, lo, hi, scalar);
  }

  /**
   * {@link #mul8} in either layout. Lane layout: one pass stores each block's bytes. Pair
   * layout: per chunk, pass 1 writes each half block's clamped result to the int32 buffer,
   * pass 2 packs and stores the bytes.
   */
  private static BinaryRow mul8(
      boolean pairs, boolean signed, int off1, int off2, int outOff, int m, int s, int lo,
      int hi, BinaryRow scalar) {
    int[] rq = split(m, s);
    // The block's constants in one array: fewer arguments to a method C2 does not inline.
    int[] p = {rq[0], rq[1], rq[2], rq[3], rq[4], outOff, lo, hi};
    int byteMask = signed ? -1 : 0xff;
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      int lanes = Species.I.length();
      int block = pairs ? 2 * lanes : lanes;
      int k = 0;
      if ((as | bs) == 1 && n >= block && VectorWarmup.ready()) {
        int[] buf = pairs ? BUFFER.get() : null;
        int vecN = n - n % block;
        for (; k < vecN; ) {
          int len = Math.min(CHUNK, vecN - k);
          for (int j = 0; j < len; j += lanes) {
            int e = k + (j & -block);
            mul8Block(a, ai + e * as, as == 0, b, bi + e * bs, bs == 0, byteMask,
                pairShift(pairs, j, lanes), off1, off2, p, o, buf, pairs ? j : oi + k + j);
          }
          if (pairs) {
            pack(buf, len, o, oi + k);
          }
          k += len;
        }
      }
      if (k < n) {
        scalar.apply(a, ai + k * as, as, b, bi + k * bs, bs, o, oi + k, n - k);
      }
    };
  }

  /**
   * {@code pairShift} of the blocks' loads: {@link #LANE_LAYOUT}, or in the pair layout the
   * half block at buffer index j: its block's evens (pair shift 16) or odds (0).
   */
  private static int pairShift(boolean pairs, int j, int lanes) {
    return !pairs ? LANE_LAYOUT : (j & lanes) == 0 ? 16 : 0;
  }

  /**
   * One block of L MUL results. Lane layout ({@code pairShift == LANE_LAYOUT}): L bytes from
   * a and b, results stored as L bytes at o[dst..]. Pair layout: the evens ({@code pairShift}
   * 16) or odds (0) of 2L bytes, clamped results stored at buf[dst..] for {@link #pack}. p:
   * {mHigh, mLow, left, right, mask} as {@link #split}, then outOff, lo, hi. (One array and
   * one destination index: fewer arguments, cheaper calls, as C2 does not inline this method.)
   */
  private static void mul8Block(
      byte[] a, int ai, boolean aScalar, byte[] b, int bi, boolean bScalar, int byteMask,
      int pairShift, int off1, int off2, int[] p, byte[] o, int[] buf, int dst) {
    // Below 256 bits only the pair layout is built: ONE_BLOCK (a static final) lets C2 drop the
    // lane branches there. Written here, not in a helper: measured 7% slower at 128 bits.
    boolean laneLayout = ONE_BLOCK && pairShift == LANE_LAYOUT;
    // Pairs: even = pair << 16 >> 16, odd = pair << 0 >> 16 (widened shorts masked for uint8).
    IntVector xa = aScalar
        ? IntVector.broadcast(Species.I, a[ai] & byteMask)
        : laneLayout
            ? ((IntVector) ByteVector.fromArray(BQ, a, ai).castShape(Species.I, 0)).and(byteMask)
            : ((ShortVector) ByteVector.fromArray(BH, a, ai).castShape(Species.S, 0))
                .and((short) byteMask).reinterpretAsInts().lanewise(LSHL, pairShift)
                .lanewise(ASHR, 16);
    IntVector xb = bScalar
        ? IntVector.broadcast(Species.I, b[bi] & byteMask)
        : laneLayout
            ? ((IntVector) ByteVector.fromArray(BQ, b, bi).castShape(Species.I, 0)).and(byteMask)
            : ((ShortVector) ByteVector.fromArray(BH, b, bi).castShape(Species.S, 0))
                .and((short) byteMask).reinterpretAsInts().lanewise(LSHL, pairShift)
                .lanewise(ASHR, 16);
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
    v = v.add(p[5]).max(p[6]).min(p[7]);
    if (laneLayout) {
      ((ByteVector) v.castShape(BQ, 0)).intoArray(o, dst);
    } else {
      v.intoArray(buf, dst);
    }
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
    return add8(!ONE_BLOCK, signed, off1, off2, outOff, leftShift, m1, s1, m2, s2, mo, so, lo,
        hi, scalar);
  }

  /** {@link #add8} in the pair layout (any width; used at 128 bits): see the class comment. */
  static BinaryRow add8Pairs(
      boolean signed, int off1, int off2, int outOff, int leftShift, int m1, int s1, int m2,
      int s2, int mo, int so, int lo, int hi, BinaryRow scalar) {
    return add8(true, signed, off1, off2, outOff, leftShift, m1, s1, m2, s2, mo, so, lo, hi,
        scalar);
  }

  /**
   * {@link #add8} in either layout: per chunk, both inputs rescaled and summed into the buffer
   * ({@link #addInputs8}), then the output requantized (lane layout: stored as bytes; pair
   * layout: clamped in place, then packed). A left shift outside [15, 20] (never built by
   * AddSub, which uses 20) goes to the scalar twin: see {@link #inputRescale}.
   */
  private static BinaryRow add8(
      boolean pairs, boolean signed, int off1, int off2, int outOff, int leftShift, int m1,
      int s1, int m2, int s2, int mo, int so, int lo, int hi, BinaryRow scalar) {
    int[] q1 = inputRescale(off1, leftShift, m1, s1);
    int[] q2 = inputRescale(off2, leftShift, m2, s2);
    if (q1 == null || q2 == null || mo < 0 || so > 0) {
      return scalar;
    }
    // Both inputs' constants in one array: fewer arguments to a method C2 does not inline.
    int[] q = new int[2 * INPUT_PARAMS];
    System.arraycopy(q1, 0, q, 0, INPUT_PARAMS);
    System.arraycopy(q2, 0, q, INPUT_PARAMS, INPUT_PARAMS);
    int[] po = outputRequantize(mo, so, outOff, lo, hi);
    int byteMask = signed ? -1 : 0xff;
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      int lanes = Species.I.length();
      int block = pairs ? 2 * lanes : lanes;
      int k = 0;
      if ((as | bs) == 1 && n >= block && VectorWarmup.ready()) {
        int[] buf = BUFFER.get();
        int vecN = n - n % block;
        for (; k < vecN; ) {
          int len = Math.min(CHUNK, vecN - k);
          addInputs8(a, ai + k * as, as, b, bi + k * bs, bs, byteMask, pairs, q, buf, len);
          output8(buf, len, po, pairs, o, oi + k);
          if (pairs) {
            pack(buf, len, o, oi + k);
          }
          k += len;
        }
      }
      if (k < n) {
        scalar.apply(a, ai + k * as, as, b, bi + k * bs, bs, o, oi + k, n - k);
      }
    };
  }

  /** {mh << (16 - K), off * that, ml, off * ml + 2^(K - 1), K, right, round, sign}: below. */
  private static final int INPUT_PARAMS = 8;

  /**
   * The constants of one ADD input's rescale {@code
   * MultiplyByQuantizedMultiplierSmallerThanOneExp((x + off) << leftShift, m, s)} in a form
   * with two 32-bit multiplies instead of a 64-bit product, or null when {@code leftShift} is
   * outside [15, 20] or s > 0.
   *
   * <p>Proof. Let v = x + off (|v| <= 255), L = leftShift, K = 31 - L, P = v * m (64-bit).
   * SaturatingRoundingDoublingHighMul(v << L, m) = (P * 2^L + nudge) / 2^31, truncated toward
   * zero, with nudge = 2^30 when P >= 0 and 1 - 2^30 otherwise (never saturates: v << L is not
   * INT_MIN). P >= 0: floor((P * 2^L + 2^30) / 2^31) = floor((P + 2^(K-1)) / 2^K). P < 0, Q =
   * -P: -floor((Q * 2^L + 2^30 - 1) / 2^31) = -floor((Q + 2^(K-1) - 1) / 2^K) (the numerator
   * minus 1 is below a multiple of 2^L only by 1) = ceil((P - 2^(K-1) + 1) / 2^K) =
   * floor((P + 2^(K-1)) / 2^K). So in both cases it is floor((P + 2^(K-1)) / 2^K). With m = mh *
   * 2^16 + ml (mh = m >> 16 signed, 0 <= ml < 2^16) and K <= 16, mh * v * 2^16 is a multiple of
   * 2^K, so that is v * (mh << (16 - K)) + ((v * ml + 2^(K-1)) >> K). Bounds: |v * ml| < 2^24;
   * |v * (mh << (16 - K))| <= 2^8 * 2^15 * 2^(16 - K) <= 2^28 for K >= 11 (L <= 20; the
   * output requantization needs L <= 20 too); s <= 0 (the multiplier is below one), so no left
   * shift; then RoundingDivideByPOT by -s ({@link #roundingDivide}). The result's magnitude is
   * at most 255 * 2^L <= 255 * 2^20. The offset is folded into the constants: v * c = x * c +
   * off * c.
   */
  private static int[] inputRescale(int off, int leftShift, int m, int s) {
    if (leftShift < 15 || leftShift > 20 || s > 0) {
      return null;
    }
    int k = 31 - leftShift;
    int mhs = (m >> 16) << (16 - k);
    int ml = m & 0xffff;
    int[] d = roundingDivide(-s);
    return new int[] {mhs, off * mhs, ml, off * ml + (1 << (k - 1)), k, d[0], d[1], d[2]};
  }

  /**
   * {e, round, sign} of RoundingDivideByPOT(r, e) computed as {@code (r + round + (r >> 31 &
   * sign)) >> e}: round half away from zero is floor((r + 2^(e-1)) / 2^e) for r >= 0 and
   * -floor((-r + 2^(e-1)) / 2^e) = floor((r + 2^(e-1) - 1) / 2^e) for r < 0; for e = 0,
   * round = sign = 0. Needs |r| + 2^(e-1) < 2^31: |r| < 2^30 here.
   */
  private static int[] roundingDivide(int e) {
    return new int[] {e, e == 0 ? 0 : 1 << (e - 1), e == 0 ? 0 : -1};
  }

  /**
   * {mh, ml, e, round, sign, outOff, lo, hi}: the ADD output's
   * {@code MultiplyByQuantizedMultiplierSmallerThanOneExp(x, m, s)} (m >= 0, s <= 0) for |x| <
   * 2^29 (the sum of two rescaled inputs, each at most 255 * 2^20), then offset and clamp.
   *
   * <p>Proof. SaturatingRoundingDoublingHighMul(x, m) = floor((P + 2^30) / 2^31) with P = x * m
   * (as in {@link #inputRescale} with L = 0; x is never INT_MIN). Split x = xh * 2^15 + xl (xh =
   * x >> 15, |xh| < 2^14, 0 <= xl < 2^15) and m = mh * 2^16 + ml (0 <= mh < 2^15, 0 <= ml <
   * 2^16). Then floor((P + 2^30) / 2^31) = xh * mh + floor(W / 2^16) with W = floor((xh * ml *
   * 2^15 + xl * mh * 2^16 + xl * ml + 2^30) / 2^15) = U + 2 V, U = xh * ml + (xl * ml >> 15) +
   * 2^15, V = xl * mh; and floor((U + 2 V) / 2^16) = floor(((U >> 1) + V) / 2^15). Bounds: xl *
   * ml < 2^31, |U| < 2^30 + 2^17, V < 2^30, (U >> 1) + V < 2^31, |xh * mh| < 2^29: no overflow.
   * The result is at most |x| < 2^29 in magnitude, for {@link #roundingDivide}.
   */
  private static int[] outputRequantize(int m, int s, int outOff, int lo, int hi) {
    int[] d = roundingDivide(-s);
    return new int[] {m >> 16, m & 0xffff, d[0], d[1], d[2], outOff, lo, hi};
  }

  /**
   * The ADD's two inputs rescaled ({@link #inputRescale}) and summed over a chunk of len
   * elements (a multiple of the block; steps as and bs are 1, or 0 for a broadcast input) into
   * buf[0..len) in the layout's order. One call per chunk: calls cost more than the loop.
   */
  private static void addInputs8(byte[] a, int ai, int as, byte[] b, int bi, int bs,
      int byteMask, boolean pairs, int[] q, int[] buf, int len) {
    int lanes = Species.I.length();
    if (ONE_BLOCK && !pairs) {
      for (int j = 0; j < len; j += lanes) {
        addLanes8(a, ai + j * as, as == 0, b, bi + j * bs, bs == 0, byteMask, q, buf, j);
      }
    } else {
      for (int j = 0; j < len; j += 2 * lanes) {
        addPairs8(a, ai + j * as, as == 0, b, bi + j * bs, bs == 0, byteMask, q, buf, j);
      }
    }
  }

  /**
   * Lane layout: L bytes at a[ai..] and b[bi..] rescaled and summed into buf[j..]. q: both
   * inputs' {@link #INPUT_PARAMS} constants.
   */
  private static void addLanes8(byte[] a, int ai, boolean aBroadcast, byte[] b, int bi,
      boolean bBroadcast, int byteMask, int[] q, int[] buf, int j) {
    IntVector xa = aBroadcast
        ? IntVector.broadcast(Species.I, a[ai] & byteMask)
        : ((IntVector) ByteVector.fromArray(BQ, a, ai).castShape(Species.I, 0)).and(byteMask);
    IntVector xb = bBroadcast
        ? IntVector.broadcast(Species.I, b[bi] & byteMask)
        : ((IntVector) ByteVector.fromArray(BQ, b, bi).castShape(Species.I, 0)).and(byteMask);
    // Written out for both inputs (no vector crosses a call).
    IntVector ra = xa.mul(q[0]).add(q[1]).add(xa.mul(q[2]).add(q[3]).lanewise(ASHR, q[4]));
    IntVector va = ra.add(q[6]).add(ra.lanewise(ASHR, 31).and(q[7])).lanewise(ASHR, q[5]);
    IntVector rb = xb.mul(q[8]).add(q[9]).add(xb.mul(q[10]).add(q[11]).lanewise(ASHR, q[12]));
    IntVector vb = rb.add(q[14]).add(rb.lanewise(ASHR, 31).and(q[15])).lanewise(ASHR, q[13]);
    va.add(vb).intoArray(buf, j);
  }

  /**
   * Pair layout: 2L bytes at a[ai..] and b[bi..] (one load and widening each), the evens'
   * sums stored at buf[j..] and the odds' at buf[j + L..] (a broadcast byte fills both halves
   * of its pairs). q as {@link #addLanes8}.
   */
  private static void addPairs8(byte[] a, int ai, boolean aBroadcast, byte[] b, int bi,
      boolean bBroadcast, int byteMask, int[] q, int[] buf, int j) {
    int ca = a[ai] & byteMask;
    int cb = b[bi] & byteMask;
    IntVector pa = aBroadcast
        ? IntVector.broadcast(Species.I, ca << 16 | ca & 0xffff)
        : ((ShortVector) ByteVector.fromArray(BH, a, ai).castShape(Species.S, 0))
            .and((short) byteMask).reinterpretAsInts();
    IntVector pb = bBroadcast
        ? IntVector.broadcast(Species.I, cb << 16 | cb & 0xffff)
        : ((ShortVector) ByteVector.fromArray(BH, b, bi).castShape(Species.S, 0))
            .and((short) byteMask).reinterpretAsInts();
    // even = pair << 16 >> 16, odd = pair >> 16; written out four times (no vector crosses a
    // call).
    IntVector x = pa.lanewise(LSHL, 16).lanewise(ASHR, 16);
    IntVector r = x.mul(q[0]).add(q[1]).add(x.mul(q[2]).add(q[3]).lanewise(ASHR, q[4]));
    IntVector evens = r.add(q[6]).add(r.lanewise(ASHR, 31).and(q[7])).lanewise(ASHR, q[5]);
    x = pa.lanewise(ASHR, 16);
    r = x.mul(q[0]).add(q[1]).add(x.mul(q[2]).add(q[3]).lanewise(ASHR, q[4]));
    IntVector odds = r.add(q[6]).add(r.lanewise(ASHR, 31).and(q[7])).lanewise(ASHR, q[5]);
    x = pb.lanewise(LSHL, 16).lanewise(ASHR, 16);
    r = x.mul(q[8]).add(q[9]).add(x.mul(q[10]).add(q[11]).lanewise(ASHR, q[12]));
    evens = evens.add(r.add(q[14]).add(r.lanewise(ASHR, 31).and(q[15])).lanewise(ASHR, q[13]));
    x = pb.lanewise(ASHR, 16);
    r = x.mul(q[8]).add(q[9]).add(x.mul(q[10]).add(q[11]).lanewise(ASHR, q[12]));
    odds = odds.add(r.add(q[14]).add(r.lanewise(ASHR, 31).and(q[15])).lanewise(ASHR, q[13]));
    evens.intoArray(buf, j);
    odds.intoArray(buf, j + Species.I.length());
  }

  /** {mHigh, mLow, left, right, mask} of one (multiplier, shift). */
  private static int[] split(int m, int s) {
    RequantizeVector.Params p = RequantizeVector.Params.uniformOf(m, s, 1);
    return new int[] {p.mHigh()[0], p.mLow()[0], p.left()[0], p.right()[0], p.mask()[0]};
  }

  /**
   * The ADD output requantization of buf[0..len) ({@link #outputRequantize}'s constants p),
   * offset and clamped: stored as bytes at o[oi..] (lane layout) or in place for {@link #pack}
   * (pair layout). One call per chunk: calls cost more than the loop.
   */
  private static void output8(int[] buf, int len, int[] p, boolean pairs, byte[] o, int oi) {
    for (int j = 0; j < len; j += Species.I.length()) {
      output8Block(buf, j, p, pairs, o, oi + j);
    }
  }

  private static void output8Block(int[] buf, int j, int[] p, boolean pairs, byte[] o, int oi) {
    IntVector x = IntVector.fromArray(Species.I, buf, j);
    IntVector xh = x.lanewise(ASHR, 15);
    IntVector xl = x.and(0x7fff);
    IntVector u = xh.mul(p[1]).add(xl.mul(p[1]).lanewise(ASHR, 15)).add(1 << 15);
    IntVector r = xh.mul(p[0]).add(u.lanewise(ASHR, 1).add(xl.mul(p[0])).lanewise(ASHR, 15));
    IntVector v = r.add(p[3]).add(r.lanewise(ASHR, 31).and(p[4])).lanewise(ASHR, p[2]);
    v = v.add(p[5]).max(p[6]).min(p[7]);
    if (!ONE_BLOCK || pairs) {
      v.intoArray(buf, j);
    } else {
      ((ByteVector) v.castShape(BQ, 0)).intoArray(o, oi);
    }
  }

  /**
   * Re-interleaves each block's clamped evens (buf[j..]) and odds (buf[j + L..]) in
   * buf[0..len) into 2L shorts, narrows them to bytes and stores them at o[oi + j..].
   */
  private static void pack(int[] buf, int len, byte[] o, int oi) {
    for (int j = 0; j < len; j += 2 * Species.I.length()) {
      packBlock(buf, j, o, oi + j);
    }
  }

  private static void packBlock(int[] buf, int j, byte[] o, int oi) {
    IntVector even = IntVector.fromArray(Species.I, buf, j);
    IntVector odd = IntVector.fromArray(Species.I, buf, j + Species.I.length());
    ShortVector s = odd.lanewise(LSHL, 16).or(even.and(0xffff)).reinterpretAsShorts();
    ((ByteVector) s.castShape(BH, 0)).intoArray(o, oi);
  }

  /**
   * Test hook: the rescaled input sums of {@link #add8} (before the output requantization) of
   * n elements, n a multiple of 2L, in element order; the lane layout needs 256 bits or more.
   */
  static int[] rescaledSums(boolean pairs, boolean signed, int off1, int off2, int leftShift,
      int m1, int s1, int m2, int s2, byte[] a, byte[] b, int n) {
    int[] q = new int[2 * INPUT_PARAMS];
    System.arraycopy(inputRescale(off1, leftShift, m1, s1), 0, q, 0, INPUT_PARAMS);
    System.arraycopy(inputRescale(off2, leftShift, m2, s2), 0, q, INPUT_PARAMS, INPUT_PARAMS);
    int lanes = Species.I.length();
    int[] buf = new int[n];
    addInputs8(a, 0, 1, b, 0, 1, signed ? -1 : 0xff, pairs, q, buf, n);
    if (!pairs) {
      return buf;
    }
    int[] sums = new int[n];
    for (int e = 0; e < n; e += 2 * lanes) {
      for (int i = 0; i < lanes; i++) {
        sums[e + 2 * i] = buf[e + i];
        sums[e + 2 * i + 1] = buf[e + lanes + i];
      }
    }
    return sums;
  }

  /**
   * Test hook: {@link #output8} over sums (|sum| < 2^29, length a multiple of L), without the
   * byte packing.
   */
  static int[] requantizedOutputs(int[] sums, int m, int s, int outOff, int lo, int hi) {
    int[] p = outputRequantize(m, s, outOff, lo, hi);
    int[] out = sums.clone();
    output8(out, out.length, p, true, null, 0);
    return out;
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
