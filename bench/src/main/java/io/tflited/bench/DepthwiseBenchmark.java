package io.tflited.bench;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.DepthwiseKernels;
import io.tflited.runtime.kernels.vector.DepthwiseVector;
import io.tflited.runtime.kernels.vector.RequantizeVector;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DEPTHWISE_CONV_2D 3x3, stride 1, SAME, depth multiplier 1 on MobileNet shapes, one thread:
 * scalar twin vs Vector API kernel, int8 (per-channel) and float32. The {@code macs}
 * counter is multiply-accumulates per second: divide by 1e9 for GMAC/s.
 *
 * <pre>bench/jmh.sh DepthwiseBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DepthwiseBenchmark {
  @Param({"112x112x32", "14x14x512"})
  public String shape;

  @Param({"int8", "f32"})
  public String type;

  @Param({"scalar", "vector"})
  public String impl;

  private ConvGeometry g;
  private byte[] in;
  private byte[] out;
  private byte[] wModel;
  private byte[] wPacked;
  private int[] wInts;
  private int[] bias;
  private int[] biasInterior;
  private int[] biasPacked;
  private int[] mult;
  private int[] shift;
  private RequantizeVector.Params rq;
  private float[] wf;
  private float[] wfPacked;
  private float[] biasF;
  private long macsPerRun;

  /** Multiply-accumulates done, reported per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Macs {
    public long macs;

    @Setup(Level.Iteration)
    public void reset() {
      macs = 0;
    }
  }

  @Setup
  public void setup() {
    String[] d = shape.split("x");
    int h = Integer.parseInt(d[0]);
    int w = Integer.parseInt(d[1]);
    int c = Integer.parseInt(d[2]);
    g = new ConvGeometry(1, h, w, c, h, w, c, 3, 3, 1, 1, 1, 1, 1, 1);
    macsPerRun = (long) h * w * c * 9;
    Random rnd = new Random(1);
    int elem = type.equals("f32") ? 4 : 1;
    in = new byte[h * w * c * elem];
    out = new byte[h * w * c * elem];
    rnd.nextBytes(in);
    if (elem == 4) {
      for (int i = 0; i < h * w * c; i++) {
        LittleEndian.setFloat(in, 4 * i, (float) rnd.nextGaussian());
      }
    }
    wModel = new byte[9 * c];
    rnd.nextBytes(wModel);
    wPacked = DepthwiseKernels.packBytes(wModel, 9, c);
    wInts = DepthwiseVector.packInts(wModel, c, true, 0);
    bias = new int[c];
    mult = new int[c];
    shift = new int[c];
    for (int i = 0; i < c; i++) {
      bias[i] = rnd.nextInt(2000) - 1000;
      QuantizedMultiplier q = QuantizedMultiplier.of(0.001 + 0.002 * rnd.nextDouble());
      mult[i] = q.multiplier();
      shift[i] = q.shift();
    }
    rq = DepthwiseVector.packParams(mult, shift, c);
    biasPacked = DepthwiseVector.packChannels(bias);
    biasInterior = DepthwiseVector.interiorBias(wInts, biasPacked, 3);
    wf = new float[9 * c];
    biasF = new float[c];
    for (int i = 0; i < wf.length; i++) {
      wf[i] = (float) rnd.nextGaussian();
    }
    wfPacked = DepthwiseKernels.packFloats(wf, 9, c);
  }

  @Benchmark
  public byte[] depthwise3x3(Macs counter) {
    boolean vector = impl.equals("vector");
    if (type.equals("f32")) {
      if (vector) {
        DepthwiseVector.convF32(g, in, 0, wf, biasF, Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY, out, 0, 0, g.outH());
      } else {
        DepthwiseKernels.convF32(g, 1, in, 0, wfPacked, biasF, Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY, out, 0);
      }
    } else if (vector) {
      DepthwiseVector.conv8(g, true, in, 0, wInts, biasPacked, biasInterior, 3, rq, mult, shift,
          -5, -128, 127, out,
          0, 0, g.outH());
    } else {
      DepthwiseKernels.conv8Dm1(g, true, in, 0, wModel, wPacked, 0, bias, 3, mult, shift, -5,
          -128, 127, out, 0);
    }
    counter.macs += macsPerRun;
    return out;
  }
}
