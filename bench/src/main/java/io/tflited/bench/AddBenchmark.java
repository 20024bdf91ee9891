package io.tflited.bench;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.QuantizedAddRow;
import io.tflited.runtime.kernels.vector.ElementwiseVector;
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
 * 8-bit ADD rows (MobileNet v2's residual ADDs) on MobileNet shapes, one thread: scalar twin
 * ({@code QuantizedAddRow}) vs {@code ElementwiseVector.add8}, one row of H*W*C elements per
 * operation. Compare widths with {@code -jvmArgsAppend -Dtflited.vector.bits=128}.
 *
 * <pre>bench/jmh.sh AddBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AddBenchmark {
  @Param({"28x28x32", "56x56x24"})
  public String shape;

  @Param({"int8", "uint8"})
  public String type;

  @Param({"scalar", "vector"})
  public String impl;

  private byte[] a;
  private byte[] b;
  private byte[] out;
  private int n;
  private BinaryRow row;

  @Setup
  public void setup() {
    n = 1;
    for (String d : shape.split("x")) {
      n *= Integer.parseInt(d);
    }
    Random rnd = new Random(5);
    a = new byte[n];
    b = new byte[n];
    out = new byte[n];
    rnd.nextBytes(a);
    rnd.nextBytes(b);
    boolean signed = type.equals("int8");
    DataType t = signed ? DataType.INT8 : DataType.UINT8;
    // Scales and zero points of the kind MobileNet v2's ADDs have.
    float sa = 0.37f;
    float sb = 0.21f;
    float so = 0.43f;
    int base = signed ? -128 : 0;
    int za = base + 131;
    int zb = base + 122;
    int zo = base + 127;
    double twiceMax = 2 * Math.max(sa, sb);
    QuantizedMultiplier m1 = QuantizedMultiplier.of(sa / twiceMax);
    QuantizedMultiplier m2 = QuantizedMultiplier.of(sb / twiceMax);
    QuantizedMultiplier mo = QuantizedMultiplier.of(twiceMax / ((float) (1 << 20) * so));
    QuantizedAddRow scalar = new QuantizedAddRow(t, -za, -zb, zo, 20, m1.multiplier(),
        m1.shift(), m2.multiplier(), m2.shift(), mo.multiplier(), mo.shift(), base, base + 255);
    row = impl.equals("scalar") ? scalar : ElementwiseVector.add8(signed, -za, -zb, zo, 20,
        m1.multiplier(), m1.shift(), m2.multiplier(), m2.shift(), mo.multiplier(), mo.shift(),
        base, base + 255, scalar);
  }

  @Benchmark
  public byte[] add() {
    row.apply(a, 0, 1, b, 0, 1, out, 0, n);
    return out;
  }
}
