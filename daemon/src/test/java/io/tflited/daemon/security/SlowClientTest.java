package io.tflited.daemon.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.daemon.RawHttp;
import io.tflited.daemon.TestModels;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.runtime.DataType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients cannot hold the server: a request trickled a byte at a time (slowloris), a
 * silent connection and a trickled body get 408 once read_timeout_ms has passed since the
 * request began; idle keep-alive connections are closed silently; a client that stops
 * reading a large answer is disconnected after write_timeout_ms. Other clients are served
 * throughout.
 */
@org.junit.jupiter.api.Timeout(60)
class SlowClientTest {
  /** Elements of the "flags" output: ~4M booleans, ~24 MB of JSON, more than socket buffers hold. */
  private static final int BIG = 4 << 20;

  /** Own threads: the common pool may have a single worker on a small machine. */
  private static final java.util.concurrent.ExecutorService THREADS =
      java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "slow-client-test");
        t.setDaemon(true);
        return t;
      });

  @TempDir static Path tmp;
  static Daemon daemon;

  @BeforeAll
  static void start() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    TestModels.write(models, "vec", TestModels.single(DataType.FLOAT32, 1, 3));
    TestModels.write(models, "flags", TestModels.single(DataType.BOOL, 1, BIG));
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.models = models;
    c.warmup = false;
    c.readTimeoutMs = 1000;
    c.idleTimeoutMs = 1500;
    c.writeTimeoutMs = 1000;
    daemon = Daemon.start(c, Map.of());
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.stop();
    }
  }

  /** Other clients, each on a new connection, until stopped; counts answers by kind. */
  private static final class Others implements AutoCloseable {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final CompletableFuture<Void> done;

    Others() {
      done = CompletableFuture.runAsync(() -> {
        byte[] body = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}"
            .getBytes(StandardCharsets.UTF_8);
        while (!stop.get()) {
          try (RawHttp h = new RawHttp(daemon.tcpAddress())) {
            boolean good = h.get("/v2/health/ready", Map.of()).status() == 200
                && h.request("POST", "/v2/models/vec/infer", Map.of("Content-Type", "application/json"), body)
                    .status() == 200;
            (good ? ok : failed).incrementAndGet();
          } catch (IOException e) {
            failed.incrementAndGet();
          }
        }
      }, THREADS);
    }

    /** Stops the loop and waits for its last request. */
    void finish() {
      stop.set(true);
      done.join();
    }

    @Override
    public void close() {
      finish();
    }
  }

  /** Sends {@code bytes} one at a time, 100 ms apart, until done or the server hangs up. */
  private static CompletableFuture<Boolean> trickle(RawHttp h, byte[] bytes) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        for (byte b : bytes) {
          h.send(new byte[] {b});
          Thread.sleep(100);
        }
        return true;
      } catch (IOException e) {
        return false; // cut off
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }, THREADS);
  }

  @Test
  void slowlorisHeadersAreCutOffWith408WhileOthersAreServed() throws Exception {
    try (Others others = new Others(); RawHttp slow = new RawHttp(daemon.tcpAddress())) {
      slow.send("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n");
      // 60 header bytes at 10 per second would take 6 s; the limit is 1 s.
      CompletableFuture<Boolean> sent = trickle(slow, "X-Slow: abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmn\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      RawHttp.Reply r = slow.read();
      assertEquals(408, r.status(), r.text());
      assertTrue(r.text().contains("read_timeout_ms"), r.text());
      assertTrue(slow.closedByServer());
      assertEquals(false, sent.join(), "the server hung up before the headers were complete");
      others.finish();
      assertTrue(others.ok.get() > 0, "other clients were answered meanwhile");
      assertEquals(0, others.failed.get());
    }
  }

  @Test
  void silentConnectionGets408() throws Exception {
    try (RawHttp silent = new RawHttp(daemon.tcpAddress())) {
      assertEquals(408, silent.read().status());
      assertTrue(silent.closedByServer());
    }
  }

  @Test
  void trickledBodyGets408() throws Exception {
    try (RawHttp slow = new RawHttp(daemon.tcpAddress())) {
      slow.send("POST /v2/models/vec/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{");
      CompletableFuture<Boolean> sent = trickle(slow, " ".repeat(99).getBytes(StandardCharsets.US_ASCII));
      assertEquals(408, slow.read().status());
      assertEquals(false, sent.join());
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosedSilently() throws Exception {
    try (RawHttp h = new RawHttp(daemon.tcpAddress())) {
      assertEquals(200, h.get("/v2/health/live", Map.of()).status());
      assertEquals(200, h.get("/v2/health/live", Map.of()).status(), "kept alive");
      // The next read blocks until the server closes: EOF without a 408 (nothing was asked).
      assertTrue(h.closedByServer());
    }
  }

  @Test
  void clientThatStopsReadingIsDisconnectedWhileOthersAreServed() throws Exception {
    byte[] input = new byte[BIG];
    byte[] head = ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1," + BIG + "],\"datatype\":\"BOOL\","
        + "\"parameters\":{\"binary_data_size\":" + BIG + "}}]}").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + input.length];
    System.arraycopy(head, 0, body, 0, head.length);
    try (RawHttp reader = new RawHttp(daemon.tcpAddress(), null, 4096)) {
      reader.send(("POST /v2/models/flags/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
          + "Inference-Header-Content-Length: " + head.length + "\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      reader.send(body);
      // Do not read. Meanwhile the server keeps answering others; the wait below is only long
      // enough for write_timeout_ms (1 s) to pass, nothing is asserted about its length.
      try (Others others = new Others()) {
        Thread.sleep(3000);
        others.finish();
        assertTrue(others.ok.get() > 0, "other clients were answered while one stopped reading");
        assertEquals(0, others.failed.get());
      }
      RawHttp.Reply r = null;
      long got;
      try {
        r = reader.read();
        got = r.body().length;
      } catch (IOException cutOff) {
        got = -1; // the body ended early: the connection was closed mid-answer
      }
      assertTrue(r == null || got < Long.parseLong(r.header("content-length")),
          "the answer (~" + 6L * BIG + " bytes of JSON) was not delivered whole: " + got);
      assertTrue(reader.closedByServer() || r == null, "the connection was closed");
    }
    // The server is fine afterwards.
    try (RawHttp h = new RawHttp(daemon.tcpAddress())) {
      assertEquals(200, h.get("/v2/health/ready", Map.of()).status());
    }
  }
}
