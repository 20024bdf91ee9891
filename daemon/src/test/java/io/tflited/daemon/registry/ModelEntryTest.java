package io.tflited.daemon.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.daemon.TestModels;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.InterpreterOptions;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModelEntryTest {
  @Test
  void fullQueueRejectsAtOnceAndRetiredVersionFinishesItsWork() throws Exception {
    DaemonConfig c = new DaemonConfig();
    c.queueSize = 1;
    c.workers = 1;
    CompiledModel m = CompiledModel.fromBuffer(ByteBuffer.wrap(TestModels.identity()), InterpreterOptions.defaults());
    ModelEntry e = ModelEntry.ready("m", 1, null, 0, m, null, c.settingsFor("m"));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> running = e.submit(it -> {
      started.countDown();
      release.await();
      return "first";
    });
    assertTrue(started.await(5, TimeUnit.SECONDS));
    CompletableFuture<String> queued = e.submit(it -> "second");
    long t0 = System.nanoTime();
    assertThrows(QueueFullException.class, () -> e.submit(it -> "third"));
    assertTrue(System.nanoTime() - t0 < 100_000_000L, "rejection must be immediate");
    assertEquals(1, e.queueDepth());
    e.retire();
    assertThrows(QueueFullException.class, () -> e.submit(it -> "after retire"));
    release.countDown();
    assertEquals("first", running.get(5, TimeUnit.SECONDS));
    assertEquals("second", queued.get(5, TimeUnit.SECONDS));
    assertTrue(e.awaitDrained(5000));
  }

  @Test
  void workersOwnTheirInterpreters() throws Exception {
    DaemonConfig c = new DaemonConfig();
    c.workers = 3;
    CompiledModel m = CompiledModel.fromBuffer(ByteBuffer.wrap(TestModels.identity()), InterpreterOptions.defaults());
    ModelEntry e = ModelEntry.ready("m", 1, null, 0, m, null, c.settingsFor("m"));
    Set<Object> seen = ConcurrentHashMap.newKeySet();
    CountDownLatch all = new CountDownLatch(3);
    CompletableFuture<?>[] f = new CompletableFuture<?>[3];
    for (int i = 0; i < 3; i++) {
      f[i] = e.submit(it -> {
        seen.add(System.identityHashCode(it) + "/" + Thread.currentThread().getName());
        all.countDown();
        all.await(5, TimeUnit.SECONDS); // three tasks at once: needs three workers
        return null;
      });
    }
    CompletableFuture.allOf(f).get(10, TimeUnit.SECONDS);
    assertEquals(3, seen.size());
    e.retire();
    assertTrue(e.awaitDrained(5000));
  }
}
