package io.tflited.runtime.kernels.vector;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * DEPTHWISE_CONV_2D for layers with fewer output channels than one vector block
 * ({@link DepthwiseVector#lanes8()} 8-bit channels, {@link DepthwiseVector#lanesF32()}
 * floats), any depth multiplier: the lanes hold several consecutive output pixels instead of
 * more channels. Same arithmetic as the scalar twin {@code kernels.conv.DepthwiseKernels}:
 * 8-bit results are bit-identical; float results too for finite weights (each lane sums
 * {@code w * x} in the twin's tap order with separate multiply and add, then adds the bias;
 * a padding tap adds {@code w * 0 = ±0}, which leaves a sum that started at +0 unchanged).
 *
 * <p>Layout. An output row of depth C is {@code outW * C} contiguous values. A group is
 * P = lcm(C, block) / C consecutive output pixels, i.e. G = lcm(C, block) / block whole
 * vector blocks; block g of a group always holds the same channels, so the weights, bias and
 * requantization parameters are replicated once at prepare into [taps][G * block] lanes.
 * Each thread first copies the input rows it reads into its arena scratch: padded
 * left and right with pixels whose taps contribute exactly nothing (the input zero point for
 * 8-bit, 0 for float); each input channel repeated depth-multiplier times (so the rest is a
 * depth multiplier 1 conv over the output channels); and, for a column stride s > 1,
 * de-interleaved into s phases (padded pixels u = φ, φ + s, φ + 2s, ... stored together,
 * phase after phase). Tap kx of output column ox then reads padded pixel
 * u = ox * s + kx * dilW, i.e. slot {@code start(φ) + floorDiv(kx * dilW, s) + ox} of phase
 * φ = (kx * dilW) mod s: for a fixed tap, consecutive output pixels read consecutive source
 * pixels, one contiguous load.
 *
 * <pre>
 *   output row, C = 8, 8-bit block 32 (512-bit):  | px0 px1 px2 px3 | px4 ... (P = 4, G = 1)
 *   8-bit lanes of a block (as in DepthwiseVector): bytes 0 2 4 .. 30 | 1 3 5 .. 31
 *   source row, pad 1, stride 1:  zp | x0 x1 ... x(inW-1) | zp
 *   source row, pad 0, stride 2:  x0 x2 x4 ... | x1 x3 x5 ...
 * </pre>
 *
 * <p>Groups cover every column, the last one overlapping the one before when outW is not a
 * multiple of P (both write the same values). Filter rows outside the input are skipped as
 * in the twin. 8-bit steps per block: (1) int32 accumulators from the bias table entry for
 * the row's valid filter rows ({@code bias + inputOffset * sum of those rows' (w +
 * weightOffset)}: int32 addition wraps, so folding the input offset in does not change the
 * result, and a zero-point padding pixel then adds {@code zp * w = -inputOffset * w}, exactly
 * cancelling its share of the fold), plus {@code x * (w + weightOffset)} per tap; (2)
 * {@code DepthwiseVector}'s requantization in place; (3) its interleave and store. Separate
 * small methods keep every vector inside one compiled method (see {@code DepthwiseVector}).
 *
 * <p>Overflow: as in {@code DepthwiseVector}, |w + weightOffset| <= 255 and |x| <= 255, one
 * product is below 2^16 and the int32 lanes wrap exactly like TFLite's accumulators.
 */
public final class DepthwiseNarrowVector {
  private final ConvGeometry g;
  private final int elementBytes;
  private final int block;
  /** Values of a group: G * block lanes. */
  private final int groupLanes;
  private final int groupPixels;
  /** Depth multiplier: output channels per input channel. */
  private final int multiplier;
  /** Pixels of a padded source row: padW + inW + right padding. */
  private final int paddedW;
  private final int[] phaseStart;
  /** Byte offset, in a source row, of tap kx's input for output column 0. */
  private final int[] colOffset;

  private DepthwiseNarrowVector(ConvGeometry g, int elementBytes, int block) {
    this.g = g;
    this.elementBytes = elementBytes;
    this.block = block;
    int depth = g.outC();
    int common = depth / gcd(depth, block) * block;
    this.groupLanes = common;
    this.groupPixels = common / depth;
    this.multiplier = depth / g.inC();
    int s = g.strideW();
    this.paddedW = Math.max(g.padW() + g.inW(), (g.outW() - 1) * s + (g.kw() - 1) * g.dilW() + 1);
    this.phaseStart = new int[s];
    for (int phase = 1; phase < s; phase++) {
      int prev = phase - 1;
      phaseStart[phase] = phaseStart[prev] + Math.max(0, (paddedW - prev + s - 1) / s);
    }
    this.colOffset = new int[g.kw()];
    for (int kx = 0; kx < g.kw(); kx++) {
      int u = kx * g.dilW();
      colOffset[kx] = (phaseStart[u % s] + u / s) * depth * elementBytes;
    }
  }

  /**
   * The 8-bit layout for {@code g} (any depth multiplier), or null when the output depth fills
   * a {@link DepthwiseVector} block or the output is narrower than one group of pixels.
   */
  public static DepthwiseNarrowVector forEightBit(ConvGeometry g) {
    return of(g, 1, DepthwiseVector.lanes8());
  }

  /** The float32 layout for {@code g}, or null (as {@link #forEightBit}). */
  public static DepthwiseNarrowVector forFloat(ConvGeometry g) {
    return of(g, 4, DepthwiseVector.lanesF32());
  }

  private static DepthwiseNarrowVector of(ConvGeometry g, int elementBytes, int block) {
    if (g.outC() >= block) {
      return null;
    }
    DepthwiseNarrowVector n = new DepthwiseNarrowVector(g, elementBytes, block);
    return g.outW() >= n.groupPixels ? n : null;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /**
   * Slot {@code slot} of {@code slots} (one per thread, see {@link #slotBytes}) runs output
   * rows [outputRows * slot / slots, outputRows * (slot + 1) / slots).
   */
  private int slotRow(int slot, int slots) {
    return (int) ((long) g.batches() * g.outH() * slot / slots);
  }

  /** First global input row (batch * inH + y) that output row r reads. */
  private int firstInputRow(int r) {
    int iy0 = r % g.outH() * g.strideH() - g.padH();
    return r / g.outH() * g.inH() + Math.max(0, iy0);
  }

  /** One past the last global input row that output row r reads. */
  private int endInputRow(int r) {
    int iyLast = r % g.outH() * g.strideH() - g.padH() + (g.kh() - 1) * g.dilH();
    return r / g.outH() * g.inH() + Math.min(g.inH(), iyLast + 1);
  }

  /**
   * Scratch bytes of one slot: the padded source rows its output rows read. Each slot copies
   * its own rows (rows read by two slots are copied twice), so one parallel pass does it all.
   */
  public long slotBytes(int slots) {
    long most = 0;
    for (int slot = 0; slot < slots; slot++) {
      int r0 = slotRow(slot, slots);
      int r1 = slotRow(slot + 1, slots);
      if (r0 < r1) {
        most = Math.max(most, Math.max(0, endInputRow(r1 - 1) - firstInputRow(r0)));
      }
    }
    return most * paddedW * g.outC() * elementBytes;
  }

  /**
   * 8-bit slot {@code slot} of {@code slots}: copies its source rows into {@code scratch} at
   * {@code slotOff} (padded with {@code zeroPoint}, the input's) and runs its output rows;
   * {@code w} is {@link #packWeights8}, {@code biasTable} {@link #biasTable8}, {@code rq}
   * {@link #packParams8}.
   */
  public void slot8(
      int slot, int slots, boolean signed, byte[] in, int inOff, byte zeroPoint,
      byte[] scratch, int slotOff, int[] w, int[] biasTable, RequantizeVector.Params rq,
      int outZp, int actMin, int actMax, byte[] out, int outOff) {
    int r0 = slotRow(slot, slots);
    int r1 = slotRow(slot + 1, slots);
    if (r0 < r1) {
      int first = firstInputRow(r0);
      copyRows(in, inOff, scratch, slotOff, zeroPoint, first, endInputRow(r1 - 1));
      conv8(signed, scratch, slotOff - first * paddedW * g.outC(), w, biasTable, rq, outZp,
          actMin, actMax, out, outOff, r0, r1);
    }
  }

  /**
   * float32 slot {@code slot} of {@code slots}, as {@link #slot8} (padding 0f); {@code w} is
   * {@link #packWeightsF32}, {@code biasLanes} {@link #packBiasF32}.
   */
  public void slotF32(
      int slot, int slots, byte[] in, int inOff, byte[] scratch, int slotOff, float[] w,
      float[] biasLanes, float actMin, float actMax, byte[] out, int outOff) {
    int r0 = slotRow(slot, slots);
    int r1 = slotRow(slot + 1, slots);
    if (r0 < r1) {
      int first = firstInputRow(r0);
      copyRows(in, inOff, scratch, slotOff, (byte) 0, first, endInputRow(r1 - 1));
      convF32(scratch, slotOff - 4 * first * paddedW * g.outC(), w, biasLanes, actMin, actMax,
          out, outOff, r0, r1);
    }
  }

  /**
   * Copies global input rows [rowFrom, rowTo) into the padded source from {@code dstOff}
   * (class doc); padding pixels get {@code padByte} in every byte.
   */
  private void copyRows(
      byte[] in, int inOff, byte[] dst, int dstOff, byte padByte, int rowFrom, int rowTo) {
    final int pixelBytes = g.outC() * elementBytes;
    final int inPixelBytes = g.inC() * elementBytes;
    final int s = g.strideW();
    for (int r = rowFrom; r < rowTo; r++) {
      int src = inOff + r * g.inW() * inPixelBytes;
      int d = dstOff + (r - rowFrom) * paddedW * pixelBytes;
      if (s == 1 && multiplier == 1) {
        int inside = g.padW() * pixelBytes;
        int end = inside + g.inW() * pixelBytes;
        Arrays.fill(dst, d, d + inside, padByte);
        System.arraycopy(in, src, dst, d + inside, end - inside);
        Arrays.fill(dst, d + end, d + paddedW * pixelBytes, padByte);
        continue;
      }
      for (int phase = 0; phase < s; phase++) {
        // Padded pixels u = phase + j * s: left padding, the input, right padding.
        int o = d + phaseStart[phase] * pixelBytes;
        int u = phase;
        for (; u < paddedW && u < g.padW(); u += s, o += pixelBytes) {
          Arrays.fill(dst, o, o + pixelBytes, padByte);
        }
        int inEnd = Math.min(paddedW, g.padW() + g.inW());
        if (multiplier == 1) {
          for (; u < inEnd; u += s, o += pixelBytes) {
            int from = src + (u - g.padW()) * pixelBytes;
            int i = 0;
            for (; i + 8 <= pixelBytes; i += 8) {
              LittleEndian.setLong(dst, o + i, LittleEndian.getLong(in, from + i));
            }
            for (; i < pixelBytes; i++) {
              dst[o + i] = in[from + i];
            }
          }
        } else {
          for (; u < inEnd; u += s, o += pixelBytes) {
            repeatChannels(in, src + (u - g.padW()) * inPixelBytes, dst, o);
          }
        }
        for (; u < paddedW; u += s, o += pixelBytes) {
          Arrays.fill(dst, o, o + pixelBytes, padByte);
        }
      }
    }
  }

  /** One input pixel with each channel {@link #multiplier} times (channel c reads c / m). */
  private void repeatChannels(byte[] src, int from, byte[] dst, int to) {
    for (int c = 0; c < g.outC(); c++) {
      for (int k = 0; k < elementBytes; k++) {
        dst[to + c * elementBytes + k] = src[from + c / multiplier * elementBytes + k];
      }
    }
  }

  /**
   * Model channel held by group lane {@code s}: in the 8-bit layout a block's even bytes, then its
   * odd bytes (as in DepthwiseVector); in the float layout the values in order.
   */
  private int laneChannel(int s) {
    int k = s % block;
    int half = block / 2;
    int j = elementBytes == 4 ? k : k < half ? 2 * k : 2 * (k - half) + 1;
    return (s - k + j) % g.outC();
  }

  /** For each [tap][lane], the index of its value in a model-order [taps][C] array. */
  private int[] laneSources(int taps) {
    int[] r = new int[taps * groupLanes];
    for (int i = 0; i < r.length; i++) {
      r[i] = i / groupLanes * g.outC() + laneChannel(i % groupLanes);
    }
    return r;
  }

  private int[] lanesOf8(int[] perChannel) {
    int[] from = laneSources(1);
    int[] r = new int[groupLanes];
    for (int s = 0; s < groupLanes; s++) {
      r[s] = perChannel[from[s]];
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

  /** {@link #weightInts} replicated into the 8-bit group lanes, [taps][G * block]. */
  public int[] packWeights8(int[] weightInts) {
    int[] from = laneSources(g.kh() * g.kw());
    int[] p = new int[from.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = weightInts[from[i]];
    }
    return p;
  }

  /**
   * Starting accumulators per range of valid filter rows [ky0, ky1):
   * {@code bias + inputOffset * sum of those rows' (w + weightOffset)}, in the 8-bit group lanes,
   * at {@code (ky0 * (kh + 1) + ky1) * G * block}.
   */
  public int[] biasTable8(int[] weightInts, int[] bias, int inputOffset) {
    int kh = g.kh();
    int kw = g.kw();
    int depth = g.outC();
    int[] table = new int[(kh + 1) * (kh + 1) * groupLanes];
    for (int ky0 = 0; ky0 <= kh; ky0++) {
      for (int ky1 = ky0; ky1 <= kh; ky1++) {
        for (int s = 0; s < groupLanes; s++) {
          int c = laneChannel(s);
          int v = bias[c];
          for (int t = ky0 * kw; t < ky1 * kw; t++) {
            v += inputOffset * weightInts[t * depth + c];
          }
          table[(ky0 * (kh + 1) + ky1) * groupLanes + s] = v;
        }
      }
    }
    return table;
  }

  /** Requantization parameters in the 8-bit group lanes. */
  public RequantizeVector.Params packParams8(int[] mult, int[] shift) {
    RequantizeVector.Params p = RequantizeVector.Params.of(mult, shift, g.outC());
    return new RequantizeVector.Params(lanesOf8(p.mHigh()), lanesOf8(p.mLow()),
        lanesOf8(p.left()), lanesOf8(p.right()), lanesOf8(p.mask()));
  }

  /** {@code ky0 * (kh + 1) + ky1} for output row r: its filter rows [ky0, ky1) inside the input. */
  private int filterRows(int r) {
    int iy0 = r % g.outH() * g.strideH() - g.padH();
    return DepthwiseVector.firstTap(iy0, g.dilH(), g.kh()) * (g.kh() + 1)
        + DepthwiseVector.endTap(iy0, g.dilH(), g.kh(), g.inH());
  }

  /** Source pixel of output row r's filter row 0 at padded column 0 (outside when negative). */
  private int sourcePixel(int r) {
    int iy0 = r % g.outH() * g.strideH() - g.padH();
    return (r / g.outH() * g.inH() + iy0) * paddedW;
  }

  /**
   * 8-bit conv of output rows [rowFrom, rowTo). {@code src} holds the padded source, global
   * input row i at {@code srcOff + i * paddedW * C} (the rows these output rows read).
   */
  private void conv8(
      boolean signed, byte[] src, int srcOff, int[] w, int[] biasTable,
      RequantizeVector.Params rq, int outZp, int actMin, int actMax, byte[] out, int outOff,
      int rowFrom, int rowTo) {
    final int depth = g.outC();
    final int lanes = Species.I.length();
    final short byteMask = (short) (signed ? -1 : 0xff);
    final int rowStep = g.dilH() * paddedW * depth;
    final int[] acc = DepthwiseVector.rowScratch(2 * lanes);
    final int lastGroup = g.outW() - groupPixels;
    for (int r = rowFrom; r < rowTo; r++) {
      int rows = filterRows(r);
      int ky0 = rows / (g.kh() + 1);
      int ky1 = rows % (g.kh() + 1);
      int rowBase = srcOff + sourcePixel(r) * depth;
      int biasAt = rows * groupLanes;
      int o = outOff + r * g.outW() * depth;
      for (int ox = 0; ox < g.outW(); ox += groupPixels) {
        // The last group ends at outW, overlapping the one before (same values).
        int x = Math.min(ox, lastGroup) * depth;
        for (int s = 0; s < groupLanes; s += block, x += block) {
          accumulate8(src, rowBase + x, rowStep, ky0, ky1, byteMask, w, s, biasTable,
              biasAt + s, acc);
          DepthwiseVector.requantizeInPlace(acc, 0, rq, s, outZp, actMin, actMax);
          DepthwiseVector.requantizeInPlace(acc, lanes, rq, s + lanes, outZp, actMin, actMax);
          DepthwiseVector.interleaveStore(acc, 0, out, o + x);
        }
      }
    }
  }

  /**
   * Accumulators of one block (source bytes from {@code xi}, group lanes from {@code s}):
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
      int wi = ky * kw * groupLanes + s;
      for (int kx = 0; kx < kw; kx++, wi += groupLanes) {
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

  /** A [1][kh][kw][C] float filter replicated into the float group lanes, [taps][G * block]. */
  public float[] packWeightsF32(float[] w) {
    return floatSlots(w, g.kh() * g.kw());
  }

  /** The bias replicated into the float group lanes. */
  public float[] packBiasF32(float[] bias) {
    return floatSlots(bias, 1);
  }

  private float[] floatSlots(float[] modelOrder, int taps) {
    int[] from = laneSources(taps);
    float[] p = new float[from.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = modelOrder[from[i]];
    }
    return p;
  }

  /** float32 conv of output rows [rowFrom, rowTo); {@code src} as in {@link #conv8}. */
  private void convF32(
      byte[] src, int srcOff, float[] w, float[] biasLanes, float actMin, float actMax,
      byte[] out, int outOff, int rowFrom, int rowTo) {
    final int depth = g.outC();
    final int rowStep = 4 * g.dilH() * paddedW * depth;
    final int lastGroup = g.outW() - groupPixels;
    for (int r = rowFrom; r < rowTo; r++) {
      int rows = filterRows(r);
      int rowBase = srcOff + 4 * sourcePixel(r) * depth;
      int o = outOff + 4 * r * g.outW() * depth;
      for (int ox = 0; ox < g.outW(); ox += groupPixels) {
        int x = 4 * Math.min(ox, lastGroup) * depth;
        for (int s = 0; s < groupLanes; s += block, x += 4 * block) {
          blockF32(src, rowBase + x, rowStep, rows / (g.kh() + 1), rows % (g.kh() + 1), w, s,
              biasLanes, actMin, actMax, out, o + x);
        }
      }
    }
  }

  /**
   * One float block: filter rows [ky0, ky1), every column, summed as {@code acc + w * x} in
   * the twin's tap order (multiply and add rounded separately, as the twin does), then bias
   * and clamp, stored at {@code o}.
   */
  private void blockF32(
      byte[] src, int xi, int rowStep, int ky0, int ky1, float[] w, int s, float[] biasLanes,
      float actMin, float actMax, byte[] out, int o) {
    final int kw = g.kw();
    final int[] cols = colOffset;
    FloatVector acc = FloatVector.zero(Species.F);
    for (int ky = ky0; ky < ky1; ky++) {
      int row = xi + ky * rowStep;
      int wi = ky * kw * groupLanes + s;
      for (int kx = 0; kx < kw; kx++, wi += groupLanes) {
        FloatVector x =
            ByteVector.fromArray(Species.B, src, row + cols[kx]).reinterpretAsFloats();
        acc = acc.add(FloatVector.fromArray(Species.F, w, wi).mul(x));
      }
    }
    acc.add(FloatVector.fromArray(Species.F, biasLanes, s))
        .max(actMin)
        .min(actMax)
        .reinterpretAsBytes()
        .intoArray(out, o);
  }
}
