package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.exec.RangeTask;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.RuyRequantize;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * 8-bit FULLY_CONNECTED at batch 1 (a matrix-vector product) with the weights kept as bytes.
 * With one input row every weight is used once per inference, so the op streams the whole
 * weight matrix: the float tiles of {@link ConvGemmVector} cost 4 bytes per multiply-add (4 MB
 * for MobileNet's 1024 -> 1000 classifier), these tiles 1. Bit-identical with {@link
 * io.tflited.runtime.kernels.fc.FcKernels#quantizedFc} (int8: {@link RuyRequantize}; uint8:
 * {@link FixedPoint#multiplyByQuantizedMultiplier}), per-tensor or per-channel.
 *
 * <pre>
 *   packed weights, one tile per NR = 2L output channels (L = int lanes), K padded to even Kp
 *   (zero weights), zero padded past N:
 *     tile t: [k pair q = 0 .. Kp/2-1][half h = 0, 1][L channels i][2 bytes e]
 *             = w'[channel t*NR + h*L + i][2q + e]
 *   each byte is w' = w - aw, with aw = 128 for uint8 (a sign-bit flip) and 0 for int8
 *   input, per inference: x' = x - ax as int16 in scratch, [Kp shorts] (x'[K] = 0 when K is odd)
 * </pre>
 *
 * <p>Arithmetic. With ax = 128 for uint8 likewise, cx = ax - inZp and cw = aw - wZp, the scalar
 * twin's accumulator is, modulo 2^32 (int32 wraps the same way in both):
 *
 * <pre>
 *   sum_k (x - inZp)(w - wZp) + bias = D + cw * sum_k x' + (bias + cx * sum_k w' + K cx cw)
 *   with D = sum_k x' w'           (the last bracket is per channel, folded at prepare)
 * </pre>
 *
 * <p>D in int16 lanes, exactly. One int broadcast puts the pair (x'[2q], x'[2q+1]) in every
 * 32-bit lane; a half's 2L weight bytes, widened to 2L shorts (one B2S of equal lane count, 128
 * bits included), times it gives each channel's two products in the two 16-bit fields of its
 * 32-bit lane. Two pairs q are summed in int16: x', w' are in [-128, 127], so each product is
 * in [-16256, 16384] and the sum of two in [-32512, 32768]; plus 32767 it is in [255, 65535],
 * the unsigned value of the 16-bit field (int16 arithmetic wraps modulo 2^16, so the field holds
 * exactly that). A lane is then {@code hi * 2^16 + lo}: {@code S += lane} and {@code H += lane
 * >>> 16} give {@code sum hi = H} and {@code sum lo = S - (H << 16)} modulo 2^32, less 32767 per
 * step each, and the channel's D is their sum. Per four k and NR channels: four widening loads,
 * two broadcasts, four multiplies and ten adds and shifts, none crossing lanes, no K limit.
 *
 * <p>Steps per thread slot (a range of column tiles): widen the input into scratch (and sum it
 * when cw != 0), then per tile the int32 sums go to scratch and the epilogue adds the folded
 * constants and requantizes them in vector form (as {@link ConvGemmVector}'s epilogue) into a
 * byte staging row, copied to the output at the end.
 */
public final class GemvVector implements RangeTask {
  private static final VectorSpecies<Byte> B = Species.B;
  private static final VectorSpecies<Short> S = Species.S;
  private static final VectorSpecies<Integer> I = Species.I;
  /** 2L bytes: widened to one full short vector. */
  private static final VectorSpecies<Byte> BH =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Species.BITS / 2));
  /** Int lanes. */
  public static final int L = I.length();
  /** Channels per tile. */
  public static final int NR = 2 * L;
  private static final int BIAS16 = 32767;

  private final int k;
  /** K rounded up to even (the packed k pairs). */
  private final int kp;
  private final int n;
  private final int tiles;
  private final byte[] packed;
  /** Sign flip of uint8 inputs (0x80) or 0. */
  private final int flip;
  /** cw: multiplies sum x' (0 for int8 weights with zero point 0). */
  private final int inputSumFactor;
  private final boolean ruy;
  // Per-channel epilogue parameters padded to tiles * NR (see requantizeTile).
  private final int[] colConst;
  private final int[] mult;
  private final int[] shift;
  private final int[] padMultHigh;
  private final int[] padMultLow;
  private final int[] padLeft;
  private final int[] padRight;
  private final int[] padMask;
  private final int[] padRound;
  private final int outZp;
  private final int actMin;
  private final int actMax;
  private final int in;
  private final int out;
  private final int scratch;
  private final int slots;
  private final int slotBytes;
  /** Offset of the widened input (Kp shorts) in a slot. */
  private final int xsOff;
  /** Offset of the byte staging row in a slot (after the int tile). */
  private static final int STAGE_OFF = 4 * NR;

  private GemvVector(int k, int n, byte[] packed, boolean unsigned, int inputSumFactor,
      int[] colConst, int[] mult, int[] shift, int outZp, int actMin, int actMax, int in,
      int out, ConvGemmVector.Scratch scratch, int threads) throws ModelException {
    this.k = k;
    this.kp = (k + 1) & ~1;
    this.n = n;
    this.tiles = (n + NR - 1) / NR;
    this.packed = packed;
    this.flip = unsigned ? 0x80 : 0;
    this.inputSumFactor = inputSumFactor;
    this.ruy = !unsigned;
    int padded = tiles * NR;
    this.colConst = colConst;
    this.mult = mult;
    this.shift = shift;
    padMultHigh = new int[padded];
    padMultLow = new int[padded];
    padLeft = new int[padded];
    padRight = new int[padded];
    padMask = new int[padded];
    padRound = new int[padded];
    for (int c = 0; c < n; c++) {
      padMultHigh[c] = mult[c] >> 16;
      padMultLow[c] = mult[c] & 0xffff;
      padLeft[c] = Math.max(shift[c], 0);
      padRight[c] = Math.max(-shift[c], 0);
      padMask[c] = (int) ((1L << padRight[c]) - 1);
      padRound[c] = padRight[c] == 0 ? 0 : 1 << (padRight[c] - 1);
    }
    this.outZp = outZp;
    this.actMin = actMin;
    this.actMax = actMax;
    this.in = in;
    this.out = out;
    // Handing a layer to the pool costs a worker wake-up: small layers stay on this thread.
    this.slots = (long) k * n < ConvGemmVector.PARALLEL_MIN_MACS
        ? 1 : Math.max(1, Math.min(threads, tiles));
    // Int tile, the staging row (a byte-vector store of the last half-tile reaches 4L bytes
    // past its start, i.e. up to 3L bytes past the tiles' end), then the int16 input.
    this.xsOff = STAGE_OFF + padded + 4 * L;
    this.slotBytes = xsOff + 2 * kp;
    this.scratch = scratch.reserve((long) slotBytes * slots);
  }

  /**
   * Batch-1 8-bit FULLY_CONNECTED: {@code w} [n][k] (uint8 when {@code unsigned}, else int8)
   * with zero point {@code wZp}; bias may be null; mult/shift per output channel.
   */
  public static GemvVector quantized(boolean unsigned, int k, int n, byte[] w, int wZp, int inZp,
      int[] bias, int[] mult, int[] shift, int outZp, int actMin, int actMax, int in, int out,
      ConvGemmVector.Scratch scratch, int threads) throws ModelException {
    int a = unsigned ? 128 : 0;
    int cx = a - inZp;
    int cw = a - wZp;
    byte[] packed = pack(w, n, k, unsigned);
    int[] colConst = new int[(n + NR - 1) / NR * NR];
    for (int c = 0; c < n; c++) {
      int sumW = 0;
      for (int kk = 0; kk < k; kk++) {
        sumW += (byte) (w[c * k + kk] ^ (unsigned ? 0x80 : 0));
      }
      // int32 wrapping, as the scalar twin's accumulator.
      colConst[c] = (bias == null ? 0 : bias[c]) + cx * sumW + k * cx * cw;
    }
    return new GemvVector(k, n, packed, unsigned, cw, colConst, mult.clone(), shift.clone(),
        outZp, actMin, actMax, in, out, scratch, threads);
  }

  /** Packs {@code w[n][k]} as w' bytes into NR-channel tiles of k pairs (class Javadoc). */
  static byte[] pack(byte[] w, int n, int k, boolean unsigned) {
    int tiles = (n + NR - 1) / NR;
    int kp = (k + 1) & ~1;
    byte[] p = new byte[tiles * kp * NR];
    int f = unsigned ? 0x80 : 0;
    for (int c = 0; c < n; c++) {
      int j = c % NR;
      int tile = (c / NR) * kp * NR;
      for (int kk = 0; kk < k; kk++) {
        p[tile + (kk / 2) * 2 * NR + (j / L) * NR + 2 * (j % L) + (kk & 1)] =
            (byte) (w[c * k + kk] ^ f);
      }
    }
    return p;
  }

  /** Runs the op (from PreparedOp.eval). Allocates nothing. */
  public void eval(ExecContext ctx) {
    if (slots == 1) {
      run(ctx, 0, 1);
    } else {
      ctx.parallelFor(slots, this);
    }
  }

  @Override
  public void run(ExecContext ctx, int from, int to) {
    for (int s = from; s < to; s++) {
      slot(ctx, s);
    }
  }

  private void slot(ExecContext ctx, int s) {
    int t0 = (int) ((long) tiles * s / slots);
    int t1 = (int) ((long) tiles * (s + 1) / slots);
    if (t0 >= t1) {
      return;
    }
    byte[] x = ctx.array(in);
    int xOff = ctx.offset(in);
    byte[] y = ctx.array(out);
    int yOff = ctx.offset(out);
    byte[] sc = ctx.array(scratch);
    int base = ctx.offset(scratch) + s * slotBytes;
    boolean vector = VectorWarmup.ready();
    int xs = base + xsOff;
    int sumX = vector ? widenInput(x, xOff, k, flip, sc, xs) : widenInputScalar(x, xOff, k, flip,
        sc, xs);
    int xTerm = inputSumFactor * sumX;
    int stage = base + STAGE_OFF - t0 * NR;
    for (int t = t0; t < t1; t++) {
      if (vector) {
        tileS8(sc, xs, packed, t * kp * NR, kp, sc, base);
        requantizeTile(sc, base, t * NR, xTerm, stage);
      } else {
        tileS8Scalar(sc, xs, packed, t * kp * NR, kp, sc, base);
        requantizeTileScalar(sc, base, t * NR, xTerm, stage);
      }
    }
    int c0 = t0 * NR;
    int c1 = Math.min(n, t1 * NR);
    System.arraycopy(sc, stage + c0, y, yOff + c0, c1 - c0);
  }

  /**
   * The NR int32 sums {@code D[j] = sum_k x'[k] w'[k][j]} of one tile over {@code kp} (even)
   * k, written as little-endian ints (channels in order) at {@code tOff}; {@code xs} holds x'
   * as little-endian shorts. The int16 pair scheme of the class Javadoc.
   */
  static void tileS8(byte[] sc, int xs, byte[] b, int bOff, int kp, byte[] t, int tOff) {
    IntVector s0 = IntVector.zero(I);
    IntVector h0 = IntVector.zero(I);
    IntVector s1 = IntVector.zero(I);
    IntVector h1 = IntVector.zero(I);
    int q = 0;
    int pairs = kp / 2;
    for (; q + 2 <= pairs; q += 2) {
      int bi = bOff + q * 2 * NR;
      ShortVector xa = pair(sc, xs + 4 * q);
      ShortVector xb = pair(sc, xs + 4 * q + 4);
      IntVector p0 = widen(b, bi).mul(xa).add(widen(b, bi + 2 * NR).mul(xb))
          .add((short) BIAS16).reinterpretAsInts();
      s0 = s0.add(p0);
      h0 = h0.add(p0.lanewise(VectorOperators.LSHR, 16));
      IntVector p1 = widen(b, bi + NR).mul(xa).add(widen(b, bi + 3 * NR).mul(xb))
          .add((short) BIAS16).reinterpretAsInts();
      s1 = s1.add(p1);
      h1 = h1.add(p1.lanewise(VectorOperators.LSHR, 16));
    }
    int steps = q / 2;
    if (q < pairs) {
      int bi = bOff + q * 2 * NR;
      ShortVector xa = pair(sc, xs + 4 * q);
      IntVector p0 = widen(b, bi).mul(xa).add((short) BIAS16).reinterpretAsInts();
      s0 = s0.add(p0);
      h0 = h0.add(p0.lanewise(VectorOperators.LSHR, 16));
      IntVector p1 = widen(b, bi + NR).mul(xa).add((short) BIAS16).reinterpretAsInts();
      s1 = s1.add(p1);
      h1 = h1.add(p1.lanewise(VectorOperators.LSHR, 16));
      steps++;
    }
    // D = sum lo + sum hi = (S - (H << 16) - bias) + (H - bias).
    int bias = 2 * BIAS16 * steps;
    s0.sub(h0.lanewise(VectorOperators.LSHL, 16)).add(h0).sub(bias).reinterpretAsBytes()
        .intoArray(t, tOff);
    s1.sub(h1.lanewise(VectorOperators.LSHL, 16)).add(h1).sub(bias).reinterpretAsBytes()
        .intoArray(t, tOff + 4 * L);
  }

  /** The int16 pair (x'[2q], x'[2q+1]) at {@code off} in every 32-bit lane. */
  private static ShortVector pair(byte[] sc, int off) {
    return IntVector.broadcast(I, LittleEndian.getInt(sc, off)).reinterpretAsShorts();
  }

  /** 2L weight bytes as 2L shorts (tiny: C2 inlines it into the tile loop). */
  private static ShortVector widen(byte[] b, int off) {
    return (ShortVector) ByteVector.fromArray(BH, b, off).convertShape(VectorOperators.B2S, S, 0);
  }

  /** Scalar twin of {@link #tileS8} (the warm-up phase and the parity tests): plain int sums. */
  static void tileS8Scalar(byte[] sc, int xs, byte[] b, int bOff, int kp, byte[] t, int tOff) {
    for (int j = 0; j < NR; j++) {
      int lane = (j / L) * NR + 2 * (j % L);
      int sum = 0;
      for (int kk = 0; kk < kp; kk++) {
        sum += LittleEndian.getShort(sc, xs + 2 * kk) * b[bOff + (kk / 2) * 2 * NR + lane
            + (kk & 1)];
      }
      LittleEndian.setInt(t, tOff + 4 * j, sum);
    }
  }

  /**
   * Writes x' = x ^ flip (as int8) for {@code k} inputs as Kp little-endian shorts at {@code
   * xs} (a zero after an odd K) and returns {@code sum x'} in int32: one widening per 2L bytes.
   */
  static int widenInput(byte[] x, int xOff, int k, int flip, byte[] sc, int xs) {
    int step = BH.length();
    IntVector acc = IntVector.zero(I);
    int kk = 0;
    for (; kk + step <= k; kk += step) {
      ShortVector v = (ShortVector) ByteVector.fromArray(BH, x, xOff + kk)
          .lanewise(VectorOperators.XOR, (byte) flip).convertShape(VectorOperators.B2S, S, 0);
      v.reinterpretAsBytes().intoArray(sc, xs + 2 * kk);
      IntVector pairs = v.reinterpretAsInts();
      acc = acc.add(pairs.lanewise(VectorOperators.ASHR, 16))
          .add(pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
    }
    int sum = acc.reduceLanes(VectorOperators.ADD);
    for (; kk < k; kk++) {
      byte v = (byte) (x[xOff + kk] ^ flip);
      LittleEndian.setShort(sc, xs + 2 * kk, v);
      sum += v;
    }
    if ((k & 1) != 0) {
      LittleEndian.setShort(sc, xs + 2 * k, (short) 0);
    }
    return sum;
  }

  /** Scalar twin of {@link #widenInput}. */
  static int widenInputScalar(byte[] x, int xOff, int k, int flip, byte[] sc, int xs) {
    int sum = 0;
    for (int kk = 0; kk < k; kk++) {
      byte v = (byte) (x[xOff + kk] ^ flip);
      LittleEndian.setShort(sc, xs + 2 * kk, v);
      sum += v;
    }
    if ((k & 1) != 0) {
      LittleEndian.setShort(sc, xs + 2 * k, (short) 0);
    }
    return sum;
  }

  /**
   * Epilogue of one tile in vector form, bit-identical to the scalar twin: {@code D + colConst
   * + xTerm}, then the Q31 multiply-high with 32-bit lanes only and the rounding right shift
   * (int8: {@link RuyRequantize}, ties up; uint8: {@link FixedPoint}, ties away from zero),
   * exactly as {@code ConvGemmVector.requantizeTileVector} (its Javadoc has the argument), plus
   * the output zero point and the clamp, narrowed to bytes at {@code stage + c0}. Each half's
   * byte-vector store reaches past its L bytes; halves are written in increasing order, so the
   * next one overwrites the overhang and the last one ends inside the staging row.
   */
  private void requantizeTile(byte[] sc, int tOff, int c0, int xTerm, int stage) {
    for (int h = 0; h < 2; h++) {
      int pc = c0 + h * L;
      IntVector x = ByteVector.fromArray(B, sc, tOff + 4 * h * L).reinterpretAsInts()
          .add(IntVector.fromArray(I, colConst, pc)).add(xTerm)
          .lanewise(VectorOperators.LSHL, IntVector.fromArray(I, padLeft, pc));
      IntVector mh = IntVector.fromArray(I, padMultHigh, pc);
      IntVector ml = IntVector.fromArray(I, padMultLow, pc);
      IntVector right = IntVector.fromArray(I, padRight, pc);
      IntVector mask = IntVector.fromArray(I, padMask, pc);
      IntVector xh = x.lanewise(VectorOperators.ASHR, 16);
      IntVector xl = x.and(0xffff);
      IntVector b1 = xh.mul(ml);
      IntVector b2 = xl.mul(mh).add(xl.mul(ml).lanewise(VectorOperators.LSHR, 16));
      IntVector low = b1.and(0x7fff).add(b2.and(0x7fff)).add(1 << 14)
          .lanewise(VectorOperators.ASHR, 15);
      IntVector high = xh.mul(mh).lanewise(VectorOperators.LSHL, 1)
          .add(b1.lanewise(VectorOperators.ASHR, 15))
          .add(b2.lanewise(VectorOperators.ASHR, 15)).add(low);
      IntVector q;
      if (ruy) {
        q = high.lanewise(VectorOperators.ASHR, right).add(high.and(mask)
            .add(IntVector.fromArray(I, padRound, pc)).lanewise(VectorOperators.LSHR, right));
      } else {
        IntVector thr = mask.lanewise(VectorOperators.ASHR, 1)
            .sub(high.lanewise(VectorOperators.ASHR, 31));
        q = high.lanewise(VectorOperators.ASHR, right)
            .add(thr.sub(high.and(mask)).lanewise(VectorOperators.LSHR, 31));
      }
      q = q.add(outZp).max(actMin).min(actMax);
      q.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(sc, stage + pc);
    }
  }

  /** Scalar twin of {@link #requantizeTile} (the scalar kernels' own requantization). */
  private void requantizeTileScalar(byte[] sc, int tOff, int c0, int xTerm, int stage) {
    int cols = Math.min(NR, n - c0);
    for (int j = 0; j < cols; j++) {
      int c = c0 + j;
      int acc = LittleEndian.getInt(sc, tOff + 4 * j) + colConst[c]
          + xTerm;
      int v = (ruy
          ? RuyRequantize.apply(acc, mult[c], shift[c])
          : FixedPoint.multiplyByQuantizedMultiplier(acc, mult[c], shift[c])) + outZp;
      sc[stage + c] = (byte) Math.min(Math.max(v, actMin), actMax);
    }
  }
}
