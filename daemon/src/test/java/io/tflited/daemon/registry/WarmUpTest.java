package io.tflited.daemon.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.daemon.config.DaemonConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load-time warm-up: repeated inferences until the JIT goes quiet (what makes the first
 * served request fast), one inference when the tests' JVM switches warm-ups off, none when the
 * configuration does.
 */
class WarmUpTest {
  private static final String OFF = "tflited.warmup.off";
  private final String saved = System.getProperty(OFF);

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(OFF);
    } else {
      System.setProperty(OFF, saved);
    }
  }

  @Test
  void repeatsUntilTheJitIsQuietWithinTheBudget() throws Exception {
    System.clearProperty(OFF);
    ModelRegistry r = new ModelRegistry(new DaemonConfig());
    long t0 = System.nanoTime();
    r.loadInitial();
    long took = System.nanoTime() - t0;
    ModelEntry e = r.get(DemoModel.NAME);
    assertTrue(e.isReady());
    assertTrue(e.warmupRuns() > 1, "warm-up ran " + e.warmupRuns() + " inference(s)");
    assertTrue(took < ModelRegistry.WARMUP_BUDGET_NANOS + 5_000_000_000L,
        "load took " + took / 1_000_000 + " ms");
    r.drain(1000);
  }

  @Test
  void oneRunWhenTheJvmSwitchesWarmUpsOffNoneWhenConfiguredOff() throws Exception {
    System.setProperty(OFF, "true");
    ModelRegistry r = new ModelRegistry(new DaemonConfig());
    r.loadInitial();
    assertEquals(1, r.get(DemoModel.NAME).warmupRuns());
    r.drain(1000);
    DaemonConfig off = new DaemonConfig();
    off.warmup = false;
    ModelRegistry none = new ModelRegistry(off);
    none.loadInitial();
    assertEquals(0, none.get(DemoModel.NAME).warmupRuns());
    none.drain(1000);
  }
}
