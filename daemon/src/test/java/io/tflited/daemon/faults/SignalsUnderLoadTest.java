package io.tflited.daemon.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.daemon.RawHttp;
import io.tflited.daemon.TestModels;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals to a `serve` child JVM under load. SIGTERM: every answer that starts is complete and
 * 200 (those written during the drain say Connection: close), new connections are refused,
 * exit 0 within the drain timeout, socket file removed. SIGKILL: the socket file stays behind
 * and a new daemon on the same path removes it and serves.
 */
class SignalsUnderLoadTest {
  private static final int CLIENTS = 8;

  @TempDir Path tmp;

  @Test
  void sigtermUnderLoadAnswersEveryAcceptedRequest() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    Files.write(models.resolve("m.tflite"), FaultSupport.addConstant(1f));
    boolean fc = TestModels.supports("FULLY_CONNECTED");
    if (fc) {
      Files.write(models.resolve("slow.tflite"), TestModels.slow(4, 4));
    }
    Path sock = tmp.resolve("s.sock");
    Process p = FaultSupport.serve(List.of("--http", "", "--socket", sock.toString(), "--models", models.toString(),
            "--warmup", "false", "--workers", "2", "--queue-size", "256", "--drain-timeout-ms", "10000"))
        .redirectErrorStream(true).redirectOutput(tmp.resolve("serve.log").toFile()).start();
    AtomicBoolean termSent = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger closeAnswers = new AtomicInteger();
    AtomicInteger unanswered = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    Map<String, Integer> bad = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    try {
      assertTrue(FaultSupport.awaitReady(p, sock, 60), "not ready: " + log());
      byte[] fast = FaultSupport.json(
          "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}");
      byte[] slow = FaultSupport.json("{\"inputs\":{\"b64\":\""
          + java.util.Base64.getEncoder().encodeToString(new byte[4 * 1024 * 4]) + "\"}}");
      for (int t = 0; t < CLIENTS; t++) {
        boolean slowClient = fc && t % 4 == 0;
        Thread th = new Thread(() -> {
          RawHttp h = null;
          while (true) {
            try {
              if (h == null) {
                try {
                  h = new RawHttp(UnixDomainSocketAddress.of(sock));
                } catch (IOException e) {
                  if (termSent.get()) {
                    refused.incrementAndGet();
                    return;
                  }
                  bad.merge("connect before SIGTERM: " + e, 1, Integer::sum);
                  return;
                }
              }
              RawHttp.Reply r;
              try {
                r = slowClient ? h.request("POST", "/v1/models/slow:predict", Map.of(), slow)
                    : h.request("POST", "/v2/models/m/infer", Map.of(), fast);
              } catch (IOException e) {
                // Closed before any byte of an answer: the request was never read (HTTP/1.1's
                // idle-close race, which clients retry); at most one per connection.
                unanswered.incrementAndGet();
                h.close();
                h = null;
                continue;
              }
              String len = r.headers().get("content-length");
              if (r.status() != 200 || len == null || Integer.parseInt(len) != r.body().length) {
                bad.merge(r.status() + " " + r.body().length + "/" + len + " bytes: "
                    + new String(r.body(), 0, Math.min(200, r.body().length), StandardCharsets.UTF_8), 1, Integer::sum);
              } else {
                ok.incrementAndGet();
              }
              if ("close".equals(r.headers().get("connection"))) {
                closeAnswers.incrementAndGet();
                h.close();
                h = null;
              }
            } catch (IOException | RuntimeException e) {
              bad.merge(e.toString(), 1, Integer::sum);
              return;
            }
          }
        });
        th.start();
        clients.add(th);
      }
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (ok.get() < 300 && bad.isEmpty() && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertTrue(ok.get() >= 300, "no load: " + ok.get() + " answers, " + bad);
      termSent.set(true);
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "did not stop within the drain timeout: " + log());
      assertEquals(0, p.exitValue(), log());
      for (Thread th : clients) {
        th.join(10_000);
        assertFalse(th.isAlive(), "a client is stuck");
      }
      assertEquals(Map.of(), bad, "failed or incomplete answers");
      assertEquals(CLIENTS, refused.get(), "every client ends on a refused connect");
      assertTrue(unanswered.get() <= CLIENTS, unanswered.get() + " requests unanswered");
      assertTrue(closeAnswers.get() > 0, "no answer during the drain");
      assertFalse(Files.exists(sock), "socket file left behind");
      assertThrows(IOException.class, () -> new RawHttp(UnixDomainSocketAddress.of(sock)).close());
      System.out.printf("SIGTERM under load: %d answers, %d during the drain (Connection: close),"
          + " %d closed before an answer started%n", ok.get(), closeAnswers.get(), unanswered.get());
    } finally {
      termSent.set(true);
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void sigkillLeavesAStaleSocketThatTheNextStartRemoves() throws Exception {
    Path sock = tmp.resolve("s.sock");
    List<String> args = List.of("--http", "", "--socket", sock.toString(), "--warmup", "false");
    Process first = FaultSupport.serve(args).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("first.log").toFile()).start();
    Process second = null;
    try {
      assertTrue(FaultSupport.awaitReady(first, sock, 60), "first not ready");
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      assertTrue(first.waitFor(20, TimeUnit.SECONDS));
      assertEquals(137, first.exitValue());
      assertTrue(Files.exists(sock), "SIGKILL cannot remove the socket file");
      second = FaultSupport.serve(args).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("second.log").toFile()).start();
      assertTrue(FaultSupport.awaitReady(second, sock, 60),
          "restart did not come up: " + Files.readString(tmp.resolve("second.log")));
      try (RawHttp h = new RawHttp(UnixDomainSocketAddress.of(sock))) {
        assertEquals(200, h.request("POST", "/v2/models/demo/infer", Map.of(), FaultSupport.DEMO_REQUEST).status());
      }
      assertTrue(Files.readString(tmp.resolve("second.log")).contains("removing stale socket " + sock));
      assertEquals(0, FaultSupport.terminate(second, 30));
    } finally {
      first.destroyForcibly();
      if (second != null && second.isAlive()) {
        second.destroyForcibly();
      }
    }
  }

  private String log() throws IOException {
    Path l = tmp.resolve("serve.log");
    return Files.exists(l) ? Files.readString(l) : "";
  }
}
