package io.tflited.runtime.ops.fc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.QuantizedMultiplier;
import io.tflited.runtime.quant.RuyRequantize;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Measures how TFLite 2.4.1's FULLY_CONNECTED requantizes, on depth-1 models whose
 * accumulators are set exactly through the bias (acc = x + bias[u], weights all 1): int8 goes
 * through ruy's x86 kernel ({@link RuyRequantize}, ties toward +infinity), uint8 rounds like the
 * reference MultiplyByQuantizedMultiplier (ties away from zero).
 */
class RequantizeRoundingTest {
  @ParameterizedTest
  @ValueSource(strings = {"INT8", "UINT8"})
  void roundingMatchesTfLite(String typeName) throws Exception {
    TfLiteOracle.assumeAvailable();
    DataType type = DataType.valueOf(typeName);
    boolean unsigned = type == DataType.UINT8;
    int zp = unsigned ? 128 : 0;
    Random r = new Random(3);
    int units = 600;
    int total = 0;
    int mismatchesOfModel = 0;
    int mismatchesOfOther = 0;
    for (int batches : new int[] {1, 3, 8}) {
      for (int trial = 0; trial < 20; trial++) {
        float inS = 0.5f + r.nextFloat();
        float wS = 0.5f + r.nextFloat();
        float outS = trial % 2 == 0
            ? (float) Math.scalb(1.0, 2 + r.nextInt(8)) : 4 + r.nextFloat() * 500;
        FullyConnectedTest.Spec s = new FullyConnectedTest.Spec();
        s.inType = s.wType = s.outType = type;
        s.biasType = DataType.INT32;
        s.inShape = new int[] {batches, 1};
        s.units = units;
        s.depth = 1;
        s.inQ = Quantization.of(inS, zp);
        s.wQ = Quantization.of(wS, zp);
        s.bQ = Quantization.of(inS * wS, 0);
        s.outQ = Quantization.of(outS, zp);
        s.version = unsigned ? 1 : 4;
        s.weights = new byte[units];
        Arrays.fill(s.weights, (byte) (zp + 1));
        double real = (double) (inS * wS) / outS;
        int lim = (int) (120 / real);
        int[] bias = new int[units];
        ByteBuffer bb = ByteBuffer.allocate(4 * units).order(ByteOrder.LITTLE_ENDIAN);
        for (int u = 0; u < units; u++) {
          bias[u] = r.nextInt(2 * lim + 1) - lim;
          bb.putInt(bias[u]);
        }
        s.bias = bb.array();
        byte[] in = new byte[batches];
        int[] x = new int[batches];
        for (int b = 0; b < batches; b++) {
          x[b] = r.nextInt(21) - 10;
          in[b] = (byte) (x[b] + zp);
        }
        byte[] expected = TfLiteOracle.run(s.build(), new byte[][] {in})[0];
        byte[] actual = FullyConnectedTest.runOnce(s.build(), in);
        QuantizedMultiplier qm = QuantizedMultiplier.of(real);
        for (int b = 0; b < batches; b++) {
          for (int u = 0; u < units; u++) {
            int acc = x[b] + bias[u];
            int e = unsigned ? (expected[b * units + u] & 0xFF) - zp : expected[b * units + u];
            int ruy = RuyRequantize.apply(acc, qm.multiplier(), qm.shift());
            int ref = FixedPoint.multiplyByQuantizedMultiplier(acc, qm.multiplier(), qm.shift());
            if ((unsigned ? ref : ruy) != e) {
              mismatchesOfModel++;
            }
            if ((unsigned ? ruy : ref) != e) {
              mismatchesOfOther++;
            }
            total++;
          }
        }
        assertEquals(Arrays.toString(expected), Arrays.toString(actual));
      }
    }
    assertEquals(0, mismatchesOfModel, "of " + total);
    // The data has enough exact ties to tell the two roundings apart.
    assertTrue(mismatchesOfOther > 100, "only " + mismatchesOfOther + " ties of " + total);
  }
}
