package io.tflited.runtime.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Sanity checks of the int16 gemmlowp functions against the real functions, within a few LSB of
 * gemmlowp's int16 accuracy (logistic 12, tanh 20); bit exactness is proven by the LSTM differential tests.
 */
class SequenceFixedPointTest {
  @Test
  void logisticOfZeroIsOneHalf() {
    assertEquals(16384, SequenceFixedPoint.logistic16(0, 3));
  }

  @Test
  void logisticIsCloseToTheRealFunctionOverTheWholeInt16Range() {
    for (int x = -32768; x <= 32767; x++) {
      double real = 1.0 / (1.0 + Math.exp(-x / 4096.0));
      int got = SequenceFixedPoint.logistic16(x, 3);
      assertTrue(Math.abs(got - real * 32768) <= 12, "x=" + x + " got " + got + " real " + real * 32768);
      assertTrue(got >= 0 && got <= 32767);
    }
  }

  @Test
  void tanhIsCloseToTheRealFunctionForEveryIntegerBitCount() {
    for (int bits = 0; bits <= 6; bits++) {
      assertEquals(0, SequenceFixedPoint.tanh16(0, bits));
      for (int x = -32768; x <= 32767; x += 7) {
        double real = Math.tanh(x / (double) (1 << (15 - bits)));
        int got = SequenceFixedPoint.tanh16(x, bits);
        assertTrue(Math.abs(got - real * 32768) <= 20, "bits=" + bits + " x=" + x + " got " + got);
        assertTrue(got >= -32768 && got <= 32767);
      }
    }
  }

  @Test
  void tanhIsOddAndSaturates() {
    assertEquals(-SequenceFixedPoint.tanh16(1000, 3), SequenceFixedPoint.tanh16(-1000, 3));
    assertTrue(SequenceFixedPoint.tanh16(32767, 6) >= 32766);
    assertTrue(SequenceFixedPoint.tanh16(-32768, 6) <= -32767);
  }

  @Test
  void inverseSqrtMultiplierMatchesTheRealValue() {
    for (int v : new int[] {2, 3, 10, 1000, 123456, 1 << 20, (1 << 29) + 5, Integer.MAX_VALUE}) {
      long m = InverseSqrt.multiplierExp(v, -1);
      double value =
          InverseSqrt.multiplier(m) / (double) (1L << 31) * Math.pow(2, InverseSqrt.shift(m));
      assertEquals(1 / Math.sqrt(v), value, 1e-6 / Math.sqrt(v) * 10, "v=" + v);
    }
    long one = InverseSqrt.multiplierExp(1, -1);
    assertEquals(Integer.MAX_VALUE, InverseSqrt.multiplier(one));
    assertEquals(0, InverseSqrt.shift(one));
  }

  @Test
  void checkedLog2AcceptsOnlyPowersOfTwo() {
    assertEquals(-11, SequenceFixedPoint.checkedLog2(1f / 2048));
    assertEquals(-15, SequenceFixedPoint.checkedLog2((float) Math.pow(2, -15)));
    assertNull(SequenceFixedPoint.checkedLog2(0.001f));
  }
}
