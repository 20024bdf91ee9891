package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.exec.RangeTask;
import io.tflited.runtime.kernels.HybridQuantizer;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.fc.FcKernels;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Hybrid (dynamic-range) CONV_2D and FULLY_CONNECTED: float32 activations quantized to int8 on
 * the fly, int8 constant weights, float32 output. Bit-identical to the scalar twins
 * ({@code ConvKernels.convHybrid}, {@code FcKernels.hybridRow} with {@link HybridQuantizer}).
 *
 * <p>Steps per run:
 *
 * <ol>
 *   <li>quantize each group (conv: one batch image; FC: one batch row) as TFLite's
 *       SymmetricQuantizeFloats / AsymmetricQuantizeFloats do: the min/max scan and the rounding
 *       in vector form, the scale and zero point from the same scalar code as the twin. The
 *       quantized values are written as floats {@code q - zeroPoint} into an image in scratch,
 *       with the group's float scale ({@code inputScale}, times the weights' tensor scale when
 *       per tensor);
 *   <li>GEMM on the {@link GemmVector} int micro-kernels: A = that image (1x1 conv and FC use it
 *       in place; other convs pack MR-pixel panels from it, padding taps 0), B = the weights
 *       packed once at prepare as float column tiles; a single row (the one-batch FC, a GEMV)
 *       runs {@link GemvVector}'s int16 pair kernel on int8 tiles instead, its input the
 *       row's q as shorts;
 *   <li>epilogue per output: {@code clamp((float) acc * scale + bias)} with {@code scale =
 *       channelScale[c] * groupScale} (per channel) or {@code groupScale}, the operations and
 *       their order of the scalar twins.
 * </ol>
 *
 * <p><b>Exactness.</b> The scalar conv computes {@code sum w*q} over the valid taps minus {@code
 * zeroPoint * sum w} over the same taps, the scalar FC {@code dot(w, q) - zeroPoint * rowSum}:
 * both equal {@code sum w * (q - zeroPoint)} in int32 (wrapping arithmetic is a ring). Here
 * {@code |q - zeroPoint| <= 127} (symmetric: q in [-127, 127], zero point 0) or {@code <= 255}
 * (asymmetric: both in [-128, 127]) and {@code |w| <= 128}; GemmVector sums blocks of {@link
 * GemmVector#exactBlock} products exactly in f32 and adds the blocks in int32, so the
 * accumulator equals the twin's bit for bit. The GEMV sums {@code q * w} exactly in int32
 * (q, w in [-128, 127], the range {@link GemvVector} takes) and subtracts {@code zeroPoint *
 * sum w}, the scalar FC's own formula. The epilogue then performs the same float
 * operations on the same values (int to float conversion rounds to nearest in both).
 */
public final class HybridGemmVector implements RangeTask {
  private static final VectorSpecies<Byte> B = Species.B;
  private static final VectorSpecies<Float> F = Species.F;
  private static final int MR = GemmVector.MR;
  private static final int NR = GemmVector.NR;
  private static final int L = GemmVector.L;

  private final ConvGeometry g;
  private final int m;
  private final int k;
  private final int n;
  private final int tiles;
  /** Weights as float column tiles (GemmVector.packB), or null for a GEMV. */
  private final float[] packedB;
  /**
   * For a single row (FULLY_CONNECTED with one batch, a GEMV): the weights as {@link
   * GemvVector}'s int8 pair tiles, whose int16 kernel takes the row's quantized values as
   * shorts. A quarter of the float tiles' bytes (a GEMV reads every weight once, and the int8
   * tiles of a whole FC stack stay in L2 where float tiles spill: ToyCar, 1 MB of floats), and
   * no per-weight conversion to float.
   */
  private final byte[] gemvPacked;
  /** K rounded up to even: the GEMV's k pairs. */
  private final int kp;
  /**
   * Per output channel, {@code sum_k w}, padded to tiles * NR (GEMV with asymmetric inputs: the
   * kernel sums q * w, the zero point's share is taken off after, as the scalar twin does).
   */
  private final int[] padRowSum;
  private final int kBlock;
  private final boolean asymmetric;
  private final float tensorScale;
  /** Channel scales padded to tiles * NR, or null when the weights have one scale. */
  private final float[] padChannelScale;
  private final float[] padBias;
  private final float min;
  private final float max;
  /** FULLY_CONNECTED activation applied after the clamp (TANH, SIGN_BIT), else NONE. */
  private final int postActivation;
  private final boolean zeroInputFallback;
  private final int groups;
  private final int groupLen;
  private final int groupPixels;
  private final int in;
  private final int out;
  private final int scratch;
  private final PreparedOp scalarTwin;
  private final int slots;
  private final boolean splitColumns;
  private final boolean pointwise;
  private final int macroBlocks;
  private final int scalesOff;
  private final int zeroPointOff;
  private final int shortsOff;
  private final int slotsOff;
  private final int slotBytes;
  private final int tileOff;
  private final int stageOff;

  private HybridGemmVector(ConvGeometry g, int groups, int groupLen, int groupPixels, byte[] w,
      boolean asymmetric, float tensorScale, float[] channelScales, float[] bias, float min,
      float max, int postActivation, boolean zeroInputFallback, int in, int out,
      ConvGemmVector.Scratch scratch, int threads, PreparedOp scalarTwin) throws ModelException {
    this.g = g;
    this.m = g.batches() * g.outH() * g.outW();
    this.k = g.kh() * g.kw() * g.inC();
    this.n = g.outC();
    this.tiles = GemmVector.tiles(n);
    int maxB = 0;
    for (int i = 0; i < n * k; i++) {
      maxB = Math.max(maxB, Math.abs(w[i]));
    }
    this.kp = (k + 1) & ~1;
    // One output row read straight from the quantized input: a one-batch FC (or a 1x1 conv on
    // a 1x1 map). A conv with one output pixel from a larger input packs its window instead.
    boolean gemv = m == 1 && g.kh() == 1 && g.kw() == 1 && g.inH() == 1 && g.inW() == 1;
    if (gemv) {
      this.packedB = null;
      this.gemvPacked = GemvVector.pack(w, n, k, false);
    } else {
      float[] wf = new float[n * k];
      for (int i = 0; i < n * k; i++) {
        wf[i] = w[i];
      }
      this.packedB = GemmVector.packB(wf, n, k);
      this.gemvPacked = null;
    }
    this.padRowSum = new int[tiles * NR];
    if (gemv && asymmetric) {
      for (int c = 0; c < n; c++) {
        for (int kk = 0; kk < k; kk++) {
          padRowSum[c] += w[c * k + kk];
        }
      }
    }
    this.kBlock = GemmVector.exactBlock(asymmetric ? 255 : 127, maxB);
    this.asymmetric = asymmetric;
    this.tensorScale = tensorScale;
    int padded = tiles * NR;
    this.padChannelScale = channelScales == null ? null : Arrays.copyOf(channelScales, padded);
    this.padBias = bias == null ? new float[padded] : Arrays.copyOf(bias, padded);
    this.min = min;
    this.max = max;
    this.postActivation = postActivation;
    this.zeroInputFallback = zeroInputFallback;
    this.groups = groups;
    this.groupLen = groupLen;
    this.groupPixels = groupPixels;
    this.in = in;
    this.out = out;
    this.scalarTwin = scalarTwin;
    this.slots = (long) m * n * k < ConvGemmVector.PARALLEL_MIN_MACS ? 1 : Math.max(1, threads);
    this.splitColumns = slots > 1 && m < 2 * MR * slots && tiles >= slots;
    this.pointwise = g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1
        && g.padH() == 0 && g.padW() == 0 && g.outH() == g.inH() && g.outW() == g.inW();
    int rowBlocks = (m + MR - 1) / MR;
    int perPanel = 4 * MR * k;
    // A rows of one macro block stay within ~192 KiB (L2) while a weight tile streams over them.
    this.macroBlocks = Math.max(1, Math.min(rowBlocks, (192 * 1024) / perPanel));
    this.tileOff = pointwise ? 0 : macroBlocks * perPanel;
    this.stageOff = tileOff + 4 * MR * NR;
    this.slotBytes = stageOff + 4 * L;
    // Scratch: [quantized image][group scales][GEMV: zero point, the row as shorts (a vector
    // store's overhang of 2L shorts past them)][per slot: panels, int tile, staging]; the
    // reservation rejects more than 2 GiB before the int offsets below are taken.
    long image = 4L * groups * groupLen;
    long gemvBytes = gemv ? 4 + 2L * kp + 4L * L : 0;
    this.scratch = scratch.reserve(image + 4L * groups + gemvBytes + (long) slotBytes * slots);
    this.scalesOff = (int) image;
    this.zeroPointOff = scalesOff + 4 * groups;
    this.shortsOff = zeroPointOff + 4;
    this.slotsOff = (int) (zeroPointOff + gemvBytes);
  }

  /**
   * Hybrid CONV_2D: {@code w} [outC][kh][kw][inC] symmetric int8; each batch image quantized
   * asymmetrically when {@code channelScales} is non-null (per-channel weights), else
   * symmetrically with the weights' {@code tensorScale}; clamp to [min, max]. {@code
   * scalarTwin} runs instead while the vector code warms up ({@link VectorWarmup}).
   */
  public static HybridGemmVector conv(ConvGeometry g, byte[] w, float tensorScale,
      float[] channelScales, float[] bias, float min, float max, int in, int out,
      ConvGemmVector.Scratch scratch, int threads, PreparedOp scalarTwin) throws ModelException {
    return new HybridGemmVector(g, g.batches(), g.inH() * g.inW() * g.inC(),
        g.outH() * g.outW(), w, channelScales != null, tensorScale, channelScales, bias, min,
        max, 0, false, in, out, scratch, threads, scalarTwin);
  }

  /**
   * Hybrid FULLY_CONNECTED: {@code batches} rows of {@code depth} floats times {@code w}
   * [units][depth] int8; each row quantized symmetrically or {@code asymmetric}ally; weights
   * per tensor ({@code channelScales} null) or per unit; {@code activation} a fused
   * ActivationFunctionType (NONE to SIGN_BIT, as {@link FcKernels#applyActivation}). An all-zero
   * input runs {@code scalarTwin} (TFLite then skips the product: outputs are the bias).
   */
  public static HybridGemmVector fullyConnected(int batches, int depth, int units, byte[] w,
      boolean asymmetric, float tensorScale, float[] channelScales, float[] bias, int activation,
      int in, int out, ConvGemmVector.Scratch scratch, int threads, PreparedOp scalarTwin)
      throws ModelException {
    ConvGeometry g = new ConvGeometry(1, 1, batches, depth, 1, batches, units, 1, 1, 1, 1, 1, 1,
        0, 0);
    float lo = Float.NEGATIVE_INFINITY;
    float hi = Float.POSITIVE_INFINITY;
    int post = 0;
    switch (activation) {
      case 0 -> { }
      case 1 -> lo = 0f;
      case 2 -> {
        lo = -1f;
        hi = 1f;
      }
      case 3 -> {
        lo = 0f;
        hi = 6f;
      }
      default -> post = activation;
    }
    return new HybridGemmVector(g, batches, depth, 1, w, asymmetric, tensorScale, channelScales,
        bias, lo, hi, post, true, in, out, scratch, threads, scalarTwin);
  }

  /** Runs the op (from PreparedOp.eval). Allocates nothing. */
  public void eval(ExecContext ctx) throws InvocationException {
    byte[] x = ctx.array(in);
    int xOff = ctx.offset(in);
    if (!VectorWarmup.ready()
        || (zeroInputFallback && FcKernels.isZeroVector(x, xOff, groups * groupLen))) {
      scalarTwin.eval(ctx);
      return;
    }
    byte[] sc = ctx.array(scratch);
    int base = ctx.offset(scratch);
    for (int grp = 0; grp < groups; grp++) {
      int src = xOff + 4 * grp * groupLen;
      int dst = base + 4 * grp * groupLen;
      float s;
      int zp = 0;
      if (asymmetric) {
        long p = quantizeAsymmetricParams(x, src, groupLen, sc, dst);
        s = HybridQuantizer.scaleOf(p);
        zp = HybridQuantizer.zeroPointOf(p);
      } else {
        s = quantizeSymmetric(x, src, groupLen, sc, dst);
      }
      if (padChannelScale == null) {
        s *= tensorScale;
      }
      LittleEndian.setFloat(sc, base + scalesOff + 4 * grp, s);
      if (gemvPacked != null) {
        LittleEndian.setInt(sc, base + zeroPointOff, zp);
        toShorts(sc, dst, k, zp, base + shortsOff);
      }
    }
    if (slots == 1) {
      run(ctx, 0, 1);
    } else {
      ctx.parallelFor(slots, this);
    }
    if (postActivation != 0) {
      FcKernels.applyActivation(ctx.array(out), ctx.offset(out), m * n, postActivation);
    }
  }

  @Override
  public void run(ExecContext ctx, int from, int to) {
    for (int s = from; s < to; s++) {
      slot(ctx, s);
    }
  }

  private void slot(ExecContext ctx, int s) {
    int rowBlocks = (m + MR - 1) / MR;
    int b0 = 0;
    int b1 = rowBlocks;
    int t0 = 0;
    int t1 = tiles;
    if (splitColumns) {
      t0 = (int) ((long) tiles * s / slots);
      t1 = (int) ((long) tiles * (s + 1) / slots);
    } else {
      b0 = (int) ((long) rowBlocks * s / slots);
      b1 = (int) ((long) rowBlocks * (s + 1) / slots);
    }
    if (b0 >= b1 || t0 >= t1) {
      return;
    }
    byte[] y = ctx.array(out);
    int yOff = ctx.offset(out);
    byte[] sc = ctx.array(scratch);
    int base = ctx.offset(scratch);
    int slotBase = base + slotsOff + s * slotBytes;
    int tOff = slotBase + tileOff;
    int panelBytes = 4 * MR * k;
    for (int mb = b0; mb < b1; mb += macroBlocks) {
      int mbEnd = Math.min(b1, mb + macroBlocks);
      if (!pointwise) {
        for (int blk = mb; blk < mbEnd; blk++) {
          packPanel(sc, base, blk * MR, slotBase + (blk - mb) * panelBytes);
        }
      }
      for (int t = t0; t < t1; t++) {
        int bOff = t * k * NR;
        for (int blk = mb; blk < mbEnd; blk++) {
          int m0 = blk * MR;
          int pOff = pointwise ? base + 4 * m0 * k : slotBase + (blk - mb) * panelBytes;
          int rows = Math.min(MR, m - m0);
          if (gemvPacked != null) {
            GemvVector.tileS8(sc, base + shortsOff, gemvPacked, t * kp * NR, kp, sc, tOff);
            int zp = LittleEndian.getInt(sc, base + zeroPointOff);
            if (zp != 0) {
              takeZeroPoint(sc, tOff, t * NR, zp);
            }
          } else if (rows == MR) {
            GemmVector.tile4Int(sc, pOff, packedB, bOff, k, kBlock, sc, tOff);
          } else {
            for (int r = 0; r < rows; r++) {
              GemmVector.tile1Int(sc, pOff + 4 * r * k, packedB, bOff, k, kBlock, sc,
                  tOff + 4 * r * NR);
            }
          }
          epilogue(sc, tOff, slotBase + stageOff, base + scalesOff, t, m0, rows, y, yOff);
        }
      }
    }
  }

  /**
   * The GEMV's input row: {@code x'[i] = q} = the image's {@code q - zp} plus {@code zp}, as k
   * little-endian shorts at {@code dst} (a 0 after an odd k, the pair tail). Each int vector
   * narrows into the low half of a short vector, stored whole: its upper half lands where the
   * next store writes, or on the 2L shorts of slack.
   */
  private static void toShorts(byte[] sc, int img, int k, int zp, int dst) {
    int i = 0;
    for (; i + L <= k; i += L) {
      IntVector q = ((IntVector) ByteVector.fromArray(B, sc, img + 4 * i).reinterpretAsFloats()
          .convert(VectorOperators.F2I, 0)).add(zp);
      q.convertShape(VectorOperators.I2S, Species.S, 0).reinterpretAsBytes()
          .intoArray(sc, dst + 2 * i);
    }
    for (; i < k; i++) {
      LittleEndian.setShort(sc, dst + 2 * i, (short) ((int) LittleEndian.getFloat(sc, img + 4 * i)
          + zp));
    }
    if ((k & 1) != 0) {
      LittleEndian.setShort(sc, dst + 2 * k, (short) 0);
    }
  }

  /** {@code D[j] -= zp * sum_k w[c0 + j]} for the tile's NR int sums (int32 wrapping). */
  private void takeZeroPoint(byte[] sc, int tOff, int c0, int zp) {
    for (int h = 0; h < 2; h++) {
      int at = tOff + 4 * h * L;
      ByteVector.fromArray(B, sc, at).reinterpretAsInts()
          .sub(IntVector.fromArray(Species.I, padRowSum, c0 + h * L).mul(zp))
          .reinterpretAsBytes().intoArray(sc, at);
    }
  }

  /**
   * {@code out = clamp((float) acc * scale + bias)} for the tile's valid rows and columns, with
   * {@code scale = channelScale * groupScale} (one float multiply, as the twins) or {@code
   * groupScale}. Vectors stay inside this method.
   */
  private void epilogue(byte[] sc, int tOff, int stage, int scales, int t, int m0, int rows,
      byte[] y, int yOff) {
    int c0 = t * NR;
    int cols = Math.min(NR, n - c0);
    for (int r = 0; r < rows; r++) {
      int pix = m0 + r;
      float s = LittleEndian.getFloat(sc, scales + 4 * (pix / groupPixels));
      int o = yOff + 4 * (pix * n + c0);
      for (int j = 0; j < cols; j += L) {
        int pc = c0 + j;
        FloatVector acc = (FloatVector) ByteVector.fromArray(B, sc, tOff + 4 * (r * NR + j))
            .reinterpretAsInts().convert(VectorOperators.I2F, 0);
        FloatVector scale = padChannelScale == null
            ? FloatVector.broadcast(F, s)
            : FloatVector.fromArray(F, padChannelScale, pc).mul(s);
        FloatVector v = acc.mul(scale).add(FloatVector.fromArray(F, padBias, pc)).max(min)
            .min(max);
        if (j + L <= cols) {
          v.reinterpretAsBytes().intoArray(y, o + 4 * j);
        } else {
          v.reinterpretAsBytes().intoArray(sc, stage);
          System.arraycopy(sc, stage, y, o + 4 * j, 4 * (cols - j));
        }
      }
    }
  }

  /** Copies MR output pixels' windows from the quantized image into a [MR][K] float panel. */
  private void packPanel(byte[] sc, int image, int m0, int pOff) {
    int inC = g.inC();
    int hw = g.outH() * g.outW();
    int kwC = g.kw() * inC;
    for (int r = 0; r < MR; r++) {
      int row = pOff + 4 * r * k;
      int pix = m0 + r;
      if (pix >= m) {
        zeroFloats(sc, row, k);
        continue;
      }
      int b = pix / hw;
      int rem = pix - b * hw;
      int oy = rem / g.outW();
      int ox = rem - oy * g.outW();
      int iy0 = oy * g.strideH() - g.padH();
      int ix0 = ox * g.strideW() - g.padW();
      int dst = row;
      for (int ky = 0; ky < g.kh(); ky++, dst += 4 * kwC) {
        int iy = iy0 + ky * g.dilH();
        if (iy < 0 || iy >= g.inH()) {
          zeroFloats(sc, dst, kwC);
          continue;
        }
        int rowSrc = image + 4 * ((b * g.inH() + iy) * g.inW() * inC);
        if (g.dilW() == 1) {
          int kx0 = Math.min(g.kw(), Math.max(0, -ix0));
          int kx1 = Math.max(kx0, Math.min(g.kw(), g.inW() - ix0));
          zeroFloats(sc, dst, kx0 * inC);
          copyFloats(sc, rowSrc + 4 * (ix0 + kx0) * inC, dst + 4 * kx0 * inC, (kx1 - kx0) * inC);
          zeroFloats(sc, dst + 4 * kx1 * inC, (g.kw() - kx1) * inC);
          continue;
        }
        for (int kx = 0; kx < g.kw(); kx++) {
          int ix = ix0 + kx * g.dilW();
          int d = dst + 4 * kx * inC;
          if (ix >= 0 && ix < g.inW()) {
            copyFloats(sc, rowSrc + 4 * ix * inC, d, inC);
          } else {
            zeroFloats(sc, d, inC);
          }
        }
      }
    }
  }

  /**
   * Copies n floats within one array; short runs (few input channels, e.g. a first layer over
   * a one-channel image) element by element, where System.arraycopy's call costs more.
   */
  private static void copyFloats(byte[] a, int src, int dst, int n) {
    if (n >= 16) {
      System.arraycopy(a, src, a, dst, 4 * n);
      return;
    }
    for (int i = 0; i < n; i++) {
      LittleEndian.setInt(a, dst + 4 * i, LittleEndian.getInt(a, src + 4 * i));
    }
  }

  /** Zeroes n floats (see {@link #copyFloats}). */
  private static void zeroFloats(byte[] a, int dst, int n) {
    if (n >= 16) {
      Arrays.fill(a, dst, dst + 4 * n, (byte) 0);
      return;
    }
    for (int i = 0; i < n; i++) {
      LittleEndian.setInt(a, dst + 4 * i, 0);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Input quantization (HybridQuantizer in vector form), written as floats q - zeroPoint.

  /**
   * {@link HybridQuantizer#symmetric} writing the values as floats at {@code dst}; returns the
   * same scaling factor.
   */
  static float quantizeSymmetric(byte[] x, int src, int n, byte[] img, int dst) {
    long mm = minMax(x, src, n);
    float range = HybridQuantizer.symmetricRange(minOf(mm), maxOf(mm));
    if (range == 0f) {
      Arrays.fill(img, dst, dst + 4 * n, (byte) 0);
      return 1f;
    }
    float inv = 127f / range;
    int i = roundClamp(x, src, n, inv, 0f, -127f, 0f, img, dst);
    for (; i < n; i++) {
      int v = (int) HybridQuantizer.roundf(LittleEndian.getFloat(x, src + 4 * i) * inv);
      LittleEndian.setFloat(img, dst + 4 * i, Math.min(127, Math.max(-127, v)));
    }
    return range / 127f;
  }

  /**
   * {@link HybridQuantizer#asymmetric} writing {@code q - zeroPoint} as floats at {@code dst};
   * returns the scale.
   */
  static float quantizeAsymmetric(byte[] x, int src, int n, byte[] img, int dst) {
    return HybridQuantizer.scaleOf(quantizeAsymmetricParams(x, src, n, img, dst));
  }

  /**
   * {@link #quantizeAsymmetric}, returning the scale and zero point packed as {@link
   * HybridQuantizer#asymmetric} does.
   */
  static long quantizeAsymmetricParams(byte[] x, int src, int n, byte[] img, int dst) {
    long mm = minMax(x, src, n);
    float lo = minOf(mm);
    float hi = maxOf(mm);
    if (HybridQuantizer.asymmetricAllZero(lo, hi)) {
      Arrays.fill(img, dst, dst + 4 * n, (byte) 0);
      return HybridQuantizer.asymmetricZeroParams();
    }
    long p = HybridQuantizer.asymmetricParams(lo, hi);
    float scale = HybridQuantizer.scaleOf(p);
    int zp = HybridQuantizer.zeroPointOf(p);
    float inv = (float) (1.0 / scale);
    int i = roundClamp(x, src, n, inv, zp, -128f, zp, img, dst);
    for (; i < n; i++) {
      int v = (int) HybridQuantizer.roundf(zp + LittleEndian.getFloat(x, src + 4 * i) * inv);
      LittleEndian.setFloat(img, dst + 4 * i, Math.min(127, Math.max(-128, v)) - zp);
    }
    return p;
  }

  /**
   * The whole vectors of {@code clamp(roundf(add + x * inv), lo, 127) - sub} as floats; returns
   * the index where the scalar tail starts. roundf (halves away from zero) without floor: on
   * {@code a = |y|} clamped to 256 (the result is clamped to 127 anyway; NaN -> 0, as Java's
   * int cast), {@code t = (float) (int) a} is floor(a) and {@code a - t} is exact, so {@code t +
   * (a - t >= 0.5)} is roundf(a); the sign of y is put back (a -0 result is an integer 0 for the
   * f32 sums).
   */
  private static int roundClamp(byte[] x, int src, int n, float inv, float add, float lo,
      float sub, byte[] img, int dst) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector y = ByteVector.fromArray(B, x, src + 4 * i).reinterpretAsFloats().mul(inv)
          .add(add);
      FloatVector a = y.abs();
      a = a.blend(0f, a.test(VectorOperators.IS_NAN)).min(256f);
      FloatVector t = (FloatVector) a.convert(VectorOperators.F2I, 0)
          .convert(VectorOperators.I2F, 0);
      t = t.add(1f, a.sub(t).compare(VectorOperators.GE, 0.5f));
      VectorMask<Float> negative = y.compare(VectorOperators.LT, 0f);
      FloatVector q = t.blend(t.neg(), negative).max(lo).min(127f).sub(sub);
      q.reinterpretAsBytes().intoArray(img, dst + 4 * i);
    }
    return i;
  }

  /**
   * Smallest and largest of n floats as the scalar scan finds them ({@code v < min}, {@code v >
   * max}: NaN never taken; which of -0 and +0 is kept does not matter to the callers), packed as
   * float bits (min high, max low).
   */
  private static long minMax(byte[] x, int src, int n) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    int i = 0;
    if (n >= L) {
      FloatVector vlo = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
      FloatVector vhi = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
      for (; i + L <= n; i += L) {
        FloatVector v = ByteVector.fromArray(B, x, src + 4 * i).reinterpretAsFloats();
        vlo = vlo.blend(v, v.compare(VectorOperators.LT, vlo));
        vhi = vhi.blend(v, v.compare(VectorOperators.GT, vhi));
      }
      lo = vlo.reduceLanes(VectorOperators.MIN);
      hi = vhi.reduceLanes(VectorOperators.MAX);
    }
    for (; i < n; i++) {
      float v = LittleEndian.getFloat(x, src + 4 * i);
      if (v < lo) {
        lo = v;
      }
      if (v > hi) {
        hi = v;
      }
    }
    return ((long) Float.floatToRawIntBits(lo) << 32)
        | (Float.floatToRawIntBits(hi) & 0xffffffffL);
  }

  private static float minOf(long mm) {
    return Float.intBitsToFloat((int) (mm >>> 32));
  }

  private static float maxOf(long mm) {
    return Float.intBitsToFloat((int) mm);
  }
}
