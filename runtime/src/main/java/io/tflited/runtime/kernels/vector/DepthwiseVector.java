package io.tflited.runtime.kernels.vector;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.quant.FixedPoint;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * DEPTHWISE_CONV_2D with depth multiplier 1 over NHWC tensors, channels in the vector lanes
 * (TFLite's optimized depthwise layout). Same arithmetic as the scalar twin
 * {@code kernels.conv.DepthwiseKernels}: only taps inside the input contribute (TFLite's
 * reference kernels skip the others), any filter size, stride, dilation and padding.
 *
 * <p>8-bit layout: a block is 2L channels (L = int lanes). One 2L-byte load is widened to a
 * 2L-lane short vector (same lane count: intrinsified on x86 and NEON) and reinterpreted as
 * L ints, each holding an (even, odd) channel pair; shifts split it into an even-channel and
 * an odd-channel int vector, so no lane-changing conversion is needed at any width
 * (128-bit NEON included). Everything per channel is packed once in that order:
 *
 * <pre>
 *   model channels of a block   c0 c1 c2 c3 ... c(2L-1)
 *   packed (weights, bias, rq)  c0 c2 ... c(2L-2) | c1 c3 ... c(2L-1)
 *   int32 row buffer            same packed order; pass 3 re-interleaves:
 *                               short pair = odd << 16 | even & 0xffff, narrowed to bytes
 * </pre>
 *
 * <p>Three passes per output row keep each compiled method inside C2's inlining budget (a
 * method doing the taps and the requantization stops inlining and boxes its vectors):
 * (1) int32 accumulators, bias included, into a per-thread row buffer; (2) requantization in
 * place; (3) interleave, narrow, store. When the depth is not a multiple of 2L, the last
 * block starts at depth - 2L and overlaps the one before ({@link #packedDepth}): no channel
 * falls to a scalar tail. Layers of fewer than 2L channels run the scalar arithmetic.
 *
 * <p>Overflow: |w + weightOffset| <= 255 and |x + inputOffset| <= 255, so one product is at
 * most 65025; int32 lanes wrap exactly like TFLite's int32 accumulators, so any filter size
 * agrees. Requantized values are clamped to [-128, 255] before the 16-bit packing. Work is
 * split by output rows ({@code rowFrom..rowTo} over batches*outH).
 */
public final class DepthwiseVector {
  private DepthwiseVector() {}

  /** 2L bytes: one 8-bit block. */
  static final VectorSpecies<Byte> BH =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Species.BITS / 2));

  /** Channels per 8-bit block (2 x int lanes). */
  public static int lanes8() {
    return 2 * Species.I.length();
  }

  /** Channels per float32 block (float lanes). */
  public static int lanesF32() {
    return Species.F.length();
  }

  /**
   * Packed channel slots: whole 2L blocks covering every channel, the last block overlapping
   * the one before when the depth is not a multiple of 2L (both compute the overlapped
   * channels identically, so the second store rewrites the same bytes); below one block the
   * depth itself (every channel goes through the scalar arithmetic).
   */
  public static int packedDepth(int depth) {
    int block = lanes8();
    return depth < block ? depth : (depth + block - 1) / block * block;
  }

  /** First model channel of the block at packed slot {@code slot0}. */
  private static int dataChannel(int slot0, int depth) {
    return Math.min(slot0, depth - lanes8());
  }

  /** Model channel held by packed slot {@code s} (see the class doc). */
  private static int modelChannel(int s, int depth) {
    int block = lanes8();
    if (depth < block) {
      return s;
    }
    int slot0 = s - s % block;
    int j = s - slot0;
    int half = block / 2;
    return dataChannel(slot0, depth) + (j < half ? 2 * j : 2 * (j - half) + 1);
  }

  /** Per-channel values ({@code depth} of them) in the packed order ({@link #packedDepth}). */
  public static int[] packChannels(int[] perChannel) {
    int depth = perChannel.length;
    int[] r = new int[packedDepth(depth)];
    for (int s = 0; s < r.length; s++) {
      r[s] = perChannel[modelChannel(s, depth)];
    }
    return r;
  }

  /** Packs a [1][kh][kw][C] 8-bit filter as int (w + weightOffset), [taps][packed slots]. */
  public static int[] packInts(byte[] w, int depth, boolean signed, int weightOffset) {
    int taps = w.length / depth;
    int dp = packedDepth(depth);
    int[] p = new int[taps * dp];
    for (int t = 0; t < taps; t++) {
      for (int s = 0; s < dp; s++) {
        int c = modelChannel(s, depth);
        int v = signed ? w[t * depth + c] : w[t * depth + c] & 0xff;
        p[t * dp + s] = v + weightOffset;
      }
    }
    return p;
  }

  /** Requantization parameters in the packed channel order. */
  public static RequantizeVector.Params packParams(int[] mult, int[] shift, int depth) {
    RequantizeVector.Params p = RequantizeVector.Params.of(mult, shift, depth);
    return new RequantizeVector.Params(packChannels(p.mHigh()), packChannels(p.mLow()),
        packChannels(p.left()), packChannels(p.right()), packChannels(p.mask()));
  }

  /**
   * Bias + inputOffset * sum over taps of the channel's packed weights, in packed order: the
   * starting accumulator of windows that see every tap (int32 addition wraps, so the order
   * of the terms does not change the result). {@code packedBias} is {@link #packChannels}.
   */
  public static int[] interiorBias(int[] w, int[] packedBias, int inputOffset) {
    int slots = packedBias.length;
    int[] r = packedBias.clone();
    for (int i = 0; i < w.length; i++) {
      r[i % slots] += inputOffset * w[i];
    }
    return r;
  }

  /**
   * Per-thread int32 row of accumulators. Worker threads are fixed, so after the first
   * inference this allocates nothing.
   */
  private static final ThreadLocal<int[][]> ROW = ThreadLocal.withInitial(() -> new int[1][0]);

  static int[] rowScratch(int n) {
    int[][] holder = ROW.get();
    if (holder[0].length < n) {
      holder[0] = new int[n];
    }
    return holder[0];
  }

  /**
   * 8-bit depthwise conv, depth multiplier 1, output rows [rowFrom, rowTo) of batches*outH.
   * {@code w} is {@link #packInts}, {@code bias} {@link #packChannels} of the bias,
   * {@code biasInterior} {@link #interiorBias}, {@code rq} {@link #packParams}; {@code mult}
   * and {@code shift} are the model's (for the scalar tail channels).
   */
  public static void conv8(
      ConvGeometry g, boolean signed, byte[] in, int inOff, int[] w, int[] bias,
      int[] biasInterior, int inOffset, RequantizeVector.Params rq, int[] mult, int[] shift,
      int outZp, int actMin, int actMax, byte[] out, int outOff, int rowFrom, int rowTo) {
    final int depth = g.inC();
    final int block = lanes8();
    final int dp = packedDepth(depth);
    // Packed slots [0, vecEnd) run in vector blocks; channels [scalarFrom, depth) are scalar
    // (all of them below one block, none otherwise).
    final int vecEnd = depth < block ? 0 : dp;
    final int scalarFrom = depth < block ? 0 : depth;
    final short byteMask = (short) (signed ? -1 : 0xff);
    final int[] acc = rowScratch(g.outW() * dp);
    for (int r = rowFrom; r < rowTo; r++) {
      int b = r / g.outH();
      int oy = r % g.outH();
      int iy0 = oy * g.strideH() - g.padH();
      int ky0 = firstTap(iy0, g.dilH(), g.kh());
      int ky1 = endTap(iy0, g.dilH(), g.kh(), g.inH());
      // 3x3 fast path: in rows whose taps are all inside, the columns whose taps are all
      // inside run one filter row at a time, channel-block-outer, with that row's weights
      // and the interior bias held in registers.
      int oxA = 0;
      int oxB = 0;
      if (vecEnd > 0 && g.kh() == 3 && g.kw() == 3 && g.dilH() == 1 && g.dilW() == 1
          && ky0 == 0 && ky1 == 3) {
        oxA = Math.min(g.outW(), (g.padW() + g.strideW() - 1) / g.strideW());
        oxB = Math.max(oxA,
            Math.min(g.outW(), Math.floorDiv(g.inW() - 3 + g.padW(), g.strideW()) + 1));
        int colStep = g.strideW() * depth;
        for (int ky = 0; ky < 3 && oxB > oxA; ky++) {
          int xRow = inOff + ((b * g.inH() + iy0 + ky) * g.inW() + oxA * g.strideW() - g.padW())
              * depth;
          for (int c = 0; c < vecEnd; c += block) {
            interiorRow3(in, xRow + dataChannel(c, depth), colStep, depth, dp, byteMask, w,
                ky * 3 * dp + c, biasInterior, c, ky == 0, acc, oxA * dp + c, oxB - oxA);
          }
        }
      }
      for (int ox = 0; ox < g.outW(); ox++) {
        boolean interior = ox >= oxA && ox < oxB;
        int ix0 = ox * g.strideW() - g.padW();
        int kx0 = firstTap(ix0, g.dilW(), g.kw());
        int kx1 = endTap(ix0, g.dilW(), g.kw(), g.inW());
        int base = inOff + ((b * g.inH() + iy0) * g.inW() + ix0) * depth;
        int a = ox * dp;
        for (int c = 0; c < vecEnd && !interior; c += block) {
          block8(g, in, base + dataChannel(c, depth), byteMask, w, c, dp, bias, inOffset, acc,
              a + c, ky0, ky1, kx0, kx1);
        }
        for (int c = scalarFrom; c < depth; c++) {
          int sum = bias[c];
          for (int ky = ky0; ky < ky1; ky++) {
            for (int kx = kx0; kx < kx1; kx++) {
              int xi = base + (ky * g.dilH() * g.inW() + kx * g.dilW()) * depth + c;
              int x = signed ? in[xi] : in[xi] & 0xff;
              sum += w[(ky * g.kw() + kx) * depth + c] * (x + inOffset);
            }
          }
          acc[a + c] = sum;
        }
      }
      requantizeRow(acc, g.outW(), depth, dp, vecEnd, scalarFrom, rq, mult, shift, outZp,
          actMin, actMax, out, outOff + r * g.outW() * depth);
    }
  }

  /**
   * Filter row {@code ky} (three taps, packed weights at {@code wi}) added to the
   * accumulators of the block at channel {@code c} for {@code count} interior columns; the
   * first filter row starts from the interior bias. {@code xi} indexes the first column's
   * first tap, {@code ai} its accumulators; {@code depth} is the input's pixel stride,
   * {@code dp} the packed weights' tap stride and the accumulators' pixel stride.
   */
  private static void interiorRow3(
      byte[] in, int xi, int colStep, int depth, int dp, short byteMask, int[] w, int wi,
      int[] biasInterior, int c, boolean first, int[] acc, int ai, int count) {
    final int lanes = Species.I.length();
    final IntVector e0 = IntVector.fromArray(Species.I, w, wi);
    final IntVector o0 = IntVector.fromArray(Species.I, w, wi + lanes);
    final IntVector e1 = IntVector.fromArray(Species.I, w, wi + dp);
    final IntVector o1 = IntVector.fromArray(Species.I, w, wi + dp + lanes);
    final IntVector e2 = IntVector.fromArray(Species.I, w, wi + 2 * dp);
    final IntVector o2 = IntVector.fromArray(Species.I, w, wi + 2 * dp + lanes);
    for (int k = 0; k < count; k++, xi += colStep, ai += dp) {
      IntVector se = first
          ? IntVector.fromArray(Species.I, biasInterior, c)
          : IntVector.fromArray(Species.I, acc, ai);
      IntVector so = first
          ? IntVector.fromArray(Species.I, biasInterior, c + lanes)
          : IntVector.fromArray(Species.I, acc, ai + lanes);
      // Pairs: 2L input bytes widened to shorts, as L ints of (even, odd) channel pairs;
      // even = pair << 16 >> 16, odd = pair >> 16 (inlined by hand: no vector crosses a call).
      IntVector p0 = ((ShortVector) ByteVector.fromArray(BH, in, xi).castShape(Species.S, 0))
          .and(byteMask).reinterpretAsInts();
      IntVector p1 =
          ((ShortVector) ByteVector.fromArray(BH, in, xi + depth).castShape(Species.S, 0))
              .and(byteMask).reinterpretAsInts();
      IntVector p2 =
          ((ShortVector) ByteVector.fromArray(BH, in, xi + 2 * depth).castShape(Species.S, 0))
              .and(byteMask).reinterpretAsInts();
      se = se.add(p0.lanewise(LSHL, 16).lanewise(ASHR, 16).mul(e0))
          .add(p1.lanewise(LSHL, 16).lanewise(ASHR, 16).mul(e1))
          .add(p2.lanewise(LSHL, 16).lanewise(ASHR, 16).mul(e2));
      so = so.add(p0.lanewise(ASHR, 16).mul(o0))
          .add(p1.lanewise(ASHR, 16).mul(o1))
          .add(p2.lanewise(ASHR, 16).mul(o2));
      se.intoArray(acc, ai);
      so.intoArray(acc, ai + lanes);
    }
  }

  /**
   * Accumulators of one output pixel's block at packed slot c (input bytes from {@code base}),
   * taps [ky0, ky1) x [kx0, kx1).
   */
  private static void block8(
      ConvGeometry g, byte[] in, int base, short byteMask, int[] w, int c, int dp, int[] bias,
      int inOffset, int[] acc, int a, int ky0, int ky1, int kx0, int kx1) {
    final int depth = g.inC();
    final int lanes = Species.I.length();
    final int rowStep = g.dilH() * g.inW() * depth;
    final int colStep = g.dilW() * depth;
    IntVector se = IntVector.fromArray(Species.I, bias, c);
    IntVector so = IntVector.fromArray(Species.I, bias, c + lanes);
    for (int ky = ky0; ky < ky1; ky++) {
      int xi = base + ky * rowStep + kx0 * colStep;
      int wi = (ky * g.kw() + kx0) * dp + c;
      for (int kx = kx0; kx < kx1; kx++, xi += colStep, wi += dp) {
        IntVector p = ((ShortVector) ByteVector.fromArray(BH, in, xi).castShape(Species.S, 0))
            .and(byteMask).reinterpretAsInts();
        se = se.add(p.lanewise(LSHL, 16).lanewise(ASHR, 16).add(inOffset)
            .mul(IntVector.fromArray(Species.I, w, wi)));
        so = so.add(p.lanewise(ASHR, 16).add(inOffset)
            .mul(IntVector.fromArray(Species.I, w, wi + lanes)));
      }
    }
    se.intoArray(acc, a);
    so.intoArray(acc, a + lanes);
  }

  /** Passes 2 and 3 for a row of {@code width} pixels x {@code dp} accumulators. */
  private static void requantizeRow(
      int[] acc, int width, int depth, int dp, int vecEnd, int scalarFrom,
      RequantizeVector.Params rq, int[] mult, int[] shift, int outZp, int actMin, int actMax,
      byte[] out, int o) {
    final int lanes = Species.I.length();
    final boolean perChannel = mult.length > 1;
    for (int p = 0, a = 0; p < width; p++, a += dp, o += depth) {
      for (int c = 0; c < vecEnd; c += lanes) {
        requantizeInPlace(acc, a + c, rq, c, outZp, actMin, actMax);
      }
      for (int c = 0; c < vecEnd; c += 2 * lanes) {
        interleaveStore(acc, a + c, out, o + dataChannel(c, depth));
      }
      for (int c = scalarFrom; c < depth; c++) {
        int k = perChannel ? c : 0;
        int v = FixedPoint.multiplyByQuantizedMultiplier(acc[a + c], mult[k], shift[k]) + outZp;
        out[o + c] = (byte) Math.min(Math.max(v, actMin), actMax);
      }
    }
  }

  /**
   * {@link RequantizeVector}'s multiply (see its proof) written out here, so that no vector
   * crosses a method call, then zero point and clamp, in place.
   */
  static void requantizeInPlace(
      int[] acc, int a, RequantizeVector.Params rq, int c, int outZp, int actMin, int actMax) {
    IntVector mh = IntVector.fromArray(Species.I, rq.mHigh(), c);
    IntVector ml = IntVector.fromArray(Species.I, rq.mLow(), c);
    IntVector right = IntVector.fromArray(Species.I, rq.right(), c);
    IntVector mask = IntVector.fromArray(Species.I, rq.mask(), c);
    IntVector x = IntVector.fromArray(Species.I, acc, a)
        .lanewise(LSHL, IntVector.fromArray(Species.I, rq.left(), c));
    IntVector xh = x.lanewise(ASHR, 16);
    IntVector xl = x.and(0xffff);
    IntVector b1 = xh.mul(ml);
    IntVector b2 = xl.mul(mh).add(xl.mul(ml).lanewise(LSHR, 16));
    IntVector low = b1.and(0x7fff).add(b2.and(0x7fff)).add(1 << 14).lanewise(ASHR, 15);
    IntVector r = xh.mul(mh).lanewise(LSHL, 1).add(b1.lanewise(ASHR, 15))
        .add(b2.lanewise(ASHR, 15)).add(low);
    IntVector thr = mask.lanewise(ASHR, 1).sub(r.lanewise(ASHR, 31));
    r.lanewise(ASHR, right).add(thr.sub(r.and(mask)).lanewise(LSHR, 31))
        .add(outZp)
        .max(actMin)
        .min(actMax)
        .intoArray(acc, a);
  }

  /** Even and odd halves of a block (values in [-128, 255]) back to channel order as bytes. */
  static void interleaveStore(int[] acc, int a, byte[] out, int o) {
    IntVector e = IntVector.fromArray(Species.I, acc, a);
    IntVector d = IntVector.fromArray(Species.I, acc, a + Species.I.length());
    ShortVector s = d.lanewise(LSHL, 16).or(e.and(0xffff)).reinterpretAsShorts();
    ((ByteVector) s.castShape(BH, 0)).intoArray(out, o);
  }

  /** Packs a [1][kh][kw][C] float filter (already in tap-major order) as is. */
  public static float[] packFloats(float[] w) {
    return w.clone();
  }

  /**
   * float32 depthwise conv, depth multiplier 1, output rows [rowFrom, rowTo). {@code w} is the
   * model's [kh][kw][C] filter. Sums with FMA, so it agrees with the scalar twin to rounding.
   */
  public static void convF32(
      ConvGeometry g, byte[] in, int inOff, float[] w, float[] bias, float actMin, float actMax,
      byte[] out, int outOff, int rowFrom, int rowTo) {
    final int depth = g.inC();
    final int lanes = Species.F.length();
    final int vecEnd = depth - depth % lanes;
    for (int r = rowFrom; r < rowTo; r++) {
      int b = r / g.outH();
      int oy = r % g.outH();
      int iy0 = oy * g.strideH() - g.padH();
      int ky0 = firstTap(iy0, g.dilH(), g.kh());
      int ky1 = endTap(iy0, g.dilH(), g.kh(), g.inH());
      int o = outOff + 4 * r * g.outW() * depth;
      // 3x3 fast path as in conv8: interior columns of interior rows, one filter row at a
      // time, accumulating in the output (bias first, clamp after the third filter row).
      int oxA = 0;
      int oxB = 0;
      if (vecEnd > 0 && g.kh() == 3 && g.kw() == 3 && g.dilH() == 1 && g.dilW() == 1
          && ky0 == 0 && ky1 == 3) {
        oxA = Math.min(g.outW(), (g.padW() + g.strideW() - 1) / g.strideW());
        oxB = Math.max(oxA,
            Math.min(g.outW(), Math.floorDiv(g.inW() - 3 + g.padW(), g.strideW()) + 1));
        int colStep = 4 * g.strideW() * depth;
        for (int ky = 0; ky < 3 && oxB > oxA; ky++) {
          int xRow = inOff + 4 * ((b * g.inH() + iy0 + ky) * g.inW() + oxA * g.strideW()
              - g.padW()) * depth;
          for (int c = 0; c < vecEnd; c += lanes) {
            interiorRow3F32(in, xRow + 4 * c, colStep, 4 * depth, w, ky * 3 * depth + c, bias, c,
                ky, out, o + 4 * (oxA * depth + c), oxB - oxA, actMin, actMax);
          }
        }
      }
      for (int ox = 0; ox < g.outW(); ox++, o += 4 * depth) {
        boolean interior = ox >= oxA && ox < oxB;
        int ix0 = ox * g.strideW() - g.padW();
        int kx0 = firstTap(ix0, g.dilW(), g.kw());
        int kx1 = endTap(ix0, g.dilW(), g.kw(), g.inW());
        int base = (b * g.inH() + iy0) * g.inW() + ix0;
        for (int c = 0; c < vecEnd && !interior; c += lanes) {
          blockF32(g, in, inOff + 4 * (base * depth + c), w, c, bias, actMin, actMax, out,
              o + 4 * c, ky0, ky1, kx0, kx1);
        }
        for (int c = vecEnd; c < depth; c++) {
          float acc = 0f;
          for (int ky = ky0; ky < ky1; ky++) {
            for (int kx = kx0; kx < kx1; kx++) {
              int xi = (base + ky * g.dilH() * g.inW() + kx * g.dilW()) * depth + c;
              acc += w[(ky * g.kw() + kx) * depth + c] * LittleEndian.getFloat(in, inOff + 4 * xi);
            }
          }
          float v = acc + bias[c];
          LittleEndian.setFloat(out, o + 4 * c, Math.min(Math.max(v, actMin), actMax));
        }
      }
    }
  }

  /**
   * Filter row {@code ky} of the 3x3 fast path for channels [c, c + L) of {@code count}
   * interior columns (byte offsets: {@code xi} first tap, {@code oi} first output).
   */
  private static void interiorRow3F32(
      byte[] in, int xi, int colStep, int depthBytes, float[] w, int wi, float[] bias, int c,
      int ky, byte[] out, int oi, int count, float actMin, float actMax) {
    final int depth = depthBytes / 4;
    final FloatVector w0 = FloatVector.fromArray(Species.F, w, wi);
    final FloatVector w1 = FloatVector.fromArray(Species.F, w, wi + depth);
    final FloatVector w2 = FloatVector.fromArray(Species.F, w, wi + 2 * depth);
    final FloatVector b = FloatVector.fromArray(Species.F, bias, c);
    for (int k = 0; k < count; k++, xi += colStep, oi += depthBytes) {
      FloatVector s = ky == 0 ? b : ByteVector.fromArray(Species.B, out, oi).reinterpretAsFloats();
      s = ByteVector.fromArray(Species.B, in, xi).reinterpretAsFloats().fma(w0, s);
      s = ByteVector.fromArray(Species.B, in, xi + depthBytes).reinterpretAsFloats().fma(w1, s);
      s = ByteVector.fromArray(Species.B, in, xi + 2 * depthBytes).reinterpretAsFloats()
          .fma(w2, s);
      if (ky == 2) {
        s = s.max(actMin).min(actMax);
      }
      s.reinterpretAsBytes().intoArray(out, oi);
    }
  }

  private static void blockF32(
      ConvGeometry g, byte[] in, int base, float[] w, int c, float[] bias, float actMin,
      float actMax, byte[] out, int o, int ky0, int ky1, int kx0, int kx1) {
    final int depth = g.inC();
    final int rowStep = 4 * g.dilH() * g.inW() * depth;
    final int colStep = 4 * g.dilW() * depth;
    FloatVector acc = FloatVector.zero(Species.F);
    for (int ky = ky0; ky < ky1; ky++) {
      int xi = base + ky * rowStep + kx0 * colStep;
      int wi = (ky * g.kw() + kx0) * depth + c;
      for (int kx = kx0; kx < kx1; kx++, xi += colStep, wi += depth) {
        FloatVector x = ByteVector.fromArray(Species.B, in, xi).reinterpretAsFloats();
        acc = x.fma(FloatVector.fromArray(Species.F, w, wi), acc);
      }
    }
    acc.add(FloatVector.fromArray(Species.F, bias, c))
        .max(actMin)
        .min(actMax)
        .reinterpretAsBytes()
        .intoArray(out, o);
  }

  static int firstTap(int origin, int dilation, int taps) {
    int k = 0;
    while (k < taps && origin + k * dilation < 0) {
      k++;
    }
    return k;
  }

  static int endTap(int origin, int dilation, int taps, int size) {
    int k = taps;
    while (k > 0 && origin + (k - 1) * dilation >= size) {
      k--;
    }
    return k;
  }
}
