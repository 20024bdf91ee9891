package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.kernels.LittleEndian;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernels under CONV_2D and FULLY_CONNECTED: {@code C[M][N] = A[M][K] x B[K][N]}
 * with A the activations (pixels x taps*channels, packed per row block into a float panel) and
 * B the weights (packed once at prepare into float column tiles).
 *
 * <pre>
 *   packed B, one tile per NR = 2 * lanes output channels (zero padded past N):
 *     tile t: [k = 0 .. K-1][NR floats]      (w[t*NR + j][k], centred by the weight zero point)
 *   A panel, one per MR = 4 output pixels (rows past M are zero):
 *     [r = 0 .. MR-1][K floats]              (x[m][k] - input zero point; padding taps are 0)
 *   micro-kernel: MR x NR accumulators = 4 x 2 vectors, one broadcast of A per row and k.
 * </pre>
 *
 * <p><b>Exact 8-bit products through f32 FMA.</b> For 8-bit data both operands are centred
 * integers: {@code |x - inZp| <= maxA} and {@code |w - wZp| <= maxB} (at most 255 each). Each
 * product is an integer of magnitude {@code <= maxA * maxB <= 65025 < 2^24}, exactly
 * representable in f32, and every partial sum of {@code kBlock} such products has magnitude
 * {@code <= kBlock * maxA * maxB <= 2^24}, so every FMA result is an integer of magnitude at most
 * 2^24 and is exact (f32 holds every integer up to 2^24). {@link #exactBlock} returns
 * {@code floor(2^24 / (maxA * maxB))}: at least 258 for uint8 (255 * 255 = 65025), at least 514
 * for int8 activations with symmetric int8 weights (255 * 128), 1024 when both are in [-128, 127]
 * with magnitude <= 128. After each block the float sums are converted to int (exact) and added
 * in int32, which wraps exactly as the scalar kernels' int32 sums do, so the int32 accumulator
 * {@code sum (x - inZp) * (w - wZp)} is bit-identical to the scalar twin's, whatever the order.
 */
public final class GemmVector {
  private GemmVector() {}

  private static final VectorSpecies<Float> F = Species.F;
  private static final VectorSpecies<Integer> I = Species.I;
  private static final VectorSpecies<Byte> BY = Species.B;

  /**
   * Half-width species (128 or 256 bits) for narrow layers with at most L / 2 output channels
   * at 256 or 512 bits: the other half of a full vector would only multiply padding, and on
   * CPUs that split 512-bit FMAs into two 256-bit halves (AMD Zen 4) a half vector FMA costs
   * half as much. Unused at 128 bits (see {@link #halfWidth}).
   */
  private static final VectorSpecies<Float> FH =
      VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(128, Species.BITS / 2)));
  private static final VectorSpecies<Integer> IH =
      VectorSpecies.of(int.class, VectorShape.forBitSize(Math.max(128, Species.BITS / 2)));

  /** Lanes per float vector. */
  public static final int L = F.length();
  /** Rows (output pixels) per micro-tile. */
  public static final int MR = 4;
  /** Columns (output channels) per micro-tile. */
  public static final int NR = 2 * L;

  /** Rows per narrow micro-tile (layers with at most {@link #L} output channels). */
  public static final int MR_NARROW = 8;
  /** Columns per narrow micro-tile: one vector. */
  public static final int NR_NARROW = L;

  /**
   * Whether a narrow layer of {@code n} output channels takes the half-width direct kernel
   * ({@link #tile4NarrowIntDirectHalf}): at most half a vector of channels, at 256 bits or more.
   */
  public static boolean halfWidth(int n) {
    return Species.BITS >= 256 && n <= L / 2;
  }

  /** Largest K block whose f32 partial sums stay exact (see the class Javadoc). */
  public static int exactBlock(int maxA, int maxB) {
    long p = (long) Math.max(1, maxA) * Math.max(1, maxB);
    return (int) Math.max(1, (1L << 24) / p);
  }

  /** Number of NR-wide column tiles for N columns. */
  public static int tiles(int n) {
    return (n + NR - 1) / NR;
  }

  /**
   * Packs {@code w[n][k]} (row-major, already centred floats) into column tiles of NR floats per
   * k, zero padded to a whole number of tiles.
   */
  public static float[] packB(float[] w, int n, int k) {
    return packB(w, n, k, NR);
  }

  /** {@link #packB(float[], int, int)} for tiles of {@code nr} columns (NR or NR_NARROW). */
  public static float[] packB(float[] w, int n, int k, int nr) {
    int tiles = (n + nr - 1) / nr;
    float[] p = new float[tiles * k * nr];
    for (int c = 0; c < n; c++) {
      int t = c / nr;
      int j = c % nr;
      int base = t * k * nr + j;
      for (int kk = 0; kk < k; kk++) {
        p[base + kk * nr] = w[c * k + kk];
      }
    }
    return p;
  }

  /**
   * MR x NR int32 tile: {@code tile[r][j] = sum_k panel[r][k] * b[k][j]}, summed exactly in f32
   * blocks of {@code kBlock} and in int32 across blocks; written as little-endian ints
   * [MR][NR] at {@code tOff}.
   */
  public static void tile4Int(
      byte[] panel, int pOff, float[] b, int bOff, int k, int kBlock, byte[] t, int tOff) {
    int rs = 4 * k;
    IntVector i00 = IntVector.zero(I);
    IntVector i01 = IntVector.zero(I);
    IntVector i10 = IntVector.zero(I);
    IntVector i11 = IntVector.zero(I);
    IntVector i20 = IntVector.zero(I);
    IntVector i21 = IntVector.zero(I);
    IntVector i30 = IntVector.zero(I);
    IntVector i31 = IntVector.zero(I);
    for (int k0 = 0; k0 < k; k0 += kBlock) {
      int k1 = Math.min(k, k0 + kBlock);
      FloatVector f00 = FloatVector.zero(F);
      FloatVector f01 = FloatVector.zero(F);
      FloatVector f10 = FloatVector.zero(F);
      FloatVector f11 = FloatVector.zero(F);
      FloatVector f20 = FloatVector.zero(F);
      FloatVector f21 = FloatVector.zero(F);
      FloatVector f30 = FloatVector.zero(F);
      FloatVector f31 = FloatVector.zero(F);
      for (int kk = k0; kk < k1; kk++) {
        int bi = bOff + kk * NR;
        FloatVector b0 = FloatVector.fromArray(F, b, bi);
        FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
        int pi = pOff + 4 * kk;
        FloatVector a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi));
        f00 = b0.fma(a, f00);
        f01 = b1.fma(a, f01);
        a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + rs));
        f10 = b0.fma(a, f10);
        f11 = b1.fma(a, f11);
        a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 2 * rs));
        f20 = b0.fma(a, f20);
        f21 = b1.fma(a, f21);
        a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 3 * rs));
        f30 = b0.fma(a, f30);
        f31 = b1.fma(a, f31);
      }
      i00 = i00.add((IntVector) f00.convertShape(VectorOperators.F2I, I, 0));
      i01 = i01.add((IntVector) f01.convertShape(VectorOperators.F2I, I, 0));
      i10 = i10.add((IntVector) f10.convertShape(VectorOperators.F2I, I, 0));
      i11 = i11.add((IntVector) f11.convertShape(VectorOperators.F2I, I, 0));
      i20 = i20.add((IntVector) f20.convertShape(VectorOperators.F2I, I, 0));
      i21 = i21.add((IntVector) f21.convertShape(VectorOperators.F2I, I, 0));
      i30 = i30.add((IntVector) f30.convertShape(VectorOperators.F2I, I, 0));
      i31 = i31.add((IntVector) f31.convertShape(VectorOperators.F2I, I, 0));
    }
    int rowBytes = 4 * NR;
    int half = 4 * L;
    i00.reinterpretAsBytes().intoArray(t, tOff);
    i01.reinterpretAsBytes().intoArray(t, tOff + half);
    i10.reinterpretAsBytes().intoArray(t, tOff + rowBytes);
    i11.reinterpretAsBytes().intoArray(t, tOff + rowBytes + half);
    i20.reinterpretAsBytes().intoArray(t, tOff + 2 * rowBytes);
    i21.reinterpretAsBytes().intoArray(t, tOff + 2 * rowBytes + half);
    i30.reinterpretAsBytes().intoArray(t, tOff + 3 * rowBytes);
    i31.reinterpretAsBytes().intoArray(t, tOff + 3 * rowBytes + half);
  }

  /** One-row variant of {@link #tile4Int} (one panel row). */
  public static void tile1Int(
      byte[] panel, int pOff, float[] b, int bOff, int k, int kBlock, byte[] t, int tOff) {
    IntVector i0 = IntVector.zero(I);
    IntVector i1 = IntVector.zero(I);
    for (int k0 = 0; k0 < k; k0 += kBlock) {
      int k1 = Math.min(k, k0 + kBlock);
      FloatVector f0 = FloatVector.zero(F);
      FloatVector f1 = FloatVector.zero(F);
      FloatVector g0 = FloatVector.zero(F);
      FloatVector g1 = FloatVector.zero(F);
      int kk = k0;
      for (; kk + 2 <= k1; kk += 2) {
        int bi = bOff + kk * NR;
        FloatVector a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pOff + 4 * kk));
        f0 = FloatVector.fromArray(F, b, bi).fma(a, f0);
        f1 = FloatVector.fromArray(F, b, bi + L).fma(a, f1);
        FloatVector c = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pOff + 4 * kk + 4));
        g0 = FloatVector.fromArray(F, b, bi + NR).fma(c, g0);
        g1 = FloatVector.fromArray(F, b, bi + NR + L).fma(c, g1);
      }
      for (; kk < k1; kk++) {
        int bi = bOff + kk * NR;
        FloatVector a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pOff + 4 * kk));
        f0 = FloatVector.fromArray(F, b, bi).fma(a, f0);
        f1 = FloatVector.fromArray(F, b, bi + L).fma(a, f1);
      }
      // Each of f and g holds at most one block's sum: both exact, so is their int sum.
      i0 = i0.add((IntVector) f0.convertShape(VectorOperators.F2I, I, 0))
          .add((IntVector) g0.convertShape(VectorOperators.F2I, I, 0));
      i1 = i1.add((IntVector) f1.convertShape(VectorOperators.F2I, I, 0))
          .add((IntVector) g1.convertShape(VectorOperators.F2I, I, 0));
    }
    i0.reinterpretAsBytes().intoArray(t, tOff);
    i1.reinterpretAsBytes().intoArray(t, tOff + 4 * L);
  }

  /**
   * float32 MR x NR tile with bias and clamp: {@code out[r][j] = clamp(bias[j] + sum_k
   * panel[r][k] * b[k][j])}, written as little-endian floats with row stride {@code rowStride}
   * bytes at {@code oOff} (the caller passes a scratch tile when the columns are not all valid).
   */
  public static void tile4Float(
      byte[] panel, int pOff, float[] b, int bOff, int k, float[] bias, int biasOff,
      float min, float max, byte[] out, int oOff, int rowStride) {
    int rs = 4 * k;
    FloatVector f00 = FloatVector.zero(F);
    FloatVector f01 = FloatVector.zero(F);
    FloatVector f10 = FloatVector.zero(F);
    FloatVector f11 = FloatVector.zero(F);
    FloatVector f20 = FloatVector.zero(F);
    FloatVector f21 = FloatVector.zero(F);
    FloatVector f30 = FloatVector.zero(F);
    FloatVector f31 = FloatVector.zero(F);
    for (int kk = 0; kk < k; kk++) {
      int bi = bOff + kk * NR;
      FloatVector b0 = FloatVector.fromArray(F, b, bi);
      FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
      int pi = pOff + 4 * kk;
      FloatVector a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi));
      f00 = b0.fma(a, f00);
      f01 = b1.fma(a, f01);
      a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + rs));
      f10 = b0.fma(a, f10);
      f11 = b1.fma(a, f11);
      a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 2 * rs));
      f20 = b0.fma(a, f20);
      f21 = b1.fma(a, f21);
      a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 3 * rs));
      f30 = b0.fma(a, f30);
      f31 = b1.fma(a, f31);
    }
    FloatVector c0 = FloatVector.fromArray(F, bias, biasOff);
    FloatVector c1 = FloatVector.fromArray(F, bias, biasOff + L);
    int half = 4 * L;
    (f00.add(c0)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff);
    (f01.add(c1)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + half);
    (f10.add(c0)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + rowStride);
    (f11.add(c1)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + rowStride + half);
    (f20.add(c0)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 2 * rowStride);
    (f21.add(c1)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 2 * rowStride + half);
    (f30.add(c0)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 3 * rowStride);
    (f31.add(c1)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 3 * rowStride + half);
  }

  /** One-row variant of {@link #tile4Float}. */
  public static void tile1Float(
      byte[] panel, int pOff, float[] b, int bOff, int k, float[] bias, int biasOff,
      float min, float max, byte[] out, int oOff) {
    FloatVector f0 = FloatVector.zero(F);
    FloatVector f1 = FloatVector.zero(F);
    FloatVector g0 = FloatVector.zero(F);
    FloatVector g1 = FloatVector.zero(F);
    int kk = 0;
    for (; kk + 2 <= k; kk += 2) {
      int bi = bOff + kk * NR;
      FloatVector a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pOff + 4 * kk));
      f0 = FloatVector.fromArray(F, b, bi).fma(a, f0);
      f1 = FloatVector.fromArray(F, b, bi + L).fma(a, f1);
      FloatVector c = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pOff + 4 * kk + 4));
      g0 = FloatVector.fromArray(F, b, bi + NR).fma(c, g0);
      g1 = FloatVector.fromArray(F, b, bi + NR + L).fma(c, g1);
    }
    for (; kk < k; kk++) {
      int bi = bOff + kk * NR;
      FloatVector a = FloatVector.broadcast(F, LittleEndian.getFloat(panel, pOff + 4 * kk));
      f0 = FloatVector.fromArray(F, b, bi).fma(a, f0);
      f1 = FloatVector.fromArray(F, b, bi + L).fma(a, f1);
    }
    FloatVector c0 = FloatVector.fromArray(F, bias, biasOff);
    FloatVector c1 = FloatVector.fromArray(F, bias, biasOff + L);
    (f0.add(g0).add(c0)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff);
    (f1.add(g1).add(c1)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 4 * L);
  }

  /**
   * Narrow MR_NARROW x L int32 tile for layers with at most L output channels ({@code b} packed
   * with {@code nr = L}): 8 rows of one vector each, so that a conv with 8 or 16 channels does
   * not compute a 2-vector tile mostly of padding, and eight independent FMA chains keep the FMA
   * units busy. Same exactness as {@link #tile4Int}: f32 sums of at most {@code kBlock}
   * products, converted to int and added in int32 between blocks. The running int sums live in
   * {@code t} ([8][L] little-endian ints at {@code tOff}), which keeps the kernel at ten live
   * vectors, below AVX2's sixteen registers.
   */
  public static void tileNarrowInt(
      byte[] panel, int pOff, float[] b, int bOff, int k, int kBlock, byte[] t, int tOff) {
    int rs = 4 * k;
    int row = 4 * L;
    for (int k0 = 0; k0 < k; k0 += kBlock) {
      int k1 = Math.min(k, k0 + kBlock);
      FloatVector f0 = FloatVector.zero(F);
      FloatVector f1 = FloatVector.zero(F);
      FloatVector f2 = FloatVector.zero(F);
      FloatVector f3 = FloatVector.zero(F);
      FloatVector f4 = FloatVector.zero(F);
      FloatVector f5 = FloatVector.zero(F);
      FloatVector f6 = FloatVector.zero(F);
      FloatVector f7 = FloatVector.zero(F);
      for (int kk = k0; kk < k1; kk++) {
        FloatVector bv = FloatVector.fromArray(F, b, bOff + kk * L);
        int pi = pOff + 4 * kk;
        f0 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi)), f0);
        f1 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + rs)), f1);
        f2 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 2 * rs)), f2);
        f3 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 3 * rs)), f3);
        f4 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 4 * rs)), f4);
        f5 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 5 * rs)), f5);
        f6 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 6 * rs)), f6);
        f7 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 7 * rs)), f7);
      }
      IntVector i0 = (IntVector) f0.convertShape(VectorOperators.F2I, I, 0);
      IntVector i1 = (IntVector) f1.convertShape(VectorOperators.F2I, I, 0);
      IntVector i2 = (IntVector) f2.convertShape(VectorOperators.F2I, I, 0);
      IntVector i3 = (IntVector) f3.convertShape(VectorOperators.F2I, I, 0);
      IntVector i4 = (IntVector) f4.convertShape(VectorOperators.F2I, I, 0);
      IntVector i5 = (IntVector) f5.convertShape(VectorOperators.F2I, I, 0);
      IntVector i6 = (IntVector) f6.convertShape(VectorOperators.F2I, I, 0);
      IntVector i7 = (IntVector) f7.convertShape(VectorOperators.F2I, I, 0);
      if (k0 > 0) {
        i0 = i0.add(ByteVector.fromArray(BY, t, tOff).reinterpretAsInts());
        i1 = i1.add(ByteVector.fromArray(BY, t, tOff + row).reinterpretAsInts());
        i2 = i2.add(ByteVector.fromArray(BY, t, tOff + 2 * row).reinterpretAsInts());
        i3 = i3.add(ByteVector.fromArray(BY, t, tOff + 3 * row).reinterpretAsInts());
        i4 = i4.add(ByteVector.fromArray(BY, t, tOff + 4 * row).reinterpretAsInts());
        i5 = i5.add(ByteVector.fromArray(BY, t, tOff + 5 * row).reinterpretAsInts());
        i6 = i6.add(ByteVector.fromArray(BY, t, tOff + 6 * row).reinterpretAsInts());
        i7 = i7.add(ByteVector.fromArray(BY, t, tOff + 7 * row).reinterpretAsInts());
      }
      i0.reinterpretAsBytes().intoArray(t, tOff);
      i1.reinterpretAsBytes().intoArray(t, tOff + row);
      i2.reinterpretAsBytes().intoArray(t, tOff + 2 * row);
      i3.reinterpretAsBytes().intoArray(t, tOff + 3 * row);
      i4.reinterpretAsBytes().intoArray(t, tOff + 4 * row);
      i5.reinterpretAsBytes().intoArray(t, tOff + 5 * row);
      i6.reinterpretAsBytes().intoArray(t, tOff + 6 * row);
      i7.reinterpretAsBytes().intoArray(t, tOff + 7 * row);
    }
  }

  /**
   * {@link #tile4Int} reading its A operand from a padded float image, as {@link
   * #tile4NarrowIntDirectHalf} does (row r's window at the int {@code o_r} stored at {@code
   * rows + 4r}, filter row ky at {@code o_r + ky * kyStep}, {@code run} floats); one exact f32
   * block ({@code kh * run <= kBlock}). Writes [MR][NR] little-endian ints at {@code tOff}.
   */
  public static void tile4IntDirect(
      byte[] img, byte[] rowOffsets, int rows, float[] b, int bOff, int kh, int run, int kyStep,
      byte[] t, int tOff) {
    int o0 = LittleEndian.getInt(rowOffsets, rows);
    int o1 = LittleEndian.getInt(rowOffsets, rows + 4);
    int o2 = LittleEndian.getInt(rowOffsets, rows + 8);
    int o3 = LittleEndian.getInt(rowOffsets, rows + 12);
    FloatVector f00 = FloatVector.zero(F);
    FloatVector f01 = FloatVector.zero(F);
    FloatVector f10 = FloatVector.zero(F);
    FloatVector f11 = FloatVector.zero(F);
    FloatVector f20 = FloatVector.zero(F);
    FloatVector f21 = FloatVector.zero(F);
    FloatVector f30 = FloatVector.zero(F);
    FloatVector f31 = FloatVector.zero(F);
    int bi = bOff;
    for (int ky = 0; ky < kh; ky++) {
      int a = ky * kyStep;
      for (int j = 0; j < run; j++, a += 4, bi += NR) {
        FloatVector b0 = FloatVector.fromArray(F, b, bi);
        FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
        FloatVector x = FloatVector.broadcast(F, LittleEndian.getFloat(img, o0 + a));
        f00 = b0.fma(x, f00);
        f01 = b1.fma(x, f01);
        x = FloatVector.broadcast(F, LittleEndian.getFloat(img, o1 + a));
        f10 = b0.fma(x, f10);
        f11 = b1.fma(x, f11);
        x = FloatVector.broadcast(F, LittleEndian.getFloat(img, o2 + a));
        f20 = b0.fma(x, f20);
        f21 = b1.fma(x, f21);
        x = FloatVector.broadcast(F, LittleEndian.getFloat(img, o3 + a));
        f30 = b0.fma(x, f30);
        f31 = b1.fma(x, f31);
      }
    }
    int rowBytes = 4 * NR;
    int half = 4 * L;
    ((IntVector) f00.convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff);
    ((IntVector) f01.convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + half);
    ((IntVector) f10.convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + rowBytes);
    ((IntVector) f11.convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + rowBytes + half);
    ((IntVector) f20.convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + 2 * rowBytes);
    ((IntVector) f21.convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + 2 * rowBytes + half);
    ((IntVector) f30.convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + 3 * rowBytes);
    ((IntVector) f31.convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + 3 * rowBytes + half);
  }

  /**
   * Four rows of a narrow tile (the caller makes two calls per MR_NARROW = 8-row tile) reading
   * the A operand straight from a padded float image instead of a packed panel, on half-width
   * vectors (L / 2 lanes) for layers with at most L / 2 output channels ({@link #halfWidth}).
   * Row r's window starts at byte {@code o_r} of {@code img}, where {@code o_r} is the
   * little-endian int at {@code rows + 4r}; its filter row ky is {@code run} consecutive floats
   * at {@code o_r + ky * kyStep}, in the packed weights' k order (ky, then kx * inC + c); the
   * weights are packed with {@code nr = L} and only their first L / 2 columns are read.
   *
   * <p>All {@code kh * run} products form one exact f32 block (the caller ensures {@code kh *
   * run <= kBlock}, see the class Javadoc): every partial sum is an integer of magnitude at most
   * 2^24, so the even-k and odd-k accumulators of a row, added at the end, give exactly the
   * panel kernel's and the scalar twin's int sums. Four rows, two k per iteration: with eight
   * window offsets live C2 ran out of general registers and reloaded the image base before
   * every broadcast. Row r's L / 2 ints go to {@code tOff + r * 2L}: the rows are contiguous,
   * so that one L-lane vector of the epilogue holds two rows.
   */
  public static void tile4NarrowIntDirectHalf(
      byte[] img, byte[] rowOffsets, int rows, float[] b, int bOff, int kh, int run, int kyStep,
      byte[] t, int tOff) {
    int o0 = LittleEndian.getInt(rowOffsets, rows);
    int o1 = LittleEndian.getInt(rowOffsets, rows + 4);
    int o2 = LittleEndian.getInt(rowOffsets, rows + 8);
    int o3 = LittleEndian.getInt(rowOffsets, rows + 12);
    FloatVector e0 = FloatVector.zero(FH);
    FloatVector e1 = FloatVector.zero(FH);
    FloatVector e2 = FloatVector.zero(FH);
    FloatVector e3 = FloatVector.zero(FH);
    FloatVector d0 = FloatVector.zero(FH);
    FloatVector d1 = FloatVector.zero(FH);
    FloatVector d2 = FloatVector.zero(FH);
    FloatVector d3 = FloatVector.zero(FH);
    int bi = bOff;
    int pairs = run >> 1;
    for (int ky = 0; ky < kh; ky++) {
      int a0 = ky * kyStep;
      int b0 = bi;
      // A counted loop (index p, offsets linear in p) so that C2 hoists the range checks.
      for (int p = 0; p < pairs; p++) {
        int a = a0 + 8 * p;
        int bp = b0 + 2 * L * p;
        FloatVector bv = FloatVector.fromArray(FH, b, bp);
        FloatVector bw = FloatVector.fromArray(FH, b, bp + L);
        e0 = bv.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o0 + a)), e0);
        d0 = bw.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o0 + a + 4)), d0);
        e1 = bv.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o1 + a)), e1);
        d1 = bw.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o1 + a + 4)), d1);
        e2 = bv.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o2 + a)), e2);
        d2 = bw.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o2 + a + 4)), d2);
        e3 = bv.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o3 + a)), e3);
        d3 = bw.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o3 + a + 4)), d3);
      }
      bi += 2 * L * pairs;
      if ((run & 1) != 0) {
        int a = a0 + 8 * pairs;
        FloatVector bv = FloatVector.fromArray(FH, b, bi);
        e0 = bv.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o0 + a)), e0);
        e1 = bv.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o1 + a)), e1);
        e2 = bv.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o2 + a)), e2);
        e3 = bv.fma(FloatVector.broadcast(FH, LittleEndian.getFloat(img, o3 + a)), e3);
        bi += L;
      }
    }
    int row = 2 * L;
    ((IntVector) e0.add(d0).convertShape(VectorOperators.F2I, IH, 0)).reinterpretAsBytes()
        .intoArray(t, tOff);
    ((IntVector) e1.add(d1).convertShape(VectorOperators.F2I, IH, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + row);
    ((IntVector) e2.add(d2).convertShape(VectorOperators.F2I, IH, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + 2 * row);
    ((IntVector) e3.add(d3).convertShape(VectorOperators.F2I, IH, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + 3 * row);
  }

  /**
   * {@link #tile4NarrowIntDirectHalf} on full vectors, for narrow layers with more than L / 2
   * output channels (or at 128 bits): same operands, exactness and layout, L ints per row.
   */
  public static void tile4NarrowIntDirect(
      byte[] img, byte[] rowOffsets, int rows, float[] b, int bOff, int kh, int run, int kyStep,
      byte[] t, int tOff) {
    int o0 = LittleEndian.getInt(rowOffsets, rows);
    int o1 = LittleEndian.getInt(rowOffsets, rows + 4);
    int o2 = LittleEndian.getInt(rowOffsets, rows + 8);
    int o3 = LittleEndian.getInt(rowOffsets, rows + 12);
    FloatVector e0 = FloatVector.zero(F);
    FloatVector e1 = FloatVector.zero(F);
    FloatVector e2 = FloatVector.zero(F);
    FloatVector e3 = FloatVector.zero(F);
    FloatVector d0 = FloatVector.zero(F);
    FloatVector d1 = FloatVector.zero(F);
    FloatVector d2 = FloatVector.zero(F);
    FloatVector d3 = FloatVector.zero(F);
    int bi = bOff;
    int pairs = run >> 1;
    for (int ky = 0; ky < kh; ky++) {
      int a0 = ky * kyStep;
      int b0 = bi;
      // A counted loop (index p, offsets linear in p) so that C2 hoists the range checks.
      for (int p = 0; p < pairs; p++) {
        int a = a0 + 8 * p;
        int bp = b0 + 2 * L * p;
        FloatVector bv = FloatVector.fromArray(F, b, bp);
        FloatVector bw = FloatVector.fromArray(F, b, bp + L);
        e0 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o0 + a)), e0);
        d0 = bw.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o0 + a + 4)), d0);
        e1 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o1 + a)), e1);
        d1 = bw.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o1 + a + 4)), d1);
        e2 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o2 + a)), e2);
        d2 = bw.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o2 + a + 4)), d2);
        e3 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o3 + a)), e3);
        d3 = bw.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o3 + a + 4)), d3);
      }
      bi += 2 * L * pairs;
      if ((run & 1) != 0) {
        int a = a0 + 8 * pairs;
        FloatVector bv = FloatVector.fromArray(F, b, bi);
        e0 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o0 + a)), e0);
        e1 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o1 + a)), e1);
        e2 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o2 + a)), e2);
        e3 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(img, o3 + a)), e3);
        bi += L;
      }
    }
    int row = 4 * L;
    ((IntVector) e0.add(d0).convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff);
    ((IntVector) e1.add(d1).convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + row);
    ((IntVector) e2.add(d2).convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + 2 * row);
    ((IntVector) e3.add(d3).convertShape(VectorOperators.F2I, I, 0)).reinterpretAsBytes()
        .intoArray(t, tOff + 3 * row);
  }

  /**
   * float32 narrow tile (see {@link #tileNarrowInt}) with bias and clamp: {@code out[r][j] =
   * clamp(bias[j] + sum_k panel[r][k] * b[k][j])}, one FMA chain per row in k order, rows
   * written as L little-endian floats at {@code oOff + r * rowStride} in increasing r (a row
   * stride below 4L lets each row overwrite the padding columns of the one before).
   */
  public static void tileNarrowFloat(
      byte[] panel, int pOff, float[] b, int bOff, int k, float[] bias, float min, float max,
      byte[] out, int oOff, int rowStride) {
    int rs = 4 * k;
    FloatVector f0 = FloatVector.zero(F);
    FloatVector f1 = FloatVector.zero(F);
    FloatVector f2 = FloatVector.zero(F);
    FloatVector f3 = FloatVector.zero(F);
    FloatVector f4 = FloatVector.zero(F);
    FloatVector f5 = FloatVector.zero(F);
    FloatVector f6 = FloatVector.zero(F);
    FloatVector f7 = FloatVector.zero(F);
    for (int kk = 0; kk < k; kk++) {
      FloatVector bv = FloatVector.fromArray(F, b, bOff + kk * L);
      int pi = pOff + 4 * kk;
      f0 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi)), f0);
      f1 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + rs)), f1);
      f2 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 2 * rs)), f2);
      f3 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 3 * rs)), f3);
      f4 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 4 * rs)), f4);
      f5 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 5 * rs)), f5);
      f6 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 6 * rs)), f6);
      f7 = bv.fma(FloatVector.broadcast(F, LittleEndian.getFloat(panel, pi + 7 * rs)), f7);
    }
    FloatVector c = FloatVector.fromArray(F, bias, 0);
    (f0.add(c)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff);
    (f1.add(c)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + rowStride);
    (f2.add(c)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 2 * rowStride);
    (f3.add(c)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 3 * rowStride);
    (f4.add(c)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 4 * rowStride);
    (f5.add(c)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 5 * rowStride);
    (f6.add(c)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 6 * rowStride);
    (f7.add(c)).max(min).min(max).reinterpretAsBytes().intoArray(out, oOff + 7 * rowStride);
  }
}
