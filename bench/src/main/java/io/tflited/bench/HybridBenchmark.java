package io.tflited.bench;

import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.ConvKernels;
import io.tflited.runtime.kernels.fc.FcKernels;
import io.tflited.runtime.kernels.vector.HybridGemmVector;
import io.tflited.runtime.ops.ExecContext;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Hybrid (float activations, int8 weights) layers of the MLPerf Tiny models, input quantization
 * included, vector ({@link HybridGemmVector}) vs scalar twin:
 *
 * <ul>
 *   <li>{@code kws_conv0}: KWS DS-CNN first CONV_2D, 49x10x1 -> 25x5x64, 10x4 stride 2 SAME,
 *       per-channel (asymmetric inputs): 320,000 MAC, GMAC/s = 320 / score;
 *   <li>{@code kws_pointwise}: its 1x1 CONV_2D 25x5x64 -> 64: 512,000 MAC, GMAC/s = 512 / score;
 *   <li>{@code toycar_640x128}, {@code toycar_128x640}: ToyCar FULLY_CONNECTED, one row,
 *       per-tensor (symmetric inputs): 81,920 MAC, GMAC/s = 81.92 / score.
 * </ul>
 *
 * Scores are microseconds per layer. Single-threaded.
 *
 * <pre>bench/jmh.sh HybridBenchmark -f 1 -wi 3 -i 5</pre>
 */
public class HybridBenchmark extends KernelBenchmark {
  @Param({"kws_conv0", "kws_pointwise", "toycar_640x128", "toycar_128x640"})
  public String layer;

  private boolean conv;
  private ConvGeometry g;
  private int depth;
  private int units;
  private byte[] x;
  private byte[] w;
  private float[] bias;
  private float[] chScale;
  private int[] tapSums;
  private int[] wSums;
  private byte[] q;
  private byte[] out;
  private HybridGemmVector vector;
  private ExecContext ctx;

  @Setup(Level.Trial)
  public void setup() throws ModelException {
    switch (layer) {
      case "kws_conv0" -> g = new ConvGeometry(1, 49, 10, 1, 25, 5, 64, 10, 4, 2, 2, 1, 1, 4, 1);
      case "kws_pointwise" -> g = new ConvGeometry(1, 25, 5, 64, 25, 5, 64, 1, 1, 1, 1, 1, 1, 0,
          0);
      case "toycar_640x128" -> {
        depth = 640;
        units = 128;
      }
      default -> {
        depth = 128;
        units = 640;
      }
    }
    conv = g != null;
    int inFloats = conv ? g.inH() * g.inW() * g.inC() : depth;
    int n = conv ? g.outC() : units;
    int k = conv ? g.kh() * g.kw() * g.inC() : depth;
    int outFloats = conv ? g.outH() * g.outW() * n : units;
    Random r = new Random(42);
    x = new byte[4 * inFloats];
    for (int i = 0; i < inFloats; i++) {
      LittleEndian.setFloat(x, 4 * i, (float) r.nextGaussian());
    }
    w = new byte[n * k];
    for (int i = 0; i < w.length; i++) {
      w[i] = (byte) (r.nextInt(255) - 127);
    }
    bias = new float[n];
    chScale = new float[n];
    for (int c = 0; c < n; c++) {
      bias[c] = (float) r.nextGaussian();
      chScale[c] = 0.001f + 0.01f * r.nextFloat();
    }
    q = new byte[inFloats];
    out = new byte[4 * outFloats];
    byte[][] arrays = new byte[3][];
    arrays[0] = x;
    arrays[1] = out;
    if (conv) {
      int taps = g.kh() * g.kw();
      tapSums = ConvKernels.tapSums(w, n, taps, g.inC(), false);
      wSums = new int[n];
      for (int c = 0; c < n; c++) {
        for (int t = 0; t < taps; t++) {
          wSums[c] += tapSums[c * taps + t];
        }
      }
      vector = HybridGemmVector.conv(g, w, 0.01f, chScale, bias, 0f, Float.MAX_VALUE, 0, 1,
          bytes -> {
            arrays[2] = new byte[(int) bytes];
            return 2;
          }, 1, c -> { });
    } else {
      vector = HybridGemmVector.fullyConnected(1, depth, units, w, false, 0.01f, null, bias, 1, 0,
          1, bytes -> {
            arrays[2] = new byte[(int) bytes];
            return 2;
          }, 1, c -> { });
    }
    ctx = new ExecContext(arrays, new int[3], null);
  }

  @Benchmark
  public byte[] hybridVector() throws InvocationException {
    vector.eval(ctx);
    return out;
  }

  @Benchmark
  public byte[] hybridScalar() {
    if (conv) {
      ConvKernels.convHybridBatches(g, x, 0, q, 0, w, tapSums, wSums, true, 0.01f, chScale, bias,
          0f, Float.MAX_VALUE, out, 0);
    } else {
      FcKernels.hybridFc(x, 0, w, bias, null, 0, 0.01f, null, false, null, 1, q, 0, out, 0, 1,
          depth, units);
    }
    return out;
  }
}
