package io.tflited.bench;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.exec.WorkerPool;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.ConvKernels;
import io.tflited.runtime.kernels.fc.FcKernels;
import io.tflited.runtime.kernels.vector.ConvGemmVector;
import io.tflited.runtime.kernels.vector.GemvVector;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * GEMM micro-kernels on MobileNet-shaped layers, M x K x N (pixels x depth x output channels):
 * 1x1 convs 56x56x128->128 and 14x14x512->512, the 1024->1000 classifier (M = 1), and the
 * shallow expansion 112x112x16->96 of MobileNet v2 (K = 16: bound by the requantize epilogue).
 * Scores are microseconds per GEMM; GMAC/s = M*K*N / (score * 1000), i.e. 51,380 / score for the
 * two conv shapes (51.38 M MAC each) and 1,024 / score for the classifier (1.024 M MAC), 19,268 / score for the expansion (19.27 M MAC). {@code threads} uses the runtime's
 * intra-op pool (vector kernels only; the scalar kernels are single-threaded). At M = 1
 * {@code int8Vector} runs {@link GemvVector} (byte weight tiles, what FULLY_CONNECTED runs at
 * batch 1) and {@code int8VectorGemm} the float-packed GEMM it replaced there.
 *
 * <pre>bench/jmh.sh GemmBenchmark -f 1 -wi 3 -i 5</pre>
 */
public class GemmBenchmark extends KernelBenchmark {
  /** "M_K_N". */
  @Param({"3136_128_128", "196_512_512", "1_1024_1000", "12544_16_96"})
  public String shape;

  @Param({"1"})
  public int threads;

  private int m;
  private int k;
  private int n;
  private ConvGeometry g;
  private byte[] xS8;
  private byte[] wS8;
  private byte[] xF32;
  private float[] wF32;
  private float[] biasF;
  private int[] bias;
  private int[] mult;
  private int[] shift;
  private int[] tapSums;
  private int[] folded;
  private int[] rowConst;
  private byte[] outS8;
  private byte[] outF32;
  private ConvGemmVector vS8;
  /** The batch-1 byte-tile kernel FULLY_CONNECTED runs when M = 1 (null otherwise). */
  private GemvVector gemvS8;
  private ConvGemmVector vF32;
  private ExecContext ctxS8;
  private ExecContext ctxF32;
  private WorkerPool pool;

  @Setup(Level.Trial)
  public void setup() throws ModelException {
    String[] p = shape.split("_");
    m = Integer.parseInt(p[0]);
    k = Integer.parseInt(p[1]);
    n = Integer.parseInt(p[2]);
    // A 1x1 conv over M pixels (one row of M pixels) = FC over M rows.
    g = new ConvGeometry(1, 1, m, k, 1, m, n, 1, 1, 1, 1, 1, 1, 0, 0);
    Random r = new Random(42);
    xS8 = new byte[m * k];
    wS8 = new byte[n * k];
    r.nextBytes(xS8);
    r.nextBytes(wS8);
    xF32 = new byte[4 * m * k];
    for (int i = 0; i < m * k; i++) {
      LittleEndian.setFloat(xF32, 4 * i, (float) r.nextGaussian());
    }
    wF32 = new float[n * k];
    for (int i = 0; i < wF32.length; i++) {
      wF32[i] = (float) r.nextGaussian();
    }
    biasF = new float[n];
    bias = new int[n];
    mult = new int[n];
    shift = new int[n];
    for (int c = 0; c < n; c++) {
      bias[c] = r.nextInt(1 << 16) - (1 << 15);
      QuantizedMultiplier q = QuantizedMultiplier.of(0.0005 + 0.001 * r.nextDouble());
      mult[c] = q.multiplier();
      shift[c] = q.shift();
    }
    int inZp = -3;
    tapSums = ConvKernels.tapSums(wS8, n, 1, k, false);
    folded = new int[n];
    for (int c = 0; c < n; c++) {
      folded[c] = bias[c] - inZp * tapSums[c];
    }
    rowConst = FcKernels.rowConstants(false, wS8, 0, n, k, 0, -inZp, bias);
    outS8 = new byte[m * n];
    outF32 = new byte[4 * m * n];
    pool = threads > 1 ? new WorkerPool(threads) : null;
    byte[][] arrS8 = new byte[3][];
    arrS8[0] = xS8;
    arrS8[1] = outS8;
    vS8 = ConvGemmVector.int8(g, wS8, inZp, bias, mult, shift, 1, -128, 127, 0, 1, bytes -> {
      arrS8[2] = new byte[(int) bytes];
      return 2;
    }, threads);
    ctxS8 = new ExecContext(arrS8, new int[3], pool);
    if (m == 1) {
      gemvS8 = GemvVector.quantized(false, k, n, wS8, 0, inZp, bias, mult, shift, 1, -128, 127,
          0, 1, bytes -> {
            if (arrS8[2] == null || arrS8[2].length < bytes) {
              arrS8[2] = new byte[(int) bytes];
            }
            return 2;
          }, threads);
    }
    byte[][] arrF = new byte[3][];
    arrF[0] = xF32;
    arrF[1] = outF32;
    vF32 = ConvGemmVector.float32(g, wF32, biasF, Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY, 0, 1, bytes -> {
          arrF[2] = new byte[(int) bytes];
          return 2;
        }, threads);
    ctxF32 = new ExecContext(arrF, new int[3], pool);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.close();
    }
  }

  /** What the runtime runs: at M = 1 (FULLY_CONNECTED batch 1) the byte-tile GEMV. */
  @Benchmark
  public byte[] int8Vector() {
    if (gemvS8 != null) {
      gemvS8.eval(ctxS8);
    } else {
      vS8.eval(ctxS8);
    }
    return outS8;
  }

  /** The float-packed GEMM at every M (at M = 1: the path before GemvVector, for comparison). */
  @Benchmark
  public byte[] int8VectorGemm() {
    vS8.eval(ctxS8);
    return outS8;
  }

  @Benchmark
  public byte[] int8Scalar() {
    if (m == 1) {
      FcKernels.quantizedFc(false, xS8, 0, wS8, 0, rowConst, 0, outS8, 0, 1, k, n, mult, shift,
          1, -128, 127);
    } else {
      ConvKernels.convS8(g, xS8, 0, wS8, tapSums, bias, folded, -3, mult, shift, 1, -128, 127,
          outS8, 0);
    }
    return outS8;
  }

  @Benchmark
  public byte[] f32Vector() {
    vF32.eval(ctxF32);
    return outF32;
  }

  @Benchmark
  public byte[] f32Scalar() {
    if (m == 1) {
      FcKernels.floatFc(xF32, 0, wF32, biasF, outF32, 0, 1, k, n, Float.NEGATIVE_INFINITY,
          Float.POSITIVE_INFINITY);
    } else {
      ConvKernels.convF32(g, xF32, 0, wF32, biasF, Float.NEGATIVE_INFINITY,
          Float.POSITIVE_INFINITY, outF32, 0);
    }
    return outF32;
  }
}
