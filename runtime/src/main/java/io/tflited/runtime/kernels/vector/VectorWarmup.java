package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.InvocationException;
import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.ops.ExecContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the first inferences fast while C2 compiles the vector kernels. Vector API code is
 * only fast once C2 has compiled it: interpreted or C1 code runs the library's Java fallbacks
 * and allocates a box per vector operation, so a MobileNet's first inference on cold vector
 * kernels took seconds (against a fraction of one for the scalar twins). When the first model
 * is prepared with vector kernels, {@link #startOnce} clears {@link #ready()} and runs every
 * kernel family on tiny synthetic tensors in a background daemon thread until C2 has compiled
 * them; meanwhile the GEMM and 8-bit depthwise ops run their scalar arithmetic on the
 * same packed data (bit-identical results), and switch to the vector code when the thread
 * sets {@link #ready()}. "Compiled" is observed, not guessed: a round of cold Vector API code
 * allocates a box per operation, so the first rounds that allocate nothing at all (counted by
 * the thread's allocation counter) mean C2 has compiled every kernel with its intrinsics. A
 * fixed count of rounds or a time limit cannot know that: on a loaded or slow machine the
 * compile queue runs seconds behind, and switching early made a MobileNet's first inferences
 * slower than the scalar twins by 30x. Memory: a few KiB of synthetic data, freed when the
 * thread ends.
 * {@code -Dtflited.warmup.off=true} turns it off (the tests do, so that they always run the
 * vector code).
 */
public final class VectorWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(VectorWarmup.class);
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static volatile boolean ready = true;
  /** The warm-up thread: it runs the vector code while everyone else waits for it. */
  private static volatile Thread warmer;
  /** Calls per kernel at least: past C2's tier-4 invocation and back-edge thresholds. */
  static final int MIN_ROUNDS = 2000;
  /** Consecutive allocation-free rounds that count as compiled (one could be a lucky TLAB). */
  static final int CLEAN_ROUNDS = 50;
  /**
   * Calls per kernel where the JVM cannot count allocated bytes: the old fixed warm-up,
   * enough for C2 on an idle machine.
   */
  static final int ROUNDS_WITHOUT_COUNTER = 4000;
  /**
   * Longest warm-up: if some vector kernel never gets to allocation-free code on this JVM
   * (an operation without an intrinsic on this CPU), the vector kernels start anyway.
   */
  static final long MAX_NANOS = 30_000_000_000L;

  private VectorWarmup() {}

  /**
   * Whether the vector kernels should run: true unless a warm-up is in progress, and always on
   * the warm-up thread itself (else it would only warm the scalar fallbacks).
   */
  public static boolean ready() {
    return ready || Thread.currentThread() == warmer;
  }

  /** Test hook: forces {@link #ready()} (tests run the warming-up scalar path with false). */
  static void setReady(boolean value) {
    ready = value;
  }

  /** Starts the warm-up thread the first time it is called in this JVM; later calls return. */
  public static void startOnce() {
    if (Boolean.getBoolean("tflited.warmup.off") || !STARTED.compareAndSet(false, true)) {
      return;
    }
    ready = false;
    Thread t = new Thread(VectorWarmup::runQuietly, "tflited-vector-warmup");
    t.setDaemon(true);
    warmer = t;
    t.start();
  }

  private static void runQuietly() {
    long start = System.nanoTime();
    try {
      Rounds rounds = new Rounds();
      List<String> allocating = new ArrayList<>();
      int done = run(rounds, start + MAX_NANOS, allocating);
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (rounds.compiled() || rounds.counter == null) {
        LOG.debug("vector kernels warmed up in {} ms ({} rounds)", ms, done);
      } else {
        // The JIT compiled some kernel with Vector API calls left as calls: it boxes (and
        // allocates) on every inference. Rare; a restart recompiles.
        LOG.warn("vector kernels still allocate after {} ms of warm-up ({} rounds): {}; their"
            + " Vector API calls were not compiled to SIMD instructions (see README, C2 node"
            + " budget)", ms, done, allocating.isEmpty() ? "intermittently" : allocating);
      }
    } catch (ModelException | InvocationException | RuntimeException e) {
      // A warm-up failure only costs speed; the kernels' own tests guard correctness.
      LOG.warn("vector kernel warm-up failed: {}", e.toString());
    } finally {
      ready = true;
    }
  }

  /**
   * Decides after each round whether to go on: until {@link #CLEAN_ROUNDS} consecutive rounds
   * (after {@link #MIN_ROUNDS}) allocated nothing on this thread, or a fixed count where the
   * JVM does not count allocations.
   */
  static class Rounds {
    final com.sun.management.ThreadMXBean counter = allocationCounter();
    private long last = counter == null ? 0 : counter.getCurrentThreadAllocatedBytes();
    private int clean;
    private int done;

    /** Whether another round is needed after the one just finished. */
    boolean again() {
      done++;
      if (counter == null) {
        return done < ROUNDS_WITHOUT_COUNTER;
      }
      long now = counter.getCurrentThreadAllocatedBytes();
      clean = now == last ? clean + 1 : 0;
      last = now;
      return done < MIN_ROUNDS || clean < CLEAN_ROUNDS;
    }

    /** Whether the rounds ended allocation-free (the vector code is compiled). */
    boolean compiled() {
      return counter != null && clean >= CLEAN_ROUNDS;
    }

    static com.sun.management.ThreadMXBean allocationCounter() {
      try {
        if (java.lang.management.ManagementFactory.getThreadMXBean()
                instanceof com.sun.management.ThreadMXBean mx
            && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled()) {
          return mx;
        }
      } catch (LinkageError | RuntimeException e) {
        // No java.management in this runtime image: the fixed count below.
      }
      return null;
    }
  }

  /** Runs {@code rounds} rounds (tests: a few, to take every path once). */
  static int run(int rounds, long deadline) throws ModelException, InvocationException {
    int[] left = {rounds};
    return run(new Rounds() {
      @Override
      boolean again() {
        return --left[0] > 0;
      }
    }, deadline, null);
  }

  /**
   * Runs each kernel family once per round on tiny synthetic tensors, while {@code rounds}
   * asks for more and {@code deadline} (System.nanoTime) has not passed: the tensors are just
   * big enough to take every path (M and N tails, padding, the depthwise interior), so that
   * each round is cheap even before C2. Returns the rounds run; if {@code stillAllocating} is
   * given, the names of the families whose code still allocates at the end are added to it.
   */
  static int run(Rounds rounds, long deadline, List<String> stillAllocating)
      throws ModelException, InvocationException {
    Random r = new Random(1);
    // Conv 3x3 stride 1 SAME over 3x3x5 -> 3 channels (padding, a one-row M tail, one half
    // tile) and a pointwise 5 pixels x 8 -> L + 1 layer (contiguous panels, both tile halves).
    ConvGeometry conv = new ConvGeometry(1, 3, 3, 5, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1);
    ConvGeometry point =
        new ConvGeometry(1, 1, 5, 8, 1, 5, GemmVector.L + 1, 1, 1, 1, 1, 1, 1, 0, 0);
    // Conv 3x3 VALID over 5x18x3 -> 3 channels: 48 pixels on narrow tiles, interior panels.
    ConvGeometry narrow = new ConvGeometry(1, 5, 18, 3, 3, 16, 3, 3, 3, 1, 1, 1, 1, 0, 0);
    // A 1x1 narrow layer (tileNarrowInt) and a full-width narrow 3x3 one (the direct
    // tile4NarrowIntDirect); the layers above take the other direct and panel kernels.
    ConvGeometry pointNarrow =
        new ConvGeometry(1, 4, 4, 8, 4, 4, GemmVector.L, 1, 1, 1, 1, 1, 1, 0, 0);
    ConvGeometry narrowFull =
        new ConvGeometry(1, 5, 18, 3, 3, 16, GemmVector.L, 3, 3, 1, 1, 1, 1, 0, 0);
    Gemm[] gemms = {
      Gemm.of(ConvGemmVector.Kind.S8, pointNarrow, r),
      Gemm.of(ConvGemmVector.Kind.U8, pointNarrow, r),
      Gemm.of(ConvGemmVector.Kind.S8, narrowFull, r), Gemm.of(ConvGemmVector.Kind.U8, narrowFull, r),
      Gemm.of(ConvGemmVector.Kind.S8, conv, r), Gemm.of(ConvGemmVector.Kind.S8, point, r),
      Gemm.of(ConvGemmVector.Kind.U8, conv, r), Gemm.of(ConvGemmVector.Kind.U8, point, r),
      Gemm.of(ConvGemmVector.Kind.F32, conv, r), Gemm.of(ConvGemmVector.Kind.F32, point, r),
      Gemm.of(ConvGemmVector.Kind.S8, narrow, r), Gemm.of(ConvGemmVector.Kind.U8, narrow, r),
      Gemm.of(ConvGemmVector.Kind.F32, narrow, r),
    };
    // Depthwise 3x3 over 4x4 with 2L + 3 channels: interior fast path, borders, overlap block.
    int dc = 2 * DepthwiseVector.lanes8() + 3;
    ConvGeometry dw = new ConvGeometry(1, 4, 4, dc, 4, 4, dc, 3, 3, 1, 1, 1, 1, 1, 1);
    byte[] dwIn = bytes(r, 4 * 4 * dc);
    byte[] dwOut = new byte[4 * 4 * dc];
    byte[] dwInF = new byte[4 * 4 * 4 * dc];
    byte[] dwOutF = new byte[4 * 4 * 4 * dc];
    byte[] dwW = bytes(r, 9 * dc);
    int[] perChannel = new int[dc];
    int[] mult = new int[dc];
    int[] shift = new int[dc];
    java.util.Arrays.fill(mult, 1 << 30);
    java.util.Arrays.fill(shift, -8);
    int[][] dwInts = new int[2][];
    int[][] dwBias = new int[2][];
    int[][] dwInterior = new int[2][];
    RequantizeVector.Params rq = DepthwiseVector.packParams(mult, shift, dc);
    for (int s = 0; s < 2; s++) {
      dwInts[s] = DepthwiseVector.packInts(dwW, dc, s == 0, s == 0 ? 0 : -128);
      dwBias[s] = DepthwiseVector.packChannels(perChannel);
      dwInterior[s] = DepthwiseVector.interiorBias(dwInts[s], dwBias[s], 3);
    }
    float[] dwWf = new float[9 * dc];
    float[] dwBf = new float[dc];
    // Narrow depthwise (half a block of channels, two pixels a group): 3x3 SAME over 3x3.
    ConvGeometry n8 = narrowGeometry(DepthwiseVector.lanes8() / 2);
    ConvGeometry nf = narrowGeometry(Math.max(1, DepthwiseVector.lanesF32() / 2));
    DepthwiseNarrowVector narrow8 = DepthwiseNarrowVector.forEightBit(n8);
    DepthwiseNarrowVector narrowF = DepthwiseNarrowVector.forFloat(nf);
    int[] nInts = DepthwiseNarrowVector.weightInts(bytes(r, 9 * n8.inC()), true, 0);
    int[] nW = narrow8.packWeights8(nInts);
    int[] nTable = narrow8.biasTable8(nInts, new int[n8.inC()], 3);
    RequantizeVector.Params nRq = narrow8.packParams8(new int[] {1 << 30}, new int[] {-8});
    byte[] nIn = bytes(r, 9 * n8.inC());
    byte[] nSrc = new byte[(int) narrow8.slotBytes(1)];
    byte[] nOut = new byte[9 * n8.inC()];
    float[] nWf = narrowF.packWeightsF32(new float[9 * nf.inC()]);
    float[] nBf = narrowF.packBiasF32(new float[nf.inC()]);
    byte[] nSrcF = new byte[(int) narrowF.slotBytes(1)];
    byte[] nInF = new byte[4 * 9 * nf.inC()];
    byte[] nOutF = new byte[4 * 9 * nf.inC()];
    // 8-bit ADD and MUL rows of 3 vectors plus a tail (where the width has 8-bit rows).
    int rowLen = 3 * Species.B.length() + 5;
    byte[] ra = bytes(r, rowLen);
    byte[] rb = bytes(r, rowLen);
    byte[] ro = new byte[rowLen];
    BinaryRow none = (a, ai, as, b, bi, bs, o, oi, n) -> { };
    BinaryRow add = ElementwiseVector.add8(true, 3, -2, 1, 20, 1 << 30, -1, 1 << 30, -1,
        1 << 30, -19, -128, 127, none);
    BinaryRow mul = ElementwiseVector.mul8(true, 3, -2, 1, 1 << 30, -7, -128, 127, none);
    // Batch-1 FCs (the GEMV): asymmetric and symmetric inputs (zero point or none), odd and
    // even depths, one shorter than a float vector (ToyCar's 8-wide bottleneck).
    int hd = 2 * GemmVector.L + 3;
    Hybrid[] hybrids = {Hybrid.conv(conv, r), Hybrid.fullyConnected(r, 2, hd, false),
        Hybrid.fullyConnected(r, 1, hd, true), Hybrid.fullyConnected(r, 1, hd + 1, false),
        Hybrid.fullyConnected(r, 1, 6, false)};
    // QUANTIZE (8-bit requantization, float -> int8) and the LSTM dot product.
    byte[] qf = new byte[4 * rowLen];
    byte[] qo = new byte[2 * rowLen];
    // One family per step, each its own method: C2 compiles them as separate small units.
    List<Family> families = new ArrayList<>();
    families.add(new Family("8-bit and float32 GEMM (CONV_2D, FULLY_CONNECTED)", i -> {
      for (Gemm g : gemms) {
        g.op.eval(g.ctx);
      }
    }));
    // Odd and even K: a branch one side of which a warm-up never took would deoptimize the
    // compiled kernel on a model's first run (back to boxing code until it recompiles).
    Gemv[] gemvs = {Gemv.of(false, 0, 37, r), Gemv.of(true, 117, 37, r),
        Gemv.of(false, 0, 2 * GemvVector.L + 2, r), Gemv.of(true, 117, 64, r)};
    families.add(new Family("batch-1 8-bit FULLY_CONNECTED", i -> {
      for (Gemv g : gemvs) {
        g.op.eval(g.ctx);
      }
    }));
    families.add(new Family("8-bit depthwise", i -> DepthwiseVector.conv8(dw, (i & 1) == 0, dwIn,
        0, dwInts[i & 1], dwBias[i & 1], dwInterior[i & 1], 3, rq, mult, shift, 0, -128, 127,
        dwOut, 0, 0, 4)));
    families.add(new Family("float32 depthwise",
        i -> DepthwiseVector.convF32(dw, dwInF, 0, dwWf, dwBf, -6f, 6f, dwOutF, 0, 0, 4)));
    families.add(new Family("hybrid GEMM", i -> {
      for (Hybrid h : hybrids) {
        h.op.eval(h.ctx);
      }
    }));
    families.add(new Family("narrow 8-bit depthwise", i -> narrow8.slot8(0, 1, (i & 1) == 0, nIn,
        0, (byte) -3, nSrc, 0, nW, nTable, nRq, 0, -128, 127, nOut, 0)));
    families.add(new Family("narrow float32 depthwise",
        i -> narrowF.slotF32(0, 1, nInF, 0, nSrcF, 0, nWf, nBf, -6f, 6f, nOutF, 0)));
    if (ElementwiseVector.eightBitSupported()) {
      families.add(new Family("8-bit ADD/MUL", i -> {
        add.apply(ra, 0, 1, rb, 0, 1, ro, 0, rowLength(i, rowLen));
        mul.apply(ra, 0, 1, rb, 0, 1, ro, 0, rowLength(i, rowLen));
      }));
    }
    if (QuantizeVector.requantizeSupported()) {
      families.add(new Family("8-bit requantize", i -> QuantizeVector.requantize(ra, 0,
          (i & 1) == 0, 3, qo, 0, (i & 2) == 0, -5, rowLength(i, rowLen), 1 << 30, -1)));
    }
    if (QuantizeVector.supported(DataType.INT8)) {
      families.add(new Family("float32 to int8 QUANTIZE",
          i -> QuantizeVector.affineQuantize(qf, 0, qo, 0, rowLength(i, rowLen), 0.5, 1,
              DataType.INT8)));
    }
    if (QuantizeVector.requantizeSupported()) {
      families.add(new Family("8-bit DEQUANTIZE", i -> QuantizeVector.dequantize(ra, 0,
          (i & 1) == 0, qf, 0, rowLength(i, rowLen), 0.25f, 3)));
    }
    // Pooling: a padded 3x3 stride-2 window and a global one (MobileNet's last layer) in
    // turn, int8 and uint8 in turn, over a depth past a whole byte vector (the channel tail).
    int pd = Species.B.length() + 5;
    ConvGeometry poolPadded = new ConvGeometry(1, 5, 5, pd, 3, 3, pd, 3, 3, 2, 2, 1, 1, 1, 1);
    ConvGeometry poolGlobal = new ConvGeometry(1, 3, 3, pd, 1, 1, pd, 3, 3, 1, 1, 1, 1, 0, 0);
    byte[] poolIn = bytes(r, 4 * 5 * 5 * pd);
    byte[] poolInF = new byte[4 * 5 * 5 * pd];
    for (int f = 0; f < 5 * 5 * pd; f++) {
      LittleEndian.setFloat(poolInF, 4 * f, (float) r.nextGaussian());
    }
    byte[] poolOut = new byte[4 * 3 * 3 * pd];
    families.add(new Family("8-bit and float32 pooling", i -> {
      ConvGeometry pg = (i & 1) == 0 ? poolPadded : poolGlobal;
      boolean signed = (i & 2) == 0;
      int lo = signed ? -128 : 0;
      PoolVector.max8(pg, signed, poolIn, 0, lo, lo + 255, poolOut, 0, 0, pg.outH());
      PoolVector.average8(pg, signed, poolIn, 0, lo, lo + 255, poolOut, 0, 0, pg.outH());
      PoolVector.poolF32(pg, (i & 2) == 0, poolInF, 0, -6f, 6f, poolOut, 0, 0, pg.outH());
    }));
    families.add(new Family("integer LSTM dot product",
        i -> DotVector.dotS8(ra, 0, rb, 0, rowLength(i, rowLen))));
    // An array, not the list's iterator: the round itself must allocate nothing.
    Family[] steps = families.toArray(new Family[0]);
    int i = 0;
    do {
      for (Family f : steps) {
        f.step.run(i);
      }
      i++;
    } while (rounds.again() && System.nanoTime() - deadline < 0);
    if (stillAllocating != null) {
      for (Family f : families) {
        if (f.allocates(i)) {
          stillAllocating.add(f.name);
        }
      }
    }
    return i;
  }

  /** One kernel family's warm-up step (round i). */
  private interface Step {
    void run(int i) throws ModelException, InvocationException;
  }

  private record Family(String name, Step step) {
    /** Whether a few more calls of this step still allocate (its vector code boxes). */
    boolean allocates(int round) throws ModelException, InvocationException {
      com.sun.management.ThreadMXBean counter = Rounds.allocationCounter();
      if (counter == null) {
        return false;
      }
      step.run(round);
      long before = counter.getCurrentThreadAllocatedBytes();
      for (int k = 1; k <= 8; k++) {
        step.run(round + k);
      }
      return counter.getCurrentThreadAllocatedBytes() != before;
    }
  }

  /**
   * Row lengths in turn: whole vectors plus a tail, whole vectors only, and a few elements
   * (the vector loop not entered: an LSTM gate, a 10-class QUANTIZE). A branch that no warm-up
   * round takes is compiled as a trap, and a model that takes it sends the kernel back to
   * boxing code until C2 has recompiled it (keras_lstm's QUANTIZE of 784 and 10 elements: 250
   * KB per inference for its first hundreds of runs).
   */
  static int rowLength(int round, int full) {
    return switch (round % 3) {
      case 0 -> full;
      case 1 -> 2 * Species.B.length();
      default -> 1 + (round & 7);
    };
  }

  private static ConvGeometry narrowGeometry(int depth) {
    return new ConvGeometry(1, 3, 3, depth, 3, 3, depth, 3, 3, 1, 1, 1, 1, 1, 1);
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** One synthetic hybrid layer (float input 0, output 1, scratch 2). */
  private record Hybrid(HybridGemmVector op, ExecContext ctx) {
    /** Conv with per-channel scales (asymmetric input quantization, padding). */
    static Hybrid conv(ConvGeometry g, Random r) throws ModelException {
      int n = g.outC();
      float[] scales = new float[n];
      java.util.Arrays.fill(scales, 0.01f);
      return of(r, g.batches() * g.inH() * g.inW() * g.inC(), g.batches() * g.outH() * g.outW() * n,
          s -> HybridGemmVector.conv(g, bytes(r, n * g.kh() * g.kw() * g.inC()), 0.01f, scales,
              new float[n], -6f, 6f, 0, 1, s, 1, c -> { }));
    }

    /**
     * Fully connected, rows x depth -> NR + 1, per-tensor, ReLU; one row is the GEMV path
     * (with asymmetric inputs: its zero-point correction).
     */
    static Hybrid fullyConnected(Random r, int rows, int depth, boolean asymmetric)
        throws ModelException {
      int units = GemmVector.NR + 1;
      return of(r, rows * depth, rows * units, s -> HybridGemmVector.fullyConnected(rows, depth,
          units, bytes(r, units * depth), asymmetric, 0.01f, null, new float[units], 1, 0, 1, s,
          1, c -> { }));
    }

    private interface Maker {
      HybridGemmVector make(ConvGemmVector.Scratch s) throws ModelException;
    }

    private static Hybrid of(Random r, int inFloats, int outFloats, Maker maker)
        throws ModelException {
      byte[][] arrays = new byte[3][];
      arrays[0] = new byte[4 * inFloats];
      for (int i = 0; i < inFloats; i++) {
        LittleEndian.setFloat(arrays[0], 4 * i, (float) r.nextGaussian());
      }
      arrays[1] = new byte[4 * outFloats];
      HybridGemmVector op = maker.make(bytes -> {
        arrays[2] = new byte[(int) bytes];
        return 2;
      });
      return new Hybrid(op, new ExecContext(arrays, new int[3], null));
    }
  }

  /**
   * One synthetic batch-1 8-bit FULLY_CONNECTED layer (input 0, output 1, scratch 2): depth k
   * (odd: the pair tail), NR + 3 channels (both epilogue halves and a partial tile).
   */
  private record Gemv(GemvVector op, ExecContext ctx) {
    static Gemv of(boolean unsigned, int wZp, int k, Random r) throws ModelException {
      int n = GemvVector.NR + 3;
      byte[][] arrays = new byte[3][];
      arrays[0] = bytes(r, k);
      arrays[1] = new byte[n];
      int[] mult = new int[n];
      int[] shift = new int[n];
      java.util.Arrays.fill(mult, 1 << 30);
      java.util.Arrays.fill(shift, -7);
      GemvVector op = GemvVector.quantized(unsigned, k, n, bytes(r, n * k), wZp,
          unsigned ? 128 : -1, new int[n], mult, shift, unsigned ? 128 : 0,
          unsigned ? 0 : -128, unsigned ? 255 : 127, 0, 1, bytes -> {
            arrays[2] = new byte[(int) bytes];
            return 2;
          }, 1);
      return new Gemv(op, new ExecContext(arrays, new int[3], null));
    }
  }

  /** One synthetic GEMM layer with its own tensors (input 0, output 1, scratch 2). */
  private record Gemm(ConvGemmVector op, ExecContext ctx) {
    static Gemm of(ConvGemmVector.Kind kind, ConvGeometry g, Random r) throws ModelException {
      int n = g.outC();
      int k = g.kh() * g.kw() * g.inC();
      int es = kind == ConvGemmVector.Kind.F32 ? 4 : 1;
      byte[][] arrays = new byte[3][];
      arrays[0] = bytes(r, es * g.batches() * g.inH() * g.inW() * g.inC());
      if (es == 4) {
        java.util.Arrays.fill(arrays[0], (byte) 0); // finite floats
      }
      arrays[1] = new byte[es * g.batches() * g.outH() * g.outW() * n];
      ConvGemmVector.Scratch scratch = bytes -> {
        arrays[2] = new byte[(int) bytes];
        return 2;
      };
      ConvGemmVector op;
      if (kind == ConvGemmVector.Kind.F32) {
        op = ConvGemmVector.float32(g, new float[n * k], new float[n], -6f, 6f, 0, 1, scratch,
            1);
      } else {
        int[] mult = new int[n];
        int[] shift = new int[n];
        java.util.Arrays.fill(mult, 1 << 30);
        java.util.Arrays.fill(shift, -9);
        byte[] w = bytes(r, n * k);
        op = kind == ConvGemmVector.Kind.S8
            ? ConvGemmVector.int8(g, w, -3, new int[n], mult, shift, 2, -128, 127, 0, 1,
                scratch, 1)
            : ConvGemmVector.uint8(g, w, 120, 130, new int[n], mult, shift, 128, 0, 255, 0, 1,
                scratch, 1);
      }
      return new Gemm(op, new ExecContext(arrays, new int[3], null));
    }
  }
}
