package io.tflited.runtime.kernels.vector;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import io.tflited.runtime.quant.FixedPoint;
import jdk.incubator.vector.IntVector;

/**
 * TFLite's MultiplyByQuantizedMultiplier (int32 accumulator, Q31 multiplier, power-of-two
 * shift) on {@link IntVector} lanes, bit for bit equal to {@link FixedPoint}, using 32-bit
 * lane operations only (no 64-bit lanes: NEON has no 64-bit multiply, AVX2 no 64-bit
 * arithmetic shift).
 *
 * <p>Why it is exact:
 *
 * <ol>
 *   <li>SaturatingRoundingDoublingHighMul(x, m) is {@code (x*m + nudge) / 2^31} truncated with
 *       nudge 2^30 or 1-2^30 by sign; both cases equal {@code floor((x*m + 2^30) / 2^31)}
 *       (for negative products truncation is {@code floor(v + 2^31 - 1)}, which cancels the
 *       nudge difference). The saturating case x = m = INT_MIN cannot occur because every
 *       multiplier here has |m| < 2^31.
 *   <li>Split x = xh*2^16 + xl and m = mh*2^16 + ml (xl, ml in [0, 2^16); xh, mh signed, |mh|
 *       <= 2^15). Then x*m = A*2^32 + (B1 + B2)*2^16 + Pl with A = xh*mh (|A| <= 2^30),
 *       B1 = xh*ml (|B1| < 2^31), P = xl*ml as an unsigned 32-bit product (int multiply wraps,
 *       its top half Ph = P >>> 16 is exact), B2 = xl*mh + Ph (|B2| < 2^31), Pl = P & 0xffff.
 *   <li>Pl < 2^16 never changes the floor, so the result is 2A + (B1 >> 15) + (B2 >> 15) +
 *       (((B1 & 0x7fff) + (B2 & 0x7fff) + 2^14) >> 15). Every term fits 32 bits and the true
 *       result does too, so wrapping additions give it exactly.
 *   <li>RoundingDivideByPOT(r, e): {@code (r >> e) + (rem > thr ? 1 : 0)} with rem = r & mask,
 *       thr = (mask >> 1) + (r < 0 ? 1 : 0); {@code rem > thr} is the sign bit of thr - rem,
 *       which cannot overflow (both lie in [0, 2^31)).
 * </ol>
 *
 * <p>Parameters are per lane ({@link Params}, one entry per channel) so per-channel and
 * per-tensor quantization share the code.
 */
public final class RequantizeVector {
  private RequantizeVector() {}

  /**
   * Per-channel requantization parameters in the split form the vector code wants: high and
   * low halves of the multiplier, left shift, right shift and the right shift's mask.
   */
  public record Params(int[] mHigh, int[] mLow, int[] left, int[] right, int[] mask) {

    /** From TFLite (multiplier, shift) pairs; a single pair is repeated {@code channels} times. */
    public static Params of(int[] multiplier, int[] shift, int channels) {
      int[] mh = new int[channels];
      int[] ml = new int[channels];
      int[] l = new int[channels];
      int[] r = new int[channels];
      int[] k = new int[channels];
      for (int c = 0; c < channels; c++) {
        int i = multiplier.length == 1 ? 0 : c;
        int m = multiplier[i];
        int s = shift[i];
        mh[c] = m >> 16;
        ml[c] = m & 0xffff;
        l[c] = s > 0 ? s : 0;
        r[c] = s > 0 ? 0 : -s;
        k[c] = (int) ((1L << r[c]) - 1);
      }
      return new Params(mh, ml, l, r, k);
    }

    /** One (multiplier, shift) pair repeated for {@code lanes} lanes. */
    public static Params uniformOf(int multiplier, int shift, int lanes) {
      return of(new int[] {multiplier}, new int[] {shift}, lanes);
    }
  }

  /**
   * {@code FixedPoint.multiplyByQuantizedMultiplier(x, m, shift)} lane by lane, with m split
   * into {@code mh = m >> 16}, {@code ml = m & 0xffff} and the shift into {@code left},
   * {@code right} and {@code mask = 2^right - 1}.
   */
  static IntVector multiply(
      IntVector x, IntVector mh, IntVector ml, IntVector left, IntVector right, IntVector mask) {
    // One flat method (no nested calls): C2 must inline all of it into the kernel, and a
    // nested call that it declines would box every vector.
    x = x.lanewise(LSHL, left);
    IntVector xh = x.lanewise(ASHR, 16);
    IntVector xl = x.and(0xffff);
    IntVector b1 = xh.mul(ml);
    IntVector b2 = xl.mul(mh).add(xl.mul(ml).lanewise(LSHR, 16));
    IntVector low = b1.and(0x7fff).add(b2.and(0x7fff)).add(1 << 14).lanewise(ASHR, 15);
    IntVector r = xh.mul(mh).lanewise(LSHL, 1).add(b1.lanewise(ASHR, 15))
        .add(b2.lanewise(ASHR, 15)).add(low);
    IntVector thr = mask.lanewise(ASHR, 1).sub(r.lanewise(ASHR, 31));
    return r.lanewise(ASHR, right).add(thr.sub(r.and(mask)).lanewise(LSHR, 31));
  }

  /** Test hook: requantizes {@code x[i]} in place with the parameters of lane {@code i}. */
  public static void multiplyArray(int[] x, Params p) {
    int n = x.length;
    int lanes = Species.I.length();
    int i = 0;
    for (; i + lanes <= n; i += lanes) {
      IntVector v =
          multiply(
              IntVector.fromArray(Species.I, x, i),
              IntVector.fromArray(Species.I, p.mHigh(), i),
              IntVector.fromArray(Species.I, p.mLow(), i),
              IntVector.fromArray(Species.I, p.left(), i),
              IntVector.fromArray(Species.I, p.right(), i),
              IntVector.fromArray(Species.I, p.mask(), i));
      v.intoArray(x, i);
    }
    for (; i < n; i++) {
      int m = (p.mHigh()[i] << 16) | p.mLow()[i];
      int shift = p.left()[i] > 0 ? p.left()[i] : -p.right()[i];
      x[i] = FixedPoint.multiplyByQuantizedMultiplier(x[i], m, shift);
    }
  }
}
