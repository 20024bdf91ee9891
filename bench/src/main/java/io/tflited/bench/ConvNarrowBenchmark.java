package io.tflited.bench;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.vector.ConvGemmVector;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * CONV_2D layers with few output channels (issue 3), single-threaded, on the vector GEMM: the
 * first layers of the MLPerf Tiny and MobileNet 0.25 models, where N (8 or 16) is below the
 * 2-vector micro-tile. Shape "inH_inW_inC_k_stride_outC", SAME padding, k x k filter:
 *
 * <pre>
 *   96_96_3_3_2_8     vww_96 node 0       M = 2304  K = 27   N = 8    0.498 M MAC
 *   48_48_8_1_1_16    vww_96 node 2       M = 2304  K = 8    N = 16   0.295 M MAC
 *   128_128_3_3_2_8   mobilenet 0.25 n0   M = 4096  K = 27   N = 8    0.885 M MAC
 *   32_32_16_3_1_16   resnet nodes 1, 2   M = 1024  K = 144  N = 16   2.359 M MAC
 *   32_32_3_3_1_16    resnet node 0       M = 1024  K = 27   N = 16   0.442 M MAC
 *   16_16_32_3_1_32   resnet node 5       M = 256   K = 288  N = 32   2.359 M MAC  (wide tiles)
 *   8_8_64_3_1_64     resnet 3x3 64->64   M = 64    K = 576  N = 64   2.359 M MAC  (wide tiles)
 * </pre>
 *
 * Scores are microseconds per layer; GMAC/s = MACs / (score * 1000).
 *
 * <pre>bench/jmh.sh ConvNarrowBenchmark -f 1 -wi 3 -i 5</pre>
 *
 * The 8-bit spatial layers take ConvGemmVector's direct mode (no packed panels); {@code
 * -jvmArgsAppend -Dtflited.conv.direct=false} measures the panel path in the same build. On a
 * shared machine compare {@code -bm sample} minima (p0.00) rather than averages.
 */
public class ConvNarrowBenchmark extends KernelBenchmark {
  @Param({"96_96_3_3_2_8", "48_48_8_1_1_16", "128_128_3_3_2_8", "32_32_16_3_1_16",
      "32_32_3_3_1_16", "16_16_32_3_1_32", "8_8_64_3_1_64"})
  public String shape;

  private ConvGemmVector s8;
  private ConvGemmVector u8;
  private ConvGemmVector f32;
  private ExecContext ctxS8;
  private ExecContext ctxU8;
  private ExecContext ctxF32;

  @Setup(Level.Trial)
  public void setup() throws ModelException {
    String[] p = shape.split("_");
    int inH = Integer.parseInt(p[0]);
    int inW = Integer.parseInt(p[1]);
    int inC = Integer.parseInt(p[2]);
    int kk = Integer.parseInt(p[3]);
    int s = Integer.parseInt(p[4]);
    int n = Integer.parseInt(p[5]);
    int outH = (inH + s - 1) / s;
    int outW = (inW + s - 1) / s;
    int padH = Math.max(0, ((outH - 1) * s + kk - inH) / 2);
    int padW = Math.max(0, ((outW - 1) * s + kk - inW) / 2);
    ConvGeometry g =
        new ConvGeometry(1, inH, inW, inC, outH, outW, n, kk, kk, s, s, 1, 1, padH, padW);
    int k = kk * kk * inC;
    int inElems = inH * inW * inC;
    int outElems = outH * outW * n;
    Random r = new Random(42);
    byte[] x8 = new byte[inElems];
    r.nextBytes(x8);
    byte[] w8 = new byte[n * k];
    r.nextBytes(w8);
    byte[] xF = new byte[4 * inElems];
    for (int i = 0; i < inElems; i++) {
      LittleEndian.setFloat(xF, 4 * i, (float) r.nextGaussian());
    }
    float[] wF = new float[n * k];
    for (int i = 0; i < wF.length; i++) {
      wF[i] = (float) r.nextGaussian();
    }
    int[] bias = new int[n];
    int[] mult = new int[n];
    int[] shift = new int[n];
    for (int c = 0; c < n; c++) {
      bias[c] = r.nextInt(1 << 16) - (1 << 15);
      QuantizedMultiplier q = QuantizedMultiplier.of(0.0005 + 0.001 * r.nextDouble());
      mult[c] = q.multiplier();
      shift[c] = q.shift();
    }
    byte[][] a8 = {x8, new byte[outElems], null};
    s8 = ConvGemmVector.int8(g, w8, -3, bias, mult, shift, 1, -128, 127, 0, 1, bytes -> {
      a8[2] = new byte[(int) bytes];
      return 2;
    }, 1);
    ctxS8 = new ExecContext(a8, new int[3], null);
    byte[][] u = {x8.clone(), new byte[outElems], null};
    u8 = ConvGemmVector.uint8(g, w8, 120, 128, bias, mult, shift, 128, 0, 255, 0, 1, bytes -> {
      u[2] = new byte[(int) bytes];
      return 2;
    }, 1);
    ctxU8 = new ExecContext(u, new int[3], null);
    byte[][] af = {xF, new byte[4 * outElems], null};
    f32 = ConvGemmVector.float32(g, wF, new float[n], 0f, 6f, 0, 1, bytes -> {
      af[2] = new byte[(int) bytes];
      return 2;
    }, 1);
    ctxF32 = new ExecContext(af, new int[3], null);
  }

  @Benchmark
  public ExecContext int8() {
    s8.eval(ctxS8);
    return ctxS8;
  }

  @Benchmark
  public ExecContext uint8() {
    u8.eval(ctxU8);
    return ctxU8;
  }

  @Benchmark
  public ExecContext float32() {
    f32.eval(ctxF32);
    return ctxF32;
  }
}
