package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.quant.FixedPoint;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * DEPTHWISE_CONV_2D with depth multiplier 1 over NHWC tensors, channels in the vector lanes
 * (TFLite's optimized depthwise layout). Same arithmetic as the scalar twin
 * {@code kernels.conv.DepthwiseKernels}: only taps inside the input contribute (TFLite's
 * reference kernels skip the others), any filter size, stride, dilation and padding.
 *
 * <pre>
 *   input  [b][y][x][c]   one load = 2*L consecutive channels of one pixel
 *   filter [ky][kx][c]    packed once as int (w + weightOffset), tap-major
 *   out    [b][oy][ox][c] requantized in lanes (RequantizeVector), narrowed, stored
 * </pre>
 *
 * <p>Overflow: |w + weightOffset| <= 255 and |x + inputOffset| <= 255, so one product is at
 * most 65025 and an int32 lane holds the sum of 33025 taps; TFLite accumulates in int32
 * with the same wrap, so even larger filters agree. Channels past the last whole block of
 * 2*L (L = int lanes) go through the scalar arithmetic, as do float channels past the last
 * block of L. Work is split by output rows ({@code rowFrom..rowTo} over batches*outH).
 */
public final class DepthwiseVector {
  private DepthwiseVector() {}

  /** 2*L bytes: the input bytes of one block of two int vectors. */
  private static final VectorSpecies<Byte> BH =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Species.BITS / 2));

  /**
   * L bytes, widened to one int vector with a same-lane-count cast (the form C2 intrinsifies
   * everywhere); a 32-bit byte vector does not exist, so at 128 bits {@link #BH} is used with
   * two-part conversions instead.
   */
  private static final boolean ONE_BLOCK = Species.BITS >= 256;

  private static final VectorSpecies<Byte> BQ =
      ONE_BLOCK ? VectorSpecies.of(byte.class, VectorShape.forBitSize(Species.BITS / 4)) : BH;

  /** Channels handled by one vector block in the 8-bit kernel. */
  public static int lanes8() {
    return ONE_BLOCK ? Species.I.length() : 2 * Species.I.length();
  }

  /** Packs a [1][kh][kw][C] 8-bit filter as int (w + weightOffset), same layout. */
  public static int[] packInts(byte[] w, boolean signed, int weightOffset) {
    int[] p = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      p[i] = (signed ? w[i] : w[i] & 0xff) + weightOffset;
    }
    return p;
  }

  /**
   * Per-thread int32 row of accumulators (pass 1 writes it, pass 2 requantizes it). Worker
   * threads are fixed, so after the first inference this allocates nothing.
   */
  private static final ThreadLocal<int[][]> ROW = ThreadLocal.withInitial(() -> new int[1][0]);

  private static int[] rowScratch(int n) {
    int[][] holder = ROW.get();
    if (holder[0].length < n) {
      holder[0] = new int[n];
    }
    return holder[0];
  }

  /**
   * 8-bit depthwise conv, depth multiplier 1, output rows [rowFrom, rowTo) of batches*outH.
   * {@code w} is {@link #packInts}, {@code biasInterior} is {@link #interiorBias}; {@code rq}
   * has one entry per channel. Two passes per
   * output row keep each compiled method under C2's inlining node budget (one method doing
   * nine widening taps and the requantization stops inlining and boxes its vectors):
   *
   * <ol>
   *   <li>int32 accumulators (bias included) of the whole row into a per-thread row buffer;
   *   <li>requantize, add the output zero point, clamp, narrow and store.
   * </ol>
   */
  public static void conv8(
      ConvGeometry g, boolean signed, byte[] in, int inOff, int[] w, int[] bias,
      int[] biasInterior, int inOffset, RequantizeVector.Params rq, int[] mult, int[] shift,
      int outZp, int actMin, int actMax, byte[] out, int outOff, int rowFrom, int rowTo) {
    final int depth = g.inC();
    final int block = lanes8();
    final int vecEnd = depth - depth % block;
    final int[] acc = rowScratch(g.outW() * depth);
    for (int r = rowFrom; r < rowTo; r++) {
      int b = r / g.outH();
      int oy = r % g.outH();
      int iy0 = oy * g.strideH() - g.padH();
      int ky0 = firstTap(iy0, g.dilH(), g.kh());
      int ky1 = endTap(iy0, g.dilH(), g.kh(), g.inH());
      // 3x3 fast path: in rows whose taps are all inside, the columns whose taps are all
      // inside run one filter row at a time, channel-block-outer, its three weight vectors
      // and the bias held in registers (needs L-byte loads, so 256 bits and wider).
      int oxA = 0;
      int oxB = 0;
      if (ONE_BLOCK && vecEnd > 0 && g.kh() == 3 && g.kw() == 3 && g.dilH() == 1 && g.dilW() == 1
          && ky0 == 0 && ky1 == 3) {
        oxA = Math.min(g.outW(), (g.padW() + g.strideW() - 1) / g.strideW());
        oxB = Math.max(oxA,
            Math.min(g.outW(), Math.floorDiv(g.inW() - 3 + g.padW(), g.strideW()) + 1));
        int mask = signed ? -1 : 0xff;
        int colStep = g.strideW() * depth;
        for (int ky = 0; ky < 3 && oxB > oxA; ky++) {
          int xRow = inOff + ((b * g.inH() + iy0 + ky) * g.inW() + oxA * g.strideW() - g.padW())
              * depth;
          for (int c = 0; c < vecEnd; c += Species.I.length()) {
            interiorRow3(in, xRow + c, colStep, depth, mask, w, ky * 3 * depth + c,
                biasInterior, c, ky == 0, acc, oxA * depth + c, oxB - oxA);
          }
        }
      }
      for (int ox = 0; ox < g.outW(); ox++) {
        boolean interior = ox >= oxA && ox < oxB;
        int ix0 = ox * g.strideW() - g.padW();
        int kx0 = firstTap(ix0, g.dilW(), g.kw());
        int kx1 = endTap(ix0, g.dilW(), g.kw(), g.inW());
        int base = inOff + ((b * g.inH() + iy0) * g.inW() + ix0) * depth;
        int a = ox * depth;
        for (int c = 0; c < vecEnd && !interior; c += block) {
          if (ONE_BLOCK) {
            block8x1(g, signed, in, base + c, w, c, bias, inOffset, acc, a + c, ky0, ky1, kx0,
                kx1);
          } else {
            block8x2(g, signed, in, base + c, w, c, bias, inOffset, acc, a + c, ky0, ky1, kx0,
                kx1);
          }
        }
        for (int c = vecEnd; c < depth; c++) {
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
      requantizeRow(acc, g.outW(), depth, vecEnd, rq, mult, shift, outZp, actMin, actMax, out,
          outOff + r * g.outW() * depth);
    }
  }

  /**
   * Adds filter row {@code ky} (three taps, weights at {@code wi}) to the accumulators of
   * channels [c, c + L) of {@code count} interior output columns; the first row starts from
   * {@code biasInterior} (bias + inputOffset * sum of the channel's weights: interior windows
   * see every tap, and int32 addition wraps, so the order of the terms does not matter).
   * {@code xi} indexes the first column's first tap, {@code ai} its accumulator.
   */
  private static void interiorRow3(
      byte[] in, int xi, int colStep, int depth, int mask, int[] w, int wi, int[] biasInterior,
      int c, boolean first, int[] acc, int ai, int count) {
    final IntVector w0 = IntVector.fromArray(Species.I, w, wi);
    final IntVector w1 = IntVector.fromArray(Species.I, w, wi + depth);
    final IntVector w2 = IntVector.fromArray(Species.I, w, wi + 2 * depth);
    final IntVector b = IntVector.fromArray(Species.I, biasInterior, c);
    for (int k = 0; k < count; k++, xi += colStep, ai += depth) {
      IntVector s = first ? b : IntVector.fromArray(Species.I, acc, ai);
      s = s.add(load8(in, xi, mask).mul(w0));
      s = s.add(load8(in, xi + depth, mask).mul(w1));
      s = s.add(load8(in, xi + 2 * depth, mask).mul(w2));
      s.intoArray(acc, ai);
    }
  }

  /** bias[c] + inputOffset * sum over taps of w[tap][c] (see {@link #interiorRow3}). */
  public static int[] interiorBias(int[] w, int[] bias, int inputOffset) {
    int depth = bias.length;
    int[] r = bias.clone();
    for (int i = 0; i < w.length; i++) {
      r[i % depth] += inputOffset * w[i];
    }
    return r;
  }

  /** L input bytes widened to int lanes ({@code mask} 0xff zero-extends uint8). */
  private static IntVector load8(byte[] in, int i, int mask) {
    return ((IntVector) ByteVector.fromArray(BQ, in, i).castShape(Species.I, 0)).and(mask);
  }

  /** Accumulators of one output pixel, channels [c, c + L), taps [ky0, ky1) x [kx0, kx1). */
  private static void block8x1(
      ConvGeometry g, boolean signed, byte[] in, int base, int[] w, int c, int[] bias,
      int inOffset, int[] acc, int a, int ky0, int ky1, int kx0, int kx1) {
    final int depth = g.inC();
    final int rowStep = g.dilH() * g.inW() * depth;
    final int colStep = g.dilW() * depth;
    final int mask = signed ? -1 : 0xff;
    IntVector s = IntVector.fromArray(Species.I, bias, c);
    for (int ky = ky0; ky < ky1; ky++) {
      int xi = base + ky * rowStep + kx0 * colStep;
      int wi = (ky * g.kw() + kx0) * depth + c;
      for (int kx = kx0; kx < kx1; kx++, xi += colStep, wi += depth) {
        s = s.add(load8(in, xi, mask).add(inOffset).mul(IntVector.fromArray(Species.I, w, wi)));
      }
    }
    s.intoArray(acc, a);
  }

  /** As {@link #block8x1} for 2L channels from one 2L-byte load (128-bit vectors). */
  private static void block8x2(
      ConvGeometry g, boolean signed, byte[] in, int base, int[] w, int c, int[] bias,
      int inOffset, int[] acc, int a, int ky0, int ky1, int kx0, int kx1) {
    final int depth = g.inC();
    final int lanes = Species.I.length();
    final int rowStep = g.dilH() * g.inW() * depth;
    final int colStep = g.dilW() * depth;
    final int mask = signed ? -1 : 0xff;
    IntVector s0 = IntVector.fromArray(Species.I, bias, c);
    IntVector s1 = IntVector.fromArray(Species.I, bias, c + lanes);
    for (int ky = ky0; ky < ky1; ky++) {
      int xi = base + ky * rowStep + kx0 * colStep;
      int wi = (ky * g.kw() + kx0) * depth + c;
      for (int kx = kx0; kx < kx1; kx++, xi += colStep, wi += depth) {
        ByteVector xb = ByteVector.fromArray(BH, in, xi);
        IntVector x0 = ((IntVector) xb.convertShape(VectorOperators.B2I, Species.I, 0)).and(mask);
        IntVector x1 = ((IntVector) xb.convertShape(VectorOperators.B2I, Species.I, 1)).and(mask);
        s0 = s0.add(x0.add(inOffset).mul(IntVector.fromArray(Species.I, w, wi)));
        s1 = s1.add(x1.add(inOffset).mul(IntVector.fromArray(Species.I, w, wi + lanes)));
      }
    }
    s0.intoArray(acc, a);
    s1.intoArray(acc, a + lanes);
  }

  /** Pass 2: requantizes a row of {@code width} pixels x {@code depth} accumulators. */
  private static void requantizeRow(
      int[] acc, int width, int depth, int vecEnd, RequantizeVector.Params rq, int[] mult,
      int[] shift, int outZp, int actMin, int actMax, byte[] out, int o) {
    final int lanes = Species.I.length();
    final boolean perChannel = mult.length > 1;
    for (int p = 0, a = 0; p < width; p++, a += depth) {
      int c = 0;
      for (; c + lanes <= vecEnd; c += lanes) {
        requantizeBlock(acc, a + c, rq, c, outZp, actMin, actMax, out, o + a + c);
      }
      for (; c < depth; c++) {
        int k = perChannel ? c : 0;
        int v = FixedPoint.multiplyByQuantizedMultiplier(acc[a + c], mult[k], shift[k]) + outZp;
        out[o + a + c] = (byte) Math.min(Math.max(v, actMin), actMax);
      }
    }
  }

  /** Requantizes L accumulators of channels [c, c + L) and stores them as bytes. */
  private static void requantizeBlock(
      int[] acc, int a, RequantizeVector.Params rq, int c, int outZp, int actMin, int actMax,
      byte[] out, int o) {
    IntVector v = RequantizeVector.multiply(
            IntVector.fromArray(Species.I, acc, a),
            IntVector.fromArray(Species.I, rq.mHigh(), c),
            IntVector.fromArray(Species.I, rq.mLow(), c),
            IntVector.fromArray(Species.I, rq.left(), c),
            IntVector.fromArray(Species.I, rq.right(), c),
            IntVector.fromArray(Species.I, rq.mask(), c))
        .add(outZp)
        .max(actMin)
        .min(actMax);
    if (ONE_BLOCK) {
      ((ByteVector) v.castShape(BQ, 0)).intoArray(out, o);
    } else {
      // No L-byte species at 128 bits: narrow into the low lanes of a 2L-byte vector and
      // store them one by one.
      ByteVector n = (ByteVector) v.convertShape(VectorOperators.I2B, BH, 0);
      for (int i = 0; i < Species.I.length(); i++) {
        out[o + i] = n.lane(i);
      }
    }
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

  private static int firstTap(int origin, int dilation, int taps) {
    int k = 0;
    while (k < taps && origin + k * dilation < 0) {
      k++;
    }
    return k;
  }

  private static int endTap(int origin, int dilation, int taps, int size) {
    int k = taps;
    while (k > 0 && origin + (k - 1) * dilation >= size) {
      k--;
    }
    return k;
  }
}
