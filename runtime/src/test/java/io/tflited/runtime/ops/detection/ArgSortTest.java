package io.tflited.runtime.ops.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.detection.ArgSort;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArgSortTest {
  @Test
  void partialSortYieldsTheTopValuesInDecreasingOrder() {
    Random r = new Random(3);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + r.nextInt(40);
      int k = 1 + r.nextInt(n);
      byte[] v = new byte[4 * n];
      Integer[] ref = new Integer[n];
      for (int i = 0; i < n; i++) {
        // Distinct values: the order is then fully determined.
        LittleEndian.setFloat(v, 4 * i, i * 0.37f - (i % 3) * 5.1f + r.nextFloat() * 1e-3f);
        ref[i] = i;
      }
      Arrays.sort(ref, Comparator.comparingDouble(i -> -LittleEndian.getFloat(v, 4 * i)));
      byte[] idx = new byte[4 * n];
      ArgSort.decreasingPartialArgSort(v, 0, n, k, idx, 0);
      for (int i = 0; i < k; i++) {
        assertEquals(ref[i].intValue(), LittleEndian.getInt(idx, 4 * i), "trial " + trial + " rank " + i);
      }
    }
  }

  @Test
  void argMaxTakesTheFirstMaximum() {
    byte[] v = new byte[16];
    float[] vals = {1f, 3f, 3f, 2f};
    for (int i = 0; i < 4; i++) {
      LittleEndian.setFloat(v, 4 * i, vals[i]);
    }
    assertEquals(1, ArgSort.argMax(v, 0, 4));
  }
}
