package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector int8 dot product equals the scalar int32 sum, every length, offset and extreme. */
class DotVectorParityTest {
  private static int scalar(byte[] a, int ai, byte[] b, int bi, int n) {
    int s = 0;
    for (int k = 0; k < n; k++) {
      s += a[ai + k] * b[bi + k];
    }
    return s;
  }

  @Test
  void randomLengthsOffsetsAndFills() {
    Random r = new Random(5);
    int step = 2 * Species.I.length();
    for (int round = 0; round < 3000; round++) {
      int n = round < 200 ? round : r.nextInt(round % 7 == 0 ? 5000 : 4 * step + 3);
      int ai = r.nextInt(9);
      int bi = r.nextInt(9);
      byte[] a = new byte[ai + n + r.nextInt(3)];
      byte[] b = new byte[bi + n + r.nextInt(3)];
      switch (round % 4) {
        case 0 -> { Arrays.fill(a, (byte) -128); Arrays.fill(b, (byte) -128); }
        case 1 -> { Arrays.fill(a, (byte) 127); Arrays.fill(b, (byte) -128); }
        default -> { r.nextBytes(a); r.nextBytes(b); }
      }
      assertEquals(scalar(a, ai, b, bi, n), DotVector.dotS8(a, ai, b, bi, n),
          "n " + n + " offsets " + ai + "/" + bi + " round " + round);
    }
  }

  @Test
  void wrapsLikeTheInt32Accumulator() {
    int n = 140_000; // 140000 * 16384 > 2^31: the sum wraps
    byte[] a = new byte[n];
    Arrays.fill(a, (byte) -128);
    assertEquals(scalar(a, 0, a, 0, n), DotVector.dotS8(a, 0, a, 0, n));
  }
}
