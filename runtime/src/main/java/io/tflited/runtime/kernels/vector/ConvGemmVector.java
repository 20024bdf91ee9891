package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.exec.RangeTask;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.RuyRequantize;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * CONV_2D (any kernel size, stride, dilation, padding) and FULLY_CONNECTED (a 1x1 conv over
 * {@code batches} pixels) as a blocked GEMM over output pixels on the {@link GemmVector}
 * micro-kernels, for int8 (per-channel weights, {@link RuyRequantize} rounding), uint8
 * (per-tensor weights, {@link FixedPoint#multiplyByQuantizedMultiplier}) and float32.
 *
 * <p>Steps per thread slot (work split by output pixels, or by output-channel tiles when there
 * are fewer than {@code 2 * MR} pixels per thread):
 *
 * <ol>
 *   <li>pack up to {@code macroBlocks} row blocks of MR pixels into A panels: for each pixel and
 *       filter tap, the tap's input channels minus the input zero point, as floats; taps
 *       outside the input are 0 (TFLite skips them, i.e. (x - inZp) = 0 contributes nothing), so
 *       no border correction is needed (no im2col of the whole image, only of the panels);
 *   <li>for each column tile of NR output channels (its packed weights stay in cache) and each
 *       panel: the micro-kernel gives MR x NR int32 sums {@code sum (x - inZp) * (w - wZp)},
 *       which are exactly the scalar kernels' int32 accumulators minus the bias;
 *   <li>epilogue: add the bias, requantize exactly as the scalar twin, add the output zero
 *       point, clamp to the activation range (float: add bias, clamp, in vector form).
 * </ol> *
 * <p>Layers with at most L output channels (the 8 or 16 of an image model's first layers) use
 * narrow tiles of MR_NARROW = 8 pixels x one vector instead of MR x NR = 4 x 2 vectors, which
 * would compute mostly padding columns; one tile then holds every channel, so a tile's output
 * rows are contiguous and leave in one copy. Interior panels of a 3x3 layer are packed in one
 * call per panel ({@code packRuns*}): with 3 or 16 input channels a filter row is 9 or 48 bytes,
 * so per-run calls and byte-by-byte tails used to cost more than the multiply-adds.
 *
 * <p><b>Direct mode</b> (8-bit spatial layers, see {@link #direct}): no panels at all. Each eval
 * first converts the input once into a zero-padded float image in scratch, then the kernels
 * ({@code GemmVector.tile4*Direct*}) broadcast each pixel's window straight from it at per-row
 * offsets; a 3x3 layer otherwise converted every input element up to 9 times. Layers with at
 * most L / 2 channels run on half-width vectors ({@link GemmVector#halfWidth}).
 *
 * <pre>
 *   padded image, per batch: padHeight x padWidth pixels x inC floats (x - inZp; 0 outside)
 *     row r of a tile -> byte offset o_r of its window's top-left pixel
 *     filter row ky   -> kw * inC consecutive floats at o_r + ky * dilH * padWidth * inC * 4
 * </pre>
 */
public final class ConvGemmVector implements RangeTask {
  private static final VectorSpecies<Byte> B = Species.B;
  private static final VectorSpecies<Float> F = Species.F;
  private static final int MR = GemmVector.MR;
  private static final int NR = GemmVector.NR;
  private static final int L = GemmVector.L;
  /**
   * Row stride of the byte staging tile: half h of a row stores a whole byte vector (4L bytes,
   * L valid) at h * L, so a row's two stores end at 5L and never reach the next row.
   */
  private static final int STAGE_ROW = 5 * L;
  private static final VectorSpecies<Integer> I = Species.I;
  /**
   * Bytes for one float vector's worth of 8-bit inputs (L lanes; 8 at 128 bits, where no 32-bit
   * species exists: the conversion then reads 8 bytes and uses the first 4).
   */
  private static final VectorSpecies<Byte> BL =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, 8 * Species.F.length())));

  /** Element type of input and output. */
  public enum Kind {
    S8,
    U8,
    F32
  }

  private final ConvGeometry g;
  private final Kind kind;
  private final int m;
  private final int k;
  private final int n;
  private final int tiles;
  /** Narrow tiles (MR_NARROW x one vector, see {@link #narrow}) or 4 x 2 vectors. */
  private final boolean narrow;
  private final int mr;
  private final int nr;
  private final float[] packedB;
  private final int kBlock;
  private final int inZp;
  // Per-column epilogue parameters padded to tiles * NR (see requantizeTileVector).
  private final int[] padBias;
  private final int[] padMultHigh;
  private final int[] padMultLow;
  private final int[] padLeft;
  private final int[] padRight;
  private final int[] padMask;
  private final int[] padRound;
  private final int outZp;
  private final int actMin;
  private final int actMax;
  private final float[] floatBias;
  private final float floatMin;
  private final float floatMax;
  private final int in;
  private final int out;
  private final int scratch;
  private final int slots;
  /**
   * Smallest layer (multiply-adds) worth splitting across threads: ~10 us of work.
   * {@code -Dtflited.parallel.minMacs=0} splits every layer (the parity re-runs use it).
   */
  static final long PARALLEL_MIN_MACS = Long.getLong("tflited.parallel.minMacs", 1L << 18);
  private final int macroBlocks;
  private final boolean splitColumns;
  private final boolean pointwise;
  private final int slotBytes;
  private final int tileOff;
  private final int stageOff;
  /**
   * 8-bit spatial layer read straight from a zero-padded float copy of the input (see {@link
   * #direct}) instead of packed panels.
   */
  private final boolean direct;
  /** Direct mode on half-width vectors ({@link GemmVector#halfWidth}). */
  private final boolean half;
  /**
   * Half-width direct tiles of exactly L / 2 channels: the epilogue requantizes two rows per
   * vector (the tile rows are contiguous; the staged rows are n = L / 2 bytes apart as well).
   */
  private final boolean pairRows;
  /** Padded image height and width (pixels) of the direct mode's float copy. */
  private final int padHeight;
  private final int padWidth;
  /** Byte offset (from the scratch start) of the padded image, after every slot's region. */
  private final int imageOff;
  /** Byte offset in a slot of the direct kernel's {@code mr} row offsets (ints). */
  private final int rowsOff;
  /** Largest padded float image the direct mode keeps in scratch (bytes). */
  static final long DIRECT_MAX_BYTES = 4L << 20;
  /** {@code -Dtflited.conv.direct=false} keeps every layer on packed panels (A/B benchmarks). */
  private static final boolean DIRECT_ON =
      Boolean.parseBoolean(System.getProperty("tflited.conv.direct", "true"));

  private ConvGemmVector(ConvGeometry g, Kind kind, float[] packedB, int kBlock, int inZp,
      int[] bias, int[] mult, int[] shift, int outZp, int actMin, int actMax, float[] floatBias,
      float floatMin, float floatMax, int in, int out, Scratch scratch, int threads) throws ModelException {
    this.g = g;
    this.kind = kind;
    this.m = g.batches() * g.outH() * g.outW();
    this.k = g.kh() * g.kw() * g.inC();
    this.n = g.outC();
    this.narrow = narrow(g);
    this.mr = narrow ? GemmVector.MR_NARROW : MR;
    this.nr = narrow ? GemmVector.NR_NARROW : NR;
    this.tiles = (n + nr - 1) / nr;
    this.packedB = packedB;
    this.kBlock = kBlock;
    this.inZp = inZp;
    this.outZp = outZp;
    this.actMin = actMin;
    this.actMax = actMax;
    this.floatBias = floatBias;
    this.floatMin = floatMin;
    this.floatMax = floatMax;
    this.in = in;
    this.out = out;
    // Handing a layer to the pool costs a worker wake-up (microseconds, tens when it parked):
    // a layer doing less work than that runs on the calling thread.
    this.slots = (long) m * g.outC() * k < PARALLEL_MIN_MACS ? 1 : Math.max(1, threads);
    this.pointwise = g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1
        && g.padH() == 0 && g.padW() == 0 && g.outH() == g.inH() && g.outW() == g.inW();
    int rowBlocks = (m + mr - 1) / mr;
    this.splitColumns = slots > 1 && m < 2 * mr * slots && tiles >= slots;
    // Panels of one macro block stay within ~192 KiB (L2) while a weight tile streams over them.
    int perPanel = 4 * mr * k;
    this.macroBlocks = Math.max(1, Math.min(rowBlocks, (192 * 1024) / perPanel));
    // The int tile follows the panels: it also takes the packing's overhang (convertRow).
    this.tileOff = macroBlocks * perPanel;
    this.stageOff = tileOff + 4 * mr * nr;
    this.rowsOff = stageOff + mr * STAGE_ROW;
    // Byte staging of the requantized tile, STAGE_ROW bytes per row (see requantizeTileVector),
    // then the direct kernel's row offsets.
    this.slotBytes = rowsOff + 4 * mr;
    this.padHeight = Math.max(g.padH() + g.inH(),
        (g.outH() - 1) * g.strideH() + (g.kh() - 1) * g.dilH() + 1);
    this.padWidth = Math.max(g.padW() + g.inW(),
        (g.outW() - 1) * g.strideW() + (g.kw() - 1) * g.dilW() + 1);
    // L floats of slack: the conversion's last vector may overhang the image by L - 1 floats.
    long imageBytes = 4L * ((long) g.batches() * padHeight * padWidth * g.inC() + L);
    this.direct = DIRECT_ON && kind != Kind.F32 && !pointwise && g.dilW() == 1 && k <= kBlock
        && imageBytes <= DIRECT_MAX_BYTES && m >= mr;
    this.half = direct && narrow && GemmVector.halfWidth(n);
    this.pairRows = half && 2 * n == L;
    if (kind != Kind.F32) {
      // Pair rows: the per-channel parameters once more at [L, 2L), repeated for both rows of
      // an epilogue vector.
      int padded = tiles * nr + (pairRows ? L : 0);
      padBias = Arrays.copyOf(bias, padded);
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
      if (pairRows) {
        for (int[] a : new int[][] {padBias, padMultHigh, padMultLow, padLeft, padRight,
            padMask, padRound}) {
          for (int j = 0; j < L; j++) {
            a[L + j] = a[j % n];
          }
        }
      }
    } else {
      padBias = null;
      padMultHigh = null;
      padMultLow = null;
      padLeft = null;
      padRight = null;
      padMask = null;
      padRound = null;
    }
    this.imageOff = slotBytes * slots;
    this.scratch = scratch.reserve((long) slotBytes * slots + (direct ? imageBytes : 0));
  }

  /**
   * Whether this layer runs the direct kernels: 8-bit, a spatial filter (1x1 stride-1 layers
   * already convert each input once), contiguous filter rows (dilation 1 along W), every
   * product in one exact f32 block ({@code K <= kBlock}) and at least one full row block
   * (FULLY_CONNECTED at batch 1 keeps its one-row tile).
   */
  boolean direct() {
    return direct;
  }

  /**
   * Whether a layer runs on the narrow tiles: at most one vector of output channels (a 2-vector
   * tile would compute mostly padding) and enough pixels to fill 8-row tiles (FULLY_CONNECTED
   * with one or a few rows keeps the 1-row tile).
   */
  static boolean narrow(ConvGeometry g) {
    long m = (long) g.batches() * g.outH() * g.outW();
    return g.outC() <= GemmVector.NR_NARROW && m >= 2 * GemmVector.MR_NARROW;
  }

  /** Reserves the per-node scratch bytes (the op's PrepareContext.scratch). */
  @FunctionalInterface
  public interface Scratch {
    int reserve(long bytes) throws ModelException;
  }

  /**
   * int8 conv: {@code w} [outC][kh][kw][inC] int8 (symmetric per-channel), requantized with
   * {@link RuyRequantize}.
   */
  public static ConvGemmVector int8(ConvGeometry g, byte[] w, int inZp, int[] bias, int[] mult,
      int[] shift, int outZp, int actMin, int actMax, int in, int out, Scratch scratch,
      int threads) throws ModelException {
    return quantized(Kind.S8, g, w, 0, inZp, bias, mult, shift, outZp, actMin, actMax, in, out,
        scratch, threads);
  }

  /**
   * uint8 conv: {@code w} [outC][kh][kw][inC] uint8 with zero point {@code wZp}, requantized with
   * {@link FixedPoint#multiplyByQuantizedMultiplier}.
   */
  public static ConvGemmVector uint8(ConvGeometry g, byte[] w, int wZp, int inZp, int[] bias,
      int[] mult, int[] shift, int outZp, int actMin, int actMax, int in, int out,
      Scratch scratch, int threads) throws ModelException {
    return quantized(Kind.U8, g, w, wZp, inZp, bias, mult, shift, outZp, actMin, actMax, in, out,
        scratch, threads);
  }

  /**
   * 8-bit conv or FC ({@code kind} S8 or U8); weights centred by {@code wZp} (may be nonzero for
   * int8 FULLY_CONNECTED), bias may be null, mult/shift per output channel.
   */
  public static ConvGemmVector quantized(Kind kind, ConvGeometry g, byte[] w, int wZp, int inZp,
      int[] bias, int[] mult, int[] shift, int outZp, int actMin, int actMax, int in, int out,
      Scratch scratch, int threads) throws ModelException {
    int n = g.outC();
    int k = g.kh() * g.kw() * g.inC();
    float[] wf = new float[n * k];
    int maxB = 0;
    for (int i = 0; i < n * k; i++) {
      int v = (kind == Kind.U8 ? w[i] & 0xff : w[i]) - wZp;
      wf[i] = v;
      maxB = Math.max(maxB, Math.abs(v));
    }
    int maxA = kind == Kind.U8 ? Math.max(inZp, 255 - inZp) : Math.max(inZp + 128, 127 - inZp);
    int kBlock = GemmVector.exactBlock(maxA, maxB);
    int[] b = bias == null ? new int[n] : bias.clone();
    return new ConvGemmVector(g, kind, GemmVector.packB(wf, n, k, nrFor(g)), kBlock, inZp, b,
        mult, shift,
        outZp, actMin, actMax, null, 0f, 0f, in, out, scratch, threads);
  }

  /** float32 conv or FC: {@code w} [outC][kh][kw][inC]; bias may be null. */
  public static ConvGemmVector float32(ConvGeometry g, float[] w, float[] bias, float min,
      float max, int in, int out, Scratch scratch, int threads) throws ModelException {
    int n = g.outC();
    int k = g.kh() * g.kw() * g.inC();
    int nr = nrFor(g);
    float[] fb = new float[(n + nr - 1) / nr * nr];
    if (bias != null) {
      System.arraycopy(bias, 0, fb, 0, n);
    }
    return new ConvGemmVector(g, Kind.F32, GemmVector.packB(w, n, k, nr), k, 0, null, null, null, 0,
        0, 0, fb, min, max, in, out, scratch, threads);
  }

  private static int nrFor(ConvGeometry g) {
    return narrow(g) ? GemmVector.NR_NARROW : NR;
  }

  /** Runs the op (from PreparedOp.eval). Allocates nothing. */
  public void eval(ExecContext ctx) {
    if (direct) {
      padImage(ctx);
    }
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
    int rowBlocks = (m + mr - 1) / mr;
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
    byte[] x = ctx.array(in);
    int xOff = ctx.offset(in);
    byte[] y = ctx.array(out);
    int yOff = ctx.offset(out);
    byte[] sc = ctx.array(scratch);
    int base = ctx.offset(scratch) + s * slotBytes;
    int panelBytes = 4 * mr * k;
    boolean vector = VectorWarmup.ready();
    if (direct && vector) {
      directSlot(sc, base, ctx.offset(scratch), b0, b1, t0, t1, y, yOff);
      return;
    }
    for (int mb = b0; mb < b1; mb += macroBlocks) {
      int mbEnd = Math.min(b1, mb + macroBlocks);
      for (int blk = mb; blk < mbEnd; blk++) {
        packPanel(x, xOff, blk * mr, sc, base + (blk - mb) * panelBytes, vector);
      }
      for (int t = t0; t < t1; t++) {
        int bOff = t * k * nr;
        for (int blk = mb; blk < mbEnd; blk++) {
          int pOff = base + (blk - mb) * panelBytes;
          int m0 = blk * mr;
          int rows = Math.min(mr, m - m0);
          if (!vector) {
            scalarTile(sc, pOff, bOff, t, m0, rows, y, yOff);
          } else if (kind == Kind.F32) {
            floatTile(sc, pOff, bOff, t, m0, rows, y, yOff, base + tileOff);
          } else {
            int tOff = base + tileOff;
            if (narrow) {
              GemmVector.tileNarrowInt(sc, pOff, packedB, bOff, k, kBlock, sc, tOff);
            } else if (rows == 1) {
              GemmVector.tile1Int(sc, pOff, packedB, bOff, k, kBlock, sc, tOff);
            } else {
              GemmVector.tile4Int(sc, pOff, packedB, bOff, k, kBlock, sc, tOff);
            }
            requantizeTileVector(sc, tOff, base + stageOff, t, m0, rows, y, yOff);
          }
        }
      }
    }
  }

  /**
   * Direct tiles over row blocks [b0, b1) and column tiles [t0, t1): the kernel reads each
   * pixel's filter window from the padded float image ({@link #padImage}) at the row offsets
   * written for the row block, so nothing is packed; the int tile and its epilogue are those of
   * the panel path.
   */
  private void directSlot(byte[] sc, int base, int scratchOff, int b0, int b1, int t0, int t1,
      byte[] y, int yOff) {
    int image = scratchOff + imageOff;
    int run = g.kw() * g.inC();
    int kyStep = 4 * g.dilH() * padWidth * g.inC();
    int rows0 = base + rowsOff;
    int tOff = base + tileOff;
    // Column tiles outermost, as on the panel path: one tile's packed weights stay in cache
    // over every row block (tile-inner order measured 15% slower on a 2-tile 3x3 64 -> 64).
    for (int t = t0; t < t1; t++) {
      int bOff = t * k * nr;
      for (int blk = b0; blk < b1; blk++) {
        int m0 = blk * mr;
        int rows = Math.min(mr, m - m0);
        writeRowOffsets(sc, rows0, image, m0, rows);
        if (!narrow) {
          GemmVector.tile4IntDirect(sc, sc, rows0, packedB, bOff, g.kh(), run, kyStep, sc,
              tOff);
        } else if (half) {
          // Two 4-row halves: see GemmVector.tile4NarrowIntDirectHalf for why.
          GemmVector.tile4NarrowIntDirectHalf(sc, sc, rows0, packedB, bOff, g.kh(), run, kyStep,
              sc, tOff);
          GemmVector.tile4NarrowIntDirectHalf(sc, sc, rows0 + 16, packedB, bOff, g.kh(), run,
              kyStep, sc, tOff + 8 * L);
        } else {
          GemmVector.tile4NarrowIntDirect(sc, sc, rows0, packedB, bOff, g.kh(), run, kyStep, sc,
              tOff);
          GemmVector.tile4NarrowIntDirect(sc, sc, rows0 + 16, packedB, bOff, g.kh(), run,
              kyStep, sc, tOff + 16 * L);
        }
        requantizeTileVector(sc, tOff, base + stageOff, t, m0, rows, y, yOff);
      }
    }
  }

  /**
   * Writes the byte offsets (in the padded image) of the top-left pixel of the windows of
   * output pixels m0 .. m0 + mr - 1 as mr ints at {@code rows0}. Rows past the last pixel reuse
   * its window; their sums are never stored.
   */
  private void writeRowOffsets(byte[] sc, int rows0, int image, int m0, int rows) {
    int hw = g.outH() * g.outW();
    int b = m0 / hw;
    int oy = (m0 - b * hw) / g.outW();
    int ox = m0 - b * hw - oy * g.outW();
    for (int r = 0; r < mr; r++) {
      int off = image + 4 * g.inC() * (((b * padHeight + oy * g.strideH()) * padWidth)
          + ox * g.strideW());
      LittleEndian.setInt(sc, rows0 + 4 * r, off);
      if (r + 1 < rows && ++ox == g.outW()) {
        ox = 0;
        if (++oy == g.outH()) {
          oy = 0;
          b++;
        }
      }
    }
  }

  /**
   * Writes the direct mode's padded image: per batch, padHeight x padWidth pixels of inC
   * floats, input pixel (iy, ix) at (iy + padH, ix + padW) as {@code x - inZp}, every other
   * pixel 0 (a tap outside the input contributes nothing, as in TFLite). Rows are written in
   * increasing order, each conversion's overhang (up to L - 1 floats) landing on cells written
   * after it or on the L floats of slack past the image. Runs on the calling thread before the
   * slots (the pool's dispatch publishes it to the workers).
   */
  private void padImage(ExecContext ctx) {
    byte[] x = ctx.array(in);
    int xOff = ctx.offset(in);
    byte[] sc = ctx.array(scratch);
    int image = ctx.offset(scratch) + imageOff;
    boolean vector = VectorWarmup.ready();
    int inC = g.inC();
    int rowBytes = 4 * padWidth * inC;
    int left = 4 * g.padW() * inC;
    int inner = 4 * g.inW() * inC;
    for (int b = 0; b < g.batches(); b++) {
      for (int py = 0; py < padHeight; py++) {
        int dst = image + (b * padHeight + py) * rowBytes;
        int iy = py - g.padH();
        if (iy < 0 || iy >= g.inH()) {
          Arrays.fill(sc, dst, dst + rowBytes, (byte) 0);
          continue;
        }
        if (left > 0) {
          Arrays.fill(sc, dst, dst + left, (byte) 0);
        }
        convertRow(x, xOff + (b * g.inH() + iy) * g.inW() * inC, g.inW() * inC, sc, dst + left,
            vector);
        if (left + inner < rowBytes) {
          Arrays.fill(sc, dst + left + inner, dst + rowBytes, (byte) 0);
        }
      }
    }
  }

  private void floatTile(byte[] sc, int pOff, int bOff, int t, int m0, int rows, byte[] y,
      int yOff, int tOff) {
    if (narrow) {
      // One tile holds every channel, so the tile's rows are contiguous in the output: rows
      // of n floats staged (each row's store overwrites the previous row's padding) then one
      // copy; straight into the output when every row and column is valid.
      if (n == L && rows == mr) {
        GemmVector.tileNarrowFloat(sc, pOff, packedB, bOff, k, floatBias, floatMin, floatMax, y,
            yOff + 4 * m0 * n, 4 * n);
      } else {
        GemmVector.tileNarrowFloat(sc, pOff, packedB, bOff, k, floatBias, floatMin, floatMax, sc,
            tOff, 4 * n);
        System.arraycopy(sc, tOff, y, yOff + 4 * m0 * n, 4 * rows * n);
      }
      return;
    }
    int c0 = t * NR;
    int cols = Math.min(NR, n - c0);
    int rowStride = 4 * n;
    if (cols == NR) {
      int o = yOff + 4 * (m0 * n + c0);
      if (rows == MR) {
        GemmVector.tile4Float(sc, pOff, packedB, bOff, k, floatBias, c0, floatMin, floatMax, y,
            o, rowStride);
        return;
      }
      if (rows == 1) {
        GemmVector.tile1Float(sc, pOff, packedB, bOff, k, floatBias, c0, floatMin, floatMax, y,
            o);
        return;
      }
    }
    if (rows == 1) {
      GemmVector.tile1Float(sc, pOff, packedB, bOff, k, floatBias, c0, floatMin, floatMax, sc,
          tOff);
    } else {
      GemmVector.tile4Float(sc, pOff, packedB, bOff, k, floatBias, c0, floatMin, floatMax, sc,
          tOff, 4 * NR);
    }
    for (int r = 0; r < rows; r++) {
      System.arraycopy(sc, tOff + 4 * r * NR, y, yOff + 4 * ((m0 + r) * n + c0), 4 * cols);
    }
  }

  /**
   * The 8-bit epilogue in vector form, bit-identical to the scalar twins' epilogue: for each
   * half-row of L columns, {@code acc + bias}, then the Q31 multiply-high {@code high =
   * floor(((acc << left) * m + 2^30) / 2^31)} with 32-bit lanes only (the split of {@link
   * RequantizeVector}: m = mh * 2^16 + ml, x = xh * 2^16 + xl; every partial term fits 32 bits
   * and so does the result), then the rounding right shift: int8 ({@link RuyRequantize}) rounds
   * ties up, {@code (high >> r) + (((high & mask) + 2^(r-1)) >>> r)} (the unsigned sum is below
   * 3 * 2^30 so it cannot wrap, and for high = 2^31 - 1 it gives ruy's {@code 1 << (31 - r)});
   * uint8 ({@link FixedPoint}) rounds ties away from zero, {@code (high >> r) + (rem > thr)}
   * with {@code thr = mask/2 + (high < 0)}. Then add the output zero point, clamp, narrow to
   * bytes into the staging rows and copy the valid columns out. All vectors stay inside this
   * method (a vector passed to a call that C2 does not inline is boxed).
   */
  private void requantizeTileVector(byte[] sc, int tOff, int stage, int t, int m0, int rows,
      byte[] y, int yOff) {
    int c0 = t * nr;
    int cols = Math.min(nr, n - c0);
    boolean ruy = kind == Kind.S8;
    int halves = cols > L ? 2 : 1;
    // Narrow: one tile holds every channel, so the requantized rows are staged n bytes apart
    // (each row's byte-vector store overwrites the previous row's padding) and copied at once.
    int stageRow = narrow ? n : STAGE_ROW;
    // Half-width tiles store L / 2 ints per row, contiguously; with exactly L / 2 channels one
    // vector then takes two rows (parameters from the repeated copy at [L, 2L)).
    int tileRow = half ? L / 2 : nr;
    int step = pairRows ? 2 : 1;
    for (int h = 0; h < halves; h++) {
      int pc = pairRows ? L : c0 + h * L;
      IntVector bv = IntVector.fromArray(I, padBias, pc);
      IntVector mh = IntVector.fromArray(I, padMultHigh, pc);
      IntVector ml = IntVector.fromArray(I, padMultLow, pc);
      IntVector left = IntVector.fromArray(I, padLeft, pc);
      IntVector right = IntVector.fromArray(I, padRight, pc);
      IntVector mask = IntVector.fromArray(I, padMask, pc);
      IntVector rnd = IntVector.fromArray(I, padRound, pc);
      for (int r = 0; r < rows; r += step) {
        IntVector x = ByteVector.fromArray(B, sc, tOff + 4 * (r * tileRow + h * L))
            .reinterpretAsInts().add(bv).lanewise(VectorOperators.LSHL, left);
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
          q = high.lanewise(VectorOperators.ASHR, right).add(
              high.and(mask).add(rnd).lanewise(VectorOperators.LSHR, right));
        } else {
          IntVector thr = mask.lanewise(VectorOperators.ASHR, 1)
              .sub(high.lanewise(VectorOperators.ASHR, 31));
          q = high.lanewise(VectorOperators.ASHR, right)
              .add(thr.sub(high.and(mask)).lanewise(VectorOperators.LSHR, 31));
        }
        q = q.add(outZp).max(actMin).min(actMax);
        q.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes()
            .intoArray(sc, stage + r * stageRow + h * L);
      }
    }
    if (narrow) {
      System.arraycopy(sc, stage, y, yOff + m0 * n, rows * n);
      return;
    }
    for (int r = 0; r < rows; r++) {
      System.arraycopy(sc, stage + r * STAGE_ROW, y, yOff + (m0 + r) * n + c0, cols);
    }
  }

  /**
   * The micro-kernel and epilogue in scalar form on the same panel and packed weights, for
   * the first inferences while C2 has not compiled the vector code ({@link VectorWarmup}).
   * Bit-identical to the vector path: 8-bit sums are exact integers in the same f32 blocks;
   * float sums use the same FMA order per column (the one-row tile's even/odd split included).
   */
  private void scalarTile(byte[] sc, int pOff, int bOff, int t, int m0, int rows, byte[] y,
      int yOff) {
    int c0 = t * nr;
    int cols = Math.min(nr, n - c0);
    // The wide one-row tile splits k into even and odd chains; the others keep one chain.
    boolean evenOdd = rows == 1 && !narrow;
    for (int r = 0; r < rows; r++) {
      int pr = pOff + 4 * r * k;
      for (int j = 0; j < cols; j++) {
        int c = c0 + j;
        int bj = bOff + j;
        if (kind == Kind.F32) {
          float even = 0f;
          float odd = 0f;
          float v;
          if (evenOdd) {
            int kk = 0;
            for (; kk + 2 <= k; kk += 2) {
              even = Math.fma(packedB[bj + kk * nr], LittleEndian.getFloat(sc, pr + 4 * kk), even);
              odd = Math.fma(packedB[bj + (kk + 1) * nr], LittleEndian.getFloat(sc, pr + 4 * kk + 4),
                  odd);
            }
            for (; kk < k; kk++) {
              even = Math.fma(packedB[bj + kk * nr], LittleEndian.getFloat(sc, pr + 4 * kk), even);
            }
            v = even + odd + floatBias[c];
          } else {
            for (int kk = 0; kk < k; kk++) {
              even = Math.fma(packedB[bj + kk * nr], LittleEndian.getFloat(sc, pr + 4 * kk), even);
            }
            v = even + floatBias[c];
          }
          LittleEndian.setFloat(y, yOff + 4 * ((m0 + r) * n + c),
              Math.min(Math.max(v, floatMin), floatMax));
        } else {
          int acc = 0;
          for (int k0 = 0; k0 < k; k0 += kBlock) {
            int k1 = Math.min(k, k0 + kBlock);
            float s = 0f;
            for (int kk = k0; kk < k1; kk++) {
              s += packedB[bj + kk * nr] * LittleEndian.getFloat(sc, pr + 4 * kk);
            }
            acc += (int) s;
          }
          acc += padBias[c];
          int mult = (padMultHigh[c] << 16) | padMultLow[c];
          int shift = padLeft[c] > 0 ? padLeft[c] : -padRight[c];
          int v = (kind == Kind.S8
              ? RuyRequantize.apply(acc, mult, shift)
              : FixedPoint.multiplyByQuantizedMultiplier(acc, mult, shift)) + outZp;
          y[yOff + (m0 + r) * n + c] = (byte) Math.min(Math.max(v, actMin), actMax);
        }
      }
    }
  }

  /**
   * Packs {@code mr} output pixels starting at {@code m0} into a [mr][K] float panel.
   *
   * <p>Vector mode writes in whole vectors: a run's last store may reach up to L - 1 floats past
   * its end. Every write starts after the valid part of the previous one (runs, padding fills
   * and rows are laid down in increasing order), so the run or fill that owns those positions
   * overwrites them later; past the last row of the last panel lies the int tile (written
   * after packing), at least 4L bytes.
   */
  private void packPanel(byte[] x, int xOff, int m0, byte[] p, int pOff, boolean vector) {
    int inC = g.inC();
    int es = kind == Kind.F32 ? 4 : 1;
    int rows = Math.min(mr, m - m0);
    if (pointwise) {
      // 1x1, stride 1, no padding: the block's pixels are contiguous in the input.
      convertRow(x, xOff + es * m0 * inC, rows * k, p, pOff, vector);
      if (rows < mr) {
        Arrays.fill(p, pOff + 4 * rows * k, pOff + 4 * mr * k, (byte) 0);
      }
      return;
    }
    int hw = g.outH() * g.outW();
    int kwC = g.kw() * inC;
    // The block's pixels are consecutive: one division for the first, then step (b, oy, ox).
    int b = m0 / hw;
    int oy = (m0 - b * hw) / g.outW();
    int ox = m0 - b * hw - oy * g.outW();
    int spanH = (g.kh() - 1) * g.dilH();
    int spanW = (g.kw() - 1) * g.dilW();
    if (vector && rows == mr && g.dilW() == 1 && ox + mr <= g.outW()) {
      int iy0 = oy * g.strideH() - g.padH();
      int ix0 = ox * g.strideW() - g.padW();
      int ixLast = ix0 + (mr - 1) * g.strideW() + spanW;
      if (iy0 >= 0 && iy0 + spanH < g.inH() && ix0 >= 0 && ixLast < g.inW()) {
        // The whole panel is interior and on one output row: mr x kh runs of kw * inC inputs,
        // packed in one call (a call per run cost more than its few vector moves).
        int src = xOff + es * (((b * g.inH() + iy0) * g.inW() + ix0) * inC);
        int rStep = es * g.strideW() * inC;
        int kyStep = es * g.dilH() * g.inW() * inC;
        if (kind == Kind.S8) {
          packRunsS8(x, src, rStep, kyStep, mr, g.kh(), kwC, k, -inZp, p, pOff);
        } else if (kind == Kind.U8) {
          packRunsU8(x, src, rStep, kyStep, mr, g.kh(), kwC, k, -inZp, p, pOff);
        } else {
          packRunsF32(x, src, rStep, kyStep, mr, g.kh(), kwC, k, p, pOff);
        }
        return;
      }
    }
    for (int r = 0; r < mr; r++, ox++) {
      if (ox == g.outW()) {
        ox = 0;
        if (++oy == g.outH()) {
          oy = 0;
          b++;
        }
      }
      int row = pOff + 4 * r * k;
      int pix = m0 + r;
      if (pix >= m) {
        Arrays.fill(p, row, row + 4 * k, (byte) 0);
        continue;
      }
      int iy0 = oy * g.strideH() - g.padH();
      int ix0 = ox * g.strideW() - g.padW();
      int dst = row;
      if (g.dilW() == 1 && iy0 >= 0 && iy0 + spanH < g.inH() && ix0 >= 0
          && ix0 + spanW < g.inW()) {
        // Interior window: each filter row is one contiguous run of kw * inC inputs.
        int src = xOff + es * (((b * g.inH() + iy0) * g.inW() + ix0) * inC);
        int step = es * g.dilH() * g.inW() * inC;
        for (int ky = 0; ky < g.kh(); ky++, dst += 4 * kwC, src += step) {
          convertRow(x, src, kwC, p, dst, vector);
        }
        continue;
      }
      for (int ky = 0; ky < g.kh(); ky++, dst += 4 * kwC) {
        int iy = iy0 + ky * g.dilH();
        if (iy < 0 || iy >= g.inH()) {
          Arrays.fill(p, dst, dst + 4 * kwC, (byte) 0);
          continue;
        }
        int rowSrc = xOff + es * ((b * g.inH() + iy) * g.inW() * inC);
        if (g.dilW() == 1) {
          int kx0 = Math.min(g.kw(), Math.max(0, -ix0));
          int kx1 = Math.max(kx0, Math.min(g.kw(), g.inW() - ix0));
          if (kx0 > 0) {
            Arrays.fill(p, dst, dst + 4 * kx0 * inC, (byte) 0);
          }
          if (kx1 > kx0) {
            convertRow(x, rowSrc + es * (ix0 + kx0) * inC, (kx1 - kx0) * inC, p,
                dst + 4 * kx0 * inC, vector);
          }
          if (kx1 < g.kw()) {
            Arrays.fill(p, dst + 4 * kx1 * inC, dst + 4 * kwC, (byte) 0);
          }
          continue;
        }
        for (int kx = 0; kx < g.kw(); kx++) {
          int ix = ix0 + kx * g.dilW();
          int d = dst + 4 * kx * inC;
          if (ix >= 0 && ix < g.inW()) {
            convertRow(x, rowSrc + es * ix * inC, inC, p, d, vector);
          } else {
            Arrays.fill(p, d, d + 4 * inC, (byte) 0);
          }
        }
      }
    }
  }

  /**
   * Interior int8 panel: run (r, ky) of {@code len} inputs at {@code src + r * rStep + ky *
   * kyStep} -> floats (x + add) at panel row r, column ky * len: whole byte vectors, then one
   * float vector per L inputs, overhanging the run (see {@link #packPanel}); scalar near the end
   * of the input array.
   */
  private static void packRunsS8(byte[] x, int src, int rStep, int kyStep, int rows, int kh,
      int len, int k, int add, byte[] p, int pOff) {
    float fa = add;
    for (int r = 0; r < rows; r++) {
      for (int ky = 0; ky < kh; ky++) {
        int s = src + r * rStep + ky * kyStep;
        int d = pOff + 4 * (r * k + ky * len);
        int i = 0;
        for (; i + B.length() <= len; i += B.length()) {
          ByteVector v = ByteVector.fromArray(B, x, s + i);
          for (int part = 0; part < 4; part++) {
            FloatVector f = (FloatVector) v.convertShape(VectorOperators.B2F, F, part);
            f.add(fa).reinterpretAsBytes().intoArray(p, d + 4 * (i + part * L));
          }
        }
        for (; i < len && s + i + BL.length() <= x.length; i += L) {
          FloatVector f = (FloatVector) ByteVector.fromArray(BL, x, s + i)
              .convertShape(VectorOperators.B2F, F, 0);
          f.add(fa).reinterpretAsBytes().intoArray(p, d + 4 * i);
        }
        for (; i < len; i++) {
          LittleEndian.setFloat(p, d + 4 * i, x[s + i] + add);
        }
      }
    }
  }

  /** uint8 twin of {@link #packRunsS8} (sign flip, then + 128 + add, as {@link #convertU8}). */
  private static void packRunsU8(byte[] x, int src, int rStep, int kyStep, int rows, int kh,
      int len, int k, int add, byte[] p, int pOff) {
    float fa = 128 + add;
    for (int r = 0; r < rows; r++) {
      for (int ky = 0; ky < kh; ky++) {
        int s = src + r * rStep + ky * kyStep;
        int d = pOff + 4 * (r * k + ky * len);
        int i = 0;
        for (; i + B.length() <= len; i += B.length()) {
          ByteVector v = ByteVector.fromArray(B, x, s + i)
              .lanewise(VectorOperators.XOR, (byte) 0x80);
          for (int part = 0; part < 4; part++) {
            FloatVector f = (FloatVector) v.convertShape(VectorOperators.B2F, F, part);
            f.add(fa).reinterpretAsBytes().intoArray(p, d + 4 * (i + part * L));
          }
        }
        for (; i < len && s + i + BL.length() <= x.length; i += L) {
          FloatVector f = (FloatVector) ByteVector.fromArray(BL, x, s + i)
              .lanewise(VectorOperators.XOR, (byte) 0x80)
              .convertShape(VectorOperators.B2F, F, 0);
          f.add(fa).reinterpretAsBytes().intoArray(p, d + 4 * i);
        }
        for (; i < len; i++) {
          LittleEndian.setFloat(p, d + 4 * i, (x[s + i] & 0xff) + add);
        }
      }
    }
  }

  /** float32 twin of {@link #packRunsS8}: byte offsets, runs copied in whole vectors. */
  private static void packRunsF32(byte[] x, int src, int rStep, int kyStep, int rows, int kh,
      int len, int k, byte[] p, int pOff) {
    int bytes = 4 * len;
    int vb = B.length();
    for (int r = 0; r < rows; r++) {
      for (int ky = 0; ky < kh; ky++) {
        int s = src + r * rStep + ky * kyStep;
        int d = pOff + 4 * (r * k) + ky * bytes;
        int i = 0;
        for (; i < bytes && s + i + vb <= x.length; i += vb) {
          ByteVector.fromArray(B, x, s + i).intoArray(p, d + i);
        }
        if (i < bytes) {
          System.arraycopy(x, s + i, p, d + i, bytes - i);
        }
      }
    }
  }

  /**
   * {@code len} input elements at {@code src} -> floats (minus the input zero point). Vector
   * mode may write up to L - 1 floats past the run (see {@link #packPanel}).
   */
  private void convertRow(byte[] x, int src, int len, byte[] p, int dst, boolean vector) {
    if (kind == Kind.F32) {
      if (vector) {
        copyFloats(x, src, len, p, dst);
      } else {
        System.arraycopy(x, src, p, dst, 4 * len);
      }
    } else if (!vector) {
      int mask = kind == Kind.S8 ? -1 : 0xff;
      for (int i = 0; i < len; i++) {
        LittleEndian.setFloat(p, dst + 4 * i, (x[src + i] & mask) - inZp);
      }
    } else if (kind == Kind.S8) {
      convertS8(x, src, len, -inZp, p, dst);
    } else {
      convertU8(x, src, len, -inZp, p, dst);
    }
  }

  /**
   * Copies {@code len} floats (as bytes) in whole vectors, the last one overhanging the run;
   * short runs (a 3-channel image's 3x3 window row is 9 floats) then cost one or two vector
   * moves instead of a copy call. Near the end of the input array it finishes with a copy.
   */
  private static void copyFloats(byte[] x, int src, int len, byte[] p, int dst) {
    int bytes = 4 * len;
    int vb = B.length();
    int i = 0;
    for (; i < bytes && src + i + vb <= x.length; i += vb) {
      ByteVector.fromArray(B, x, src + i).intoArray(p, dst + i);
    }
    if (i < bytes) {
      System.arraycopy(x, src + i, p, dst + i, bytes - i);
    }
  }

  /**
   * int8 -> float (x + add): whole byte vectors (4 float vectors each), then one float vector
   * per L bytes, the last one overhanging the run (reading at most BL bytes past it while they
   * are inside the array), so a run shorter than a byte vector (the 9 or 48 bytes of a 3x3
   * window row of 3 or 16 channels) is not converted byte by byte; a scalar tail only near the
   * end of the input array.
   */
  private static void convertS8(byte[] x, int src, int len, int add, byte[] p, int dst) {
    int i = 0;
    int bl = B.length();
    float fa = add;
    for (; i + bl <= len; i += bl) {
      ByteVector v = ByteVector.fromArray(B, x, src + i);
      for (int part = 0; part < 4; part++) {
        FloatVector f = (FloatVector) v.convertShape(VectorOperators.B2F, F, part);
        f.add(fa).reinterpretAsBytes().intoArray(p, dst + 4 * (i + part * L));
      }
    }
    for (; i < len && src + i + BL.length() <= x.length; i += L) {
      FloatVector f = (FloatVector) ByteVector.fromArray(BL, x, src + i)
          .convertShape(VectorOperators.B2F, F, 0);
      f.add(fa).reinterpretAsBytes().intoArray(p, dst + 4 * i);
    }
    for (; i < len; i++) {
      LittleEndian.setFloat(p, dst + 4 * i, x[src + i] + add);
    }
  }

  /**
   * uint8 -> float (x + add): flips the sign bit (u - 128 as int8), then adds 128 + add; the
   * same vector steps and overhang as {@link #convertS8}.
   */
  private static void convertU8(byte[] x, int src, int len, int add, byte[] p, int dst) {
    int i = 0;
    int bl = B.length();
    float fa = 128 + add;
    for (; i + bl <= len; i += bl) {
      ByteVector v = ByteVector.fromArray(B, x, src + i).lanewise(VectorOperators.XOR,
          (byte) 0x80);
      for (int part = 0; part < 4; part++) {
        FloatVector f = (FloatVector) v.convertShape(VectorOperators.B2F, F, part);
        f.add(fa).reinterpretAsBytes().intoArray(p, dst + 4 * (i + part * L));
      }
    }
    for (; i < len && src + i + BL.length() <= x.length; i += L) {
      FloatVector f = (FloatVector) ByteVector.fromArray(BL, x, src + i)
          .lanewise(VectorOperators.XOR, (byte) 0x80).convertShape(VectorOperators.B2F, F, 0);
      f.add(fa).reinterpretAsBytes().intoArray(p, dst + 4 * i);
    }
    for (; i < len; i++) {
      LittleEndian.setFloat(p, dst + 4 * i, (x[src + i] & 0xff) + add);
    }
  }
}
