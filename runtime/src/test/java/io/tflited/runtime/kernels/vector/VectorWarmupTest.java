package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The kernel warm-up's rounds run every family at this JVM's vector width (the test runs again
 * at 128 and 256 bits) and end allocation-free: every family's vector code compiled. The tests
 * otherwise run with the warm-up off; the daemon and {@code tflited bench} always run it.
 */
class VectorWarmupTest {
  @Test
  void everyFamilyRunsAndEndsCompiled() throws Exception {
    VectorWarmup.Rounds rounds = new VectorWarmup.Rounds();
    List<String> allocating = new ArrayList<>();
    long start = System.nanoTime();
    int done = VectorWarmup.run(rounds, start + VectorWarmup.MAX_NANOS, allocating);
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("vector warm-up at %d bits: %d rounds in %d ms, still allocating: %s%n",
        Species.BITS, done, ms, allocating);
    assertTrue(done >= VectorWarmup.MIN_ROUNDS || rounds.counter == null,
        "ended after " + done + " rounds");
    Assumptions.assumeTrue(rounds.counter != null, "this JVM does not count allocated bytes");
    // Under qemu (scripts/test-arm64.sh) vector code runs ~100x slower than on a Pi.
    Assumptions.assumeTrue(rounds.compiled() || System.getProperty("os.arch").equals("amd64"),
        "the warm-up ran out of time on " + System.getProperty("os.arch")
            + " (emulated here?): " + allocating);
    assertTrue(rounds.compiled() && allocating.isEmpty(),
        "families still allocating after the warm-up: " + allocating);
  }
}
