package io.tflited.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArenaPlannerTest {
  @Test
  void chainReusesMemory() {
    // a -> b -> c -> d, each 1000 bytes: two buffers suffice.
    List<ArenaPlanner.Request> r = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      r.add(new ArenaPlanner.Request(i, 1000, i, i + 1));
    }
    ArenaPlanner.Plan p = ArenaPlanner.plan(r, 4);
    ArenaPlanner.verify(r, p);
    assertEquals(2 * ArenaPlanner.align(1000), p.arenaBytes());
  }

  @Test
  void randomPlansNeverOverlapAndBeatNaive() {
    Random random = new Random(1);
    for (int round = 0; round < 200; round++) {
      int n = 1 + random.nextInt(60);
      List<ArenaPlanner.Request> r = new ArrayList<>();
      long naive = 0;
      for (int i = 0; i < n; i++) {
        int first = random.nextInt(50);
        int last = first + random.nextInt(10);
        long bytes = random.nextInt(100_000);
        r.add(new ArenaPlanner.Request(i, bytes, first, last));
        naive += ArenaPlanner.align(bytes);
      }
      ArenaPlanner.Plan p = ArenaPlanner.plan(r, n);
      ArenaPlanner.verify(r, p);
      assertTrue(p.arenaBytes() <= naive);
      for (ArenaPlanner.Request q : r) {
        assertEquals(0, p.offsets()[q.id()] % ArenaPlanner.ALIGNMENT);
      }
    }
  }

  @Test
  void verifyDetectsOverlap() {
    List<ArenaPlanner.Request> r =
        List.of(new ArenaPlanner.Request(0, 100, 0, 2), new ArenaPlanner.Request(1, 100, 1, 3));
    ArenaPlanner.Plan bad = new ArenaPlanner.Plan(new long[] {0, 50}, 150);
    assertThrows(IllegalStateException.class, () -> ArenaPlanner.verify(r, bad));
  }
}
