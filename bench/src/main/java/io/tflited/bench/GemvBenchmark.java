package io.tflited.bench;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.fc.FcKernels;
import io.tflited.runtime.kernels.vector.ConvGemmVector;
import io.tflited.runtime.kernels.vector.GemvVector;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batch-1 8-bit FULLY_CONNECTED layers, K -> N, whole op (tiles and requantization epilogue):
 * {@link GemvVector} (byte weight tiles, what the runtime runs at batch 1) against the
 * float-packed GEMM as a 1x1 conv ({@link ConvGemmVector}, what it ran before) and the scalar
 * reference. Shapes: MobileNet's 1024 -> 1000 classifier and the ToyCar autoencoder's 640 ->
 * 128, 128 -> 128 and 128 -> 640 layers. Scores are microseconds; GMAC/s = K*N / (score *
 * 1000): 1,024 / score for the classifier, 81.92 / score for 640 x 128, 16.384 / score for
 * 128 x 128.
 *
 * <pre>bench/jmh.sh GemvBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemvBenchmark {
  /** "K_N". */
  @Param({"1024_1000", "640_128", "128_128", "128_640"})
  public String shape;

  /** int8 (per-channel multipliers, symmetric weights) or uint8 (weight zero point 120). */
  @Param({"int8"})
  public String type;

  private int k;
  private int n;
  private boolean unsigned;
  private byte[] x;
  private byte[] w;
  private int wZp;
  private int inZp;
  private int[] rowConst;
  private int[] mult;
  private int[] shift;
  private byte[] out;
  private GemvVector gemv;
  private ConvGemmVector gemm;
  private ExecContext ctxGemv;
  private ExecContext ctxGemm;

  @Setup
  public void setup() throws ModelException {
    String[] p = shape.split("_");
    k = Integer.parseInt(p[0]);
    n = Integer.parseInt(p[1]);
    unsigned = type.equals("uint8");
    Random r = new Random(7);
    x = new byte[k];
    w = new byte[n * k];
    r.nextBytes(x);
    r.nextBytes(w);
    wZp = unsigned ? 120 : 0;
    inZp = unsigned ? 131 : -3;
    int[] bias = new int[n];
    mult = new int[n];
    shift = new int[n];
    for (int c = 0; c < n; c++) {
      bias[c] = r.nextInt(1 << 16) - (1 << 15);
      QuantizedMultiplier q = QuantizedMultiplier.of(0.0005 + 0.001 * r.nextDouble());
      mult[c] = q.multiplier();
      shift[c] = q.shift();
    }
    rowConst = FcKernels.rowConstants(unsigned, w, 0, n, k, -wZp, -inZp, bias);
    out = new byte[n];
    int min = unsigned ? 0 : -128;
    int max = unsigned ? 255 : 127;
    byte[][] a1 = {x, out, null};
    gemv = GemvVector.quantized(unsigned, k, n, w, wZp, inZp, bias, mult, shift, 1, min, max, 0,
        1, bytes -> {
          a1[2] = new byte[(int) bytes];
          return 2;
        }, 1);
    ctxGemv = new ExecContext(a1, new int[3], null);
    byte[][] a2 = {x, out, null};
    ConvGeometry g = new ConvGeometry(1, 1, 1, k, 1, 1, n, 1, 1, 1, 1, 1, 1, 0, 0);
    gemm = ConvGemmVector.quantized(unsigned ? ConvGemmVector.Kind.U8 : ConvGemmVector.Kind.S8,
        g, w, wZp, inZp, bias, mult, shift, 1, min, max, 0, 1, bytes -> {
          a2[2] = new byte[(int) bytes];
          return 2;
        }, 1);
    ctxGemm = new ExecContext(a2, new int[3], null);
  }

  @Benchmark
  public byte[] gemvBytes() {
    gemv.eval(ctxGemv);
    return out;
  }

  @Benchmark
  public byte[] gemmFloats() {
    gemm.eval(ctxGemm);
    return out;
  }

  @Benchmark
  public byte[] scalar() {
    FcKernels.quantizedFc(unsigned, x, 0, w, 0, rowConst, -wZp, out, 0, 1, k, n, mult, shift, 1,
        unsigned ? 0 : -128, unsigned ? 255 : 127);
    return out;
  }
}
