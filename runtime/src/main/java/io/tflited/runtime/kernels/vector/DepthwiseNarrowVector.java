package io.tflited.runtime.kernels.vector;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.quant.FixedPoint;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * DEPTHWISE_CONV_2D with depth multiplier 1 for layers with fewer channels than one vector
 * block ({@link DepthwiseVector#lanes8()} 8-bit channels, {@link DepthwiseVector#lanesF32()}
 * floats): the lanes hold several consecutive output pixels instead of more channels. Same
 * arithmetic as the scalar twin {@code kernels.conv.DepthwiseKernels} (only taps inside the
 * input contribute); 8-bit results are bit-identical, and so are float results (each lane
 * sums {@code w * x} in the twin's tap order with separate multiply and add, then adds the
 * bias).
 *
 * <p>Layout. An output row of depth C is {@code outW * C} contiguous values. A group is
 * P = lcm(C, block) / C consecutive output pixels, i.e. G = lcm(C, block) / block whole
 * vector blocks; block g of a group always holds the same channels, so the weights, bias
 * and requantization parameters are replicated once at prepare into [taps][G * block]
 * slots. For stride 1 the inputs one tap sees for P consecutive output pixels are P
 * consecutive input pixels: one contiguous load. For a column stride s > 1 each input row is
 * first de-interleaved into s phases (pixels φ, φ + s, φ + 2s, ... stored together, phase
 * after phase, in an arena scratch the size of the input), after which tap kx of pixel ox
 * reads slot {@code start(φ) + floorDiv(t, s) + ox} of phase φ = floorMod(t, s), with
 * t = kx * dilW - padW: again contiguous in ox.
 *
 * <pre>
 *   output row, C = 8, 8-bit block 32 (512-bit):  | px0 px1 px2 px3 | px4 ... (P = 4, G = 1)
 *   8-bit slots of a block (as in DepthwiseVector): bytes 0 2 4 .. 30 | 1 3 5 .. 31
 *   stride-2 source row:  px0 px2 px4 ... | px1 px3 px5 ...
 * </pre>
 *
 * <p>Groups run over the columns whose taps are all inside the input (rows may still lose
 * taps at the top and bottom: the bias table below covers that); the border columns run the
 * scalar arithmetic here, pixel by pixel. 8-bit steps per block: (1) int32 accumulators from
 * the bias table entry for the row's valid filter rows ({@code bias + inputOffset * sum of
 * those rows' weights}: int32 addition wraps, so folding the input offset in does not change
 * the result), plus {@code x * (w + weightOffset)} per tap; (2) {@code DepthwiseVector}'s
 * requantization in place; (3) its interleave and store. Separate small methods keep every
 * vector inside one compiled method (see {@code DepthwiseVector}).
 *
 * <p>Overflow: as in {@code DepthwiseVector}, |w + weightOffset| <= 255 and |x| <= 255, one
 * product is below 2^16 and the int32 lanes wrap exactly like TFLite's accumulators.
 */
public final class DepthwiseNarrowVector {
  private final ConvGeometry g;
  private final int elementBytes;
  private final int block;
  private final int slots;
  private final int groupPixels;
  private final int interiorFrom;
  private final int interiorTo;
  private final int[] phaseStart;
  /** Byte offset, in a source row, of tap kx's input for output column 0. */
  private final int[] colOffset;

  private DepthwiseNarrowVector(ConvGeometry g, int elementBytes, int block) {
    this.g = g;
    this.elementBytes = elementBytes;
    this.block = block;
    int depth = g.inC();
    int common = depth / gcd(depth, block) * block;
    this.slots = common;
    this.groupPixels = common / depth;
    int s = g.strideW();
    this.interiorFrom = Math.min(g.outW(), (g.padW() + s - 1) / s);
    this.interiorTo = Math.max(interiorFrom, Math.min(g.outW(),
        Math.floorDiv(g.inW() - 1 - (g.kw() - 1) * g.dilW() + g.padW(), s) + 1));
    this.phaseStart = new int[s];
    for (int phase = 1; phase < s; phase++) {
      int prev = phase - 1;
      phaseStart[phase] = phaseStart[prev] + Math.max(0, (g.inW() - prev + s - 1) / s);
    }
    this.colOffset = new int[g.kw()];
    for (int kx = 0; kx < g.kw(); kx++) {
      int t = kx * g.dilW() - g.padW();
      colOffset[kx] = (phaseStart[Math.floorMod(t, s)] + Math.floorDiv(t, s)) * depth
          * elementBytes;
    }
  }

  /**
   * The 8-bit layout for {@code g} (depth multiplier 1), or null when the depth fills a
   * {@link DepthwiseVector} block or no group of pixels fits between the border columns.
   */
  public static DepthwiseNarrowVector forEightBit(ConvGeometry g) {
    return of(g, 1, DepthwiseVector.lanes8());
  }

  /** The float32 layout for {@code g}, or null (as {@link #forEightBit}). */
  public static DepthwiseNarrowVector forFloat(ConvGeometry g) {
    return of(g, 4, DepthwiseVector.lanesF32());
  }

  private static DepthwiseNarrowVector of(ConvGeometry g, int elementBytes, int block) {
    if (g.inC() != g.outC() || g.inC() >= block) {
      return null;
    }
    DepthwiseNarrowVector n = new DepthwiseNarrowVector(g, elementBytes, block);
    return n.interiorTo - n.interiorFrom >= n.groupPixels ? n : null;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** Whether the input is read through a de-interleaved copy (column stride above 1). */
  public boolean deinterleaved() {
    return g.strideW() > 1;
  }

  /** Bytes of the de-interleaved copy of the input (0 for column stride 1). */
  public long sourceBytes() {
    return deinterleaved()
        ? (long) g.batches() * g.inH() * g.inW() * g.inC() * elementBytes
        : 0;
  }

  /** Input rows (batches * inH), the range {@link #deinterleave} splits. */
  public int inputRows() {
    return g.batches() * g.inH();
  }

  /** Output rows (batches * outH), the range the conv methods split. */
  public int outputRows() {
    return g.batches() * g.outH();
  }

  /** Copies input rows [rowFrom, rowTo) into {@code dst}, phase after phase (class doc). */
  public void deinterleave(byte[] in, int inOff, byte[] dst, int dstOff, int rowFrom, int rowTo) {
    final int pixelBytes = g.inC() * elementBytes;
    final int rowBytes = g.inW() * pixelBytes;
    final int s = g.strideW();
    for (int r = rowFrom; r < rowTo; r++) {
      int src = inOff + r * rowBytes;
      int d = dstOff + r * rowBytes;
      for (int phase = 0; phase < s; phase++) {
        int o = d + phaseStart[phase] * pixelBytes;
        for (int ix = phase; ix < g.inW(); ix += s, o += pixelBytes) {
          copyPixel(in, src + ix * pixelBytes, dst, o, pixelBytes);
        }
      }
    }
  }

  private static void copyPixel(byte[] src, int from, byte[] dst, int to, int bytes) {
    int i = 0;
    for (; i + 8 <= bytes; i += 8) {
      LittleEndian.setLong(dst, to + i, LittleEndian.getLong(src, from + i));
    }
    for (; i < bytes; i++) {
      dst[to + i] = src[from + i];
    }
  }

  /** Model channel of 8-bit slot {@code s}: a block's even bytes, then its odd bytes. */
  private int channel8(int s) {
    int b = s / block;
    int k = s % block;
    int half = block / 2;
    int j = k < half ? 2 * k : 2 * (k - half) + 1;
    return (b * block + j) % g.inC();
  }

  private int[] slotsOf8(int[] perChannel) {
    int[] r = new int[slots];
    for (int s = 0; s < slots; s++) {
      r[s] = perChannel[channel8(s)];
    }
    return r;
  }

  /** A [1][kh][kw][C] 8-bit filter as int (w + weightOffset) in model order, [taps][C]. */
  public static int[] weightInts(byte[] w, boolean signed, int weightOffset) {
    int[] r = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      r[i] = (signed ? w[i] : w[i] & 0xff) + weightOffset;
    }
    return r;
  }

  /** {@link #weightInts} replicated into the 8-bit slots, [taps][slots]. */
  public int[] packWeights8(int[] weightInts) {
    int depth = g.inC();
    int taps = g.kh() * g.kw();
    int[] p = new int[taps * slots];
    for (int t = 0; t < taps; t++) {
      for (int s = 0; s < slots; s++) {
        p[t * slots + s] = weightInts[t * depth + channel8(s)];
      }
    }
    return p;
  }

  /**
   * Starting accumulators per range of valid filter rows [ky0, ky1):
   * {@code bias + inputOffset * sum of those rows' (w + weightOffset)}, in the 8-bit slots,
   * at {@code (ky0 * (kh + 1) + ky1) * slots}.
   */
  public int[] biasTable8(int[] weightInts, int[] bias, int inputOffset) {
    int kh = g.kh();
    int kw = g.kw();
    int depth = g.inC();
    int[] table = new int[(kh + 1) * (kh + 1) * slots];
    for (int ky0 = 0; ky0 <= kh; ky0++) {
      for (int ky1 = ky0; ky1 <= kh; ky1++) {
        for (int s = 0; s < slots; s++) {
          int c = channel8(s);
          int v = bias[c];
          for (int t = ky0 * kw; t < ky1 * kw; t++) {
            v += inputOffset * weightInts[t * depth + c];
          }
          table[(ky0 * (kh + 1) + ky1) * slots + s] = v;
        }
      }
    }
    return table;
  }

  /** Requantization parameters in the 8-bit slots. */
  public RequantizeVector.Params packParams8(int[] mult, int[] shift) {
    RequantizeVector.Params p = RequantizeVector.Params.of(mult, shift, g.inC());
    return new RequantizeVector.Params(slotsOf8(p.mHigh()), slotsOf8(p.mLow()),
        slotsOf8(p.left()), slotsOf8(p.right()), slotsOf8(p.mask()));
  }

  /**
   * 8-bit conv of output rows [rowFrom, rowTo). {@code src} is the input, or for column
   * stride > 1 its {@link #deinterleave}d copy; {@code w} is {@link #packWeights8},
   * {@code biasTable} {@link #biasTable8}, {@code rq} {@link #packParams8};
   * {@code weightInts}, {@code bias}, {@code mult} and {@code shift} are in model order for the
   * border columns.
   */
  public void conv8(
      boolean signed, byte[] in, int inOff, byte[] src, int srcOff, int[] w, int[] biasTable,
      RequantizeVector.Params rq, int[] weightInts, int[] bias, int inputOffset, int[] mult,
      int[] shift, int outZp, int actMin, int actMax, byte[] out, int outOff, int rowFrom,
      int rowTo) {
    final int depth = g.inC();
    final int lanes = Species.I.length();
    final short byteMask = (short) (signed ? -1 : 0xff);
    final int rowStep = g.dilH() * g.inW() * depth;
    final int[] acc = DepthwiseVector.rowScratch(2 * lanes);
    for (int r = rowFrom; r < rowTo; r++) {
      int b = r / g.outH();
      int iy0 = r % g.outH() * g.strideH() - g.padH();
      int ky0 = DepthwiseVector.firstTap(iy0, g.dilH(), g.kh());
      int ky1 = DepthwiseVector.endTap(iy0, g.dilH(), g.kh(), g.inH());
      int rowBase = srcOff + (b * g.inH() + iy0) * g.inW() * depth;
      int biasAt = (ky0 * (g.kh() + 1) + ky1) * slots;
      int o = outOff + r * g.outW() * depth;
      int ox = 0;
      for (; ox < interiorFrom; ox++) {
        pixel8(signed, in, inOff, b, iy0, ky0, ky1, ox, weightInts, bias, inputOffset, mult,
            shift, outZp, actMin, actMax, out, o + ox * depth);
      }
      for (; ox + groupPixels <= interiorTo; ox += groupPixels) {
        for (int s = 0; s < slots; s += block) {
          int x = ox * depth + s;
          accumulate8(src, rowBase + x, rowStep, ky0, ky1, byteMask, w, s, biasTable,
              biasAt + s, acc);
          DepthwiseVector.requantizeInPlace(acc, 0, rq, s, outZp, actMin, actMax);
          DepthwiseVector.requantizeInPlace(acc, lanes, rq, s + lanes, outZp, actMin, actMax);
          DepthwiseVector.interleaveStore(acc, 0, out, o + x);
        }
      }
      for (; ox < g.outW(); ox++) {
        pixel8(signed, in, inOff, b, iy0, ky0, ky1, ox, weightInts, bias, inputOffset, mult,
            shift, outZp, actMin, actMax, out, o + ox * depth);
      }
    }
  }

  /**
   * Accumulators of one block (source bytes from {@code xi}, packed slots from {@code s}):
   * filter rows [ky0, ky1), every column, into acc[0, 2L) as even and odd halves.
   */
  private void accumulate8(
      byte[] src, int xi, int rowStep, int ky0, int ky1, short byteMask, int[] w, int s,
      int[] biasTable, int biasAt, int[] acc) {
    final int lanes = Species.I.length();
    final int kw = g.kw();
    final int[] cols = colOffset;
    IntVector se = IntVector.fromArray(Species.I, biasTable, biasAt);
    IntVector so = IntVector.fromArray(Species.I, biasTable, biasAt + lanes);
    for (int ky = ky0; ky < ky1; ky++) {
      int row = xi + ky * rowStep;
      int wi = ky * kw * slots + s;
      for (int kx = 0; kx < kw; kx++, wi += slots) {
        // Pairs: 2L input bytes widened to shorts, as L ints of (even, odd) byte pairs;
        // even = pair << 16 >> 16, odd = pair >> 16.
        IntVector p = ((ShortVector) ByteVector.fromArray(DepthwiseVector.BH, src,
            row + cols[kx]).castShape(Species.S, 0)).and(byteMask).reinterpretAsInts();
        se = se.add(p.lanewise(LSHL, 16).lanewise(ASHR, 16)
            .mul(IntVector.fromArray(Species.I, w, wi)));
        so = so.add(p.lanewise(ASHR, 16).mul(IntVector.fromArray(Species.I, w, wi + lanes)));
      }
    }
    se.intoArray(acc, 0);
    so.intoArray(acc, lanes);
  }

  /** All channels of border pixel {@code ox}, the scalar twin's arithmetic. */
  private void pixel8(
      boolean signed, byte[] in, int inOff, int b, int iy0, int ky0, int ky1, int ox,
      int[] weightInts, int[] bias, int inputOffset, int[] mult, int[] shift, int outZp,
      int actMin, int actMax, byte[] out, int o) {
    final int depth = g.inC();
    int ix0 = ox * g.strideW() - g.padW();
    int kx0 = DepthwiseVector.firstTap(ix0, g.dilW(), g.kw());
    int kx1 = DepthwiseVector.endTap(ix0, g.dilW(), g.kw(), g.inW());
    for (int c = 0; c < depth; c++) {
      int sum = bias[c];
      for (int ky = ky0; ky < ky1; ky++) {
        int rowBase = inOff + (b * g.inH() + iy0 + ky * g.dilH()) * g.inW() * depth + c;
        for (int kx = kx0; kx < kx1; kx++) {
          int xi = rowBase + (ix0 + kx * g.dilW()) * depth;
          int x = signed ? in[xi] : in[xi] & 0xff;
          sum += weightInts[(ky * g.kw() + kx) * depth + c] * (x + inputOffset);
        }
      }
      int k = mult.length > 1 ? c : 0;
      int v = FixedPoint.multiplyByQuantizedMultiplier(sum, mult[k], shift[k]) + outZp;
      out[o + c] = (byte) Math.min(Math.max(v, actMin), actMax);
    }
  }

  /** A [1][kh][kw][C] float filter replicated into the float slots, [taps][slots]. */
  public float[] packWeightsF32(float[] w) {
    int depth = g.inC();
    int taps = g.kh() * g.kw();
    float[] p = new float[taps * slots];
    for (int t = 0; t < taps; t++) {
      for (int s = 0; s < slots; s++) {
        p[t * slots + s] = w[t * depth + s % depth];
      }
    }
    return p;
  }

  /** The bias replicated into the float slots. */
  public float[] packBiasF32(float[] bias) {
    float[] p = new float[slots];
    for (int s = 0; s < slots; s++) {
      p[s] = bias[s % g.inC()];
    }
    return p;
  }

  /**
   * float32 conv of output rows [rowFrom, rowTo); {@code src} as in {@link #conv8}, {@code w}
   * {@link #packWeightsF32}, {@code biasSlots} {@link #packBiasF32}; {@code wModel} and
   * {@code bias} are the model's [kh][kw][C] filter and bias for the border columns.
   */
  public void convF32(
      byte[] in, int inOff, byte[] src, int srcOff, float[] w, float[] biasSlots,
      float[] wModel, float[] bias, float actMin, float actMax, byte[] out, int outOff,
      int rowFrom, int rowTo) {
    final int depth = g.inC();
    final int rowStep = 4 * g.dilH() * g.inW() * depth;
    for (int r = rowFrom; r < rowTo; r++) {
      int b = r / g.outH();
      int iy0 = r % g.outH() * g.strideH() - g.padH();
      int ky0 = DepthwiseVector.firstTap(iy0, g.dilH(), g.kh());
      int ky1 = DepthwiseVector.endTap(iy0, g.dilH(), g.kh(), g.inH());
      int rowBase = srcOff + 4 * (b * g.inH() + iy0) * g.inW() * depth;
      int o = outOff + 4 * r * g.outW() * depth;
      int ox = 0;
      for (; ox < interiorFrom; ox++) {
        pixelF32(in, inOff, b, iy0, ky0, ky1, ox, wModel, bias, actMin, actMax, out,
            o + 4 * ox * depth);
      }
      for (; ox + groupPixels <= interiorTo; ox += groupPixels) {
        for (int s = 0; s < slots; s += block) {
          int x = 4 * (ox * depth + s);
          blockF32(src, rowBase + x, rowStep, ky0, ky1, w, s, biasSlots, actMin, actMax, out,
              o + x);
        }
      }
      for (; ox < g.outW(); ox++) {
        pixelF32(in, inOff, b, iy0, ky0, ky1, ox, wModel, bias, actMin, actMax, out,
            o + 4 * ox * depth);
      }
    }
  }

  /**
   * One float block: filter rows [ky0, ky1), every column, summed as {@code acc + w * x} in
   * the twin's tap order (multiply and add rounded separately, as the twin does), then bias
   * and clamp, stored at {@code o}.
   */
  private void blockF32(
      byte[] src, int xi, int rowStep, int ky0, int ky1, float[] w, int s, float[] biasSlots,
      float actMin, float actMax, byte[] out, int o) {
    final int kw = g.kw();
    final int[] cols = colOffset;
    FloatVector acc = FloatVector.zero(Species.F);
    for (int ky = ky0; ky < ky1; ky++) {
      int row = xi + ky * rowStep;
      int wi = ky * kw * slots + s;
      for (int kx = 0; kx < kw; kx++, wi += slots) {
        FloatVector x =
            ByteVector.fromArray(Species.B, src, row + cols[kx]).reinterpretAsFloats();
        acc = acc.add(FloatVector.fromArray(Species.F, w, wi).mul(x));
      }
    }
    acc.add(FloatVector.fromArray(Species.F, biasSlots, s))
        .max(actMin)
        .min(actMax)
        .reinterpretAsBytes()
        .intoArray(out, o);
  }

  /** All channels of border pixel {@code ox}, the scalar twin's arithmetic. */
  private void pixelF32(
      byte[] in, int inOff, int b, int iy0, int ky0, int ky1, int ox, float[] wModel,
      float[] bias, float actMin, float actMax, byte[] out, int o) {
    final int depth = g.inC();
    int ix0 = ox * g.strideW() - g.padW();
    int kx0 = DepthwiseVector.firstTap(ix0, g.dilW(), g.kw());
    int kx1 = DepthwiseVector.endTap(ix0, g.dilW(), g.kw(), g.inW());
    for (int c = 0; c < depth; c++) {
      float acc = 0f;
      for (int ky = ky0; ky < ky1; ky++) {
        int rowBase = (b * g.inH() + iy0 + ky * g.dilH()) * g.inW();
        for (int kx = kx0; kx < kx1; kx++) {
          int xi = (rowBase + ix0 + kx * g.dilW()) * depth + c;
          acc += wModel[(ky * g.kw() + kx) * depth + c] * LittleEndian.getFloat(in, inOff + 4 * xi);
        }
      }
      float v = acc + bias[c];
      LittleEndian.setFloat(out, o + 4 * c, Math.min(Math.max(v, actMin), actMax));
    }
  }
}
