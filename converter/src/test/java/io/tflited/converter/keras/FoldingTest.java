package io.tflited.converter.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Hand-checked batch norm folding and weight layouts. */
class FoldingTest {
  @Test
  void batchNormMultiplierAndOffset() {
    // gamma 2, var 3, eps 1: 2 / sqrt(4) = 1; gamma 3, var 8: 3 / 3 = 1; gamma 1, var 3: 0.5.
    float[] m = Folding.batchNormMultiplier(new float[] {2, 3, 1}, new float[] {3, 8, 3}, 1f);
    assertArrayEquals(new float[] {1, 1, 0.5f}, m);
    // no gamma: rsqrt(1/36) = 6, rsqrt(1) = 1.
    assertArrayEquals(
        new float[] {6, 1},
        Folding.batchNormMultiplier(null, new float[] {-0.75f, 0.2222222f}, 0.7777778f),
        1e-5f);
    // offset = beta - mean * m
    assertArrayEquals(
        new float[] {-1, 4, 1.5f},
        Folding.batchNormOffset(new float[] {1, 2, 2}, new float[] {2, -2, 1}, m));
    assertArrayEquals(
        new float[] {-2}, Folding.batchNormOffset(null, new float[] {4}, new float[] {0.5f}));
  }

  @Test
  void foldIntoOutputChannels() {
    // OHWI [2, 1, 1, 3]: channel 0 scaled by 2, channel 1 by -1.
    float[] w = {1, 2, 3, 4, 5, 6};
    Folding.scaleAxis(w, new int[] {2, 1, 1, 3}, 0, new float[] {2, -1});
    assertArrayEquals(new float[] {2, 4, 6, -4, -5, -6}, w);
    // depthwise [1, 1, 2, 2]: last axis.
    float[] dw = {1, 2, 3, 4};
    Folding.scaleAxis(dw, new int[] {1, 1, 2, 2}, 3, new float[] {10, 100});
    assertArrayEquals(new float[] {10, 200, 30, 400}, dw);
    float[] bias = {1, 2};
    Folding.foldBias(bias, new float[] {2, -1}, new float[] {0.5f, 3});
    assertArrayEquals(new float[] {2.5f, 1}, bias);
  }

  @Test
  void layouts() {
    // HWIO [1, 2, 2, 3] (kh=1, kw=2, in=2, out=3): element (0, x, i, o) = 100x + 10i + o.
    float[] hwio = new float[12];
    for (int x = 0; x < 2; x++) {
      for (int i = 0; i < 2; i++) {
        for (int o = 0; o < 3; o++) {
          hwio[(x * 2 + i) * 3 + o] = 100 * x + 10 * i + o;
        }
      }
    }
    float[] ohwi = Folding.hwioToOhwi(hwio, 1, 2, 2, 3);
    assertArrayEquals(new float[] {0, 10, 100, 110, 1, 11, 101, 111, 2, 12, 102, 112}, ohwi);
    assertArrayEquals(
        new float[] {1, 4, 2, 5, 3, 6}, Folding.transpose(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
  }
}
