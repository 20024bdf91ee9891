package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Vector MultiplyByQuantizedMultiplier equals FixedPoint's, including extreme inputs. */
class RequantizeVectorParityTest {
  private static final int[] EXTREMES = {
    0, 1, -1, 2, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1,
    Integer.MIN_VALUE + 1, 1 << 30, -(1 << 30), (1 << 30) - 1, -(1 << 30) + 1, 0xffff, -0xffff,
    0x10000, -0x10000, 0x7fff, -0x8000, 0x8000, 12345678, -12345678
  };

  @Test
  void randomMultipliersAndShifts() {
    Random rnd = new Random(42);
    int lanes = Species.I.length();
    int n = lanes * 64;
    for (int round = 0; round < 400; round++) {
      int[] mult = new int[n];
      int[] shift = new int[n];
      int[] x = new int[n];
      for (int i = 0; i < n; i++) {
        mult[i] = multiplier(rnd, round);
        shift[i] = round % 5 == 0 ? rnd.nextInt(10) : -rnd.nextInt(32);
        x[i] = input(rnd, round);
      }
      int[] expected = new int[n];
      for (int i = 0; i < n; i++) {
        expected[i] = FixedPoint.multiplyByQuantizedMultiplier(x[i], mult[i], shift[i]);
      }
      RequantizeVector.multiplyArray(x, RequantizeVector.Params.of(mult, shift, n));
      for (int i = 0; i < n; i++) {
        assertEquals(expected[i], x[i], "lane " + i + " mult " + mult[i] + " shift " + shift[i]);
      }
    }
  }

  @Test
  void everyExtremeInputWithEveryShift() {
    int lanes = Species.I.length();
    int[] mults = {0, 1, 1 << 30, Integer.MAX_VALUE, (1 << 30) + 12345, -(1 << 30),
        -Integer.MAX_VALUE, QuantizedMultiplier.of(0.0003).multiplier(), 0xffff, 0x10000};
    for (int m : mults) {
      for (int s = -31; s <= 8; s++) {
        int n = EXTREMES.length + lanes - EXTREMES.length % lanes;
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
          x[i] = EXTREMES[i % EXTREMES.length];
        }
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
          expected[i] = FixedPoint.multiplyByQuantizedMultiplier(x[i], m, s);
        }
        RequantizeVector.multiplyArray(x, RequantizeVector.Params.uniformOf(m, s, n));
        for (int i = 0; i < n; i++) {
          assertEquals(expected[i], x[i], "x " + EXTREMES[i % EXTREMES.length] + " m " + m
              + " s " + s);
        }
      }
    }
  }

  private static int multiplier(Random rnd, int round) {
    int m = (1 << 30) + rnd.nextInt(1 << 30);
    return round % 7 == 3 ? -m : m;
  }

  private static int input(Random rnd, int round) {
    return switch (round % 4) {
      case 0 -> rnd.nextInt();
      case 1 -> rnd.nextInt(1 << 20) - (1 << 19);
      case 2 -> EXTREMES[rnd.nextInt(EXTREMES.length)];
      default -> rnd.nextInt(65536) - 32768;
    };
  }
}
