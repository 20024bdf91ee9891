package io.tflited.daemon.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tflited.daemon.RawHttp;
import io.tflited.daemon.TestModels;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.runtime.DataType;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Clients that go away: half a body then close, many pipelined requests then close without
 * reading, close before a 1 MB answer is read; over TCP and the Unix socket. Afterwards the
 * server serves, its queue and in-flight counts are back to 0, a full queue's worth of
 * requests is accepted, no file descriptor is left open and shutdown finds nothing in flight.
 */
class DisconnectTest {
  private static final int BIG = 256 * 1024; // float32 elements: a 1 MB binary answer

  @TempDir Path tmp;

  @Test
  void clientsThatDisconnectLeaveNothingBehind() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    TestModels.write(models, "big", TestModels.single(DataType.FLOAT32, 1, BIG));
    Files.write(models.resolve("small.tflite"), FaultSupport.addConstant(1f));
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = tmp.resolve("d.sock").toString();
    c.models = models;
    c.queueSize = 4;
    c.workers = 1;
    c.drainTimeoutMs = 3000;
    Daemon daemon = Daemon.start(c, Map.of());
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger daemonLog = (Logger) LoggerFactory.getLogger(Daemon.class);
    log.start();
    daemonLog.addAppender(log);
    try {
      List<SocketAddress> targets = List.of(daemon.tcpAddress(), UnixDomainSocketAddress.of(daemon.socketPath()));
      for (SocketAddress a : targets) {
        assertEquals(200, smallInfer(a)); // warm: lazily opened files (classes, jars) stay out of the count
        bigRequest(a, true);
      }
      int fdsBefore = FaultSupport.openFds();

      for (SocketAddress a : targets) {
        for (int i = 0; i < 20; i++) {
          halfBodyThenClose(a);
        }
        for (int i = 0; i < 5; i++) {
          pipelinedThenClose(a, 50);
        }
        for (int i = 0; i < 5; i++) {
          bigRequest(a, false);
        }
      }

      // Idle again: nothing queued or in flight (the abandoned big answers were computed).
      long end = System.nanoTime() + 15_000_000_000L;
      String metrics = "";
      while (System.nanoTime() < end) {
        metrics = get(targets.get(0), "/metrics");
        if (FaultSupport.metric(metrics, "tflited_in_flight") == 0
            && FaultSupport.metric(metrics, "tflited_queue_depth") == 0) {
          break;
        }
        Thread.sleep(50);
      }
      assertEquals(0, FaultSupport.metric(metrics, "tflited_in_flight"), metrics);
      assertEquals(0, FaultSupport.metric(metrics, "tflited_queue_depth"), metrics);
      // Every queue slot is free again: a full queue's worth of concurrent requests is taken.
      List<CompletableFuture<Integer>> full = new ArrayList<>();
      for (int i = 0; i < c.queueSize; i++) {
        SocketAddress a = targets.get(i % 2);
        full.add(CompletableFuture.supplyAsync(() -> {
          try {
            return bigRequest(a, true);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      for (CompletableFuture<Integer> f : full) {
        assertEquals(200, f.get());
      }
      for (SocketAddress a : targets) {
        assertEquals(200, smallInfer(a));
      }
      // Closed connections are closed on the server side too (allow a few for lazily opened files).
      int fdsAfter = FaultSupport.openFds();
      while (fdsAfter > fdsBefore + 4 && System.nanoTime() < end) {
        Thread.sleep(50);
        fdsAfter = FaultSupport.openFds();
      }
      assertTrue(fdsAfter <= fdsBefore + 4, "open fds " + fdsBefore + " -> " + fdsAfter);
    } finally {
      daemon.stop();
      daemonLog.detachAppender(log);
    }
    assertTrue(log.list.stream().noneMatch(e -> e.getFormattedMessage().startsWith("drain timeout")),
        "a disconnected request is still counted in flight: " + log.list);
  }

  private static int smallInfer(SocketAddress a) throws Exception {
    try (RawHttp h = new RawHttp(a)) {
      return h.request("POST", "/v2/models/small/infer", Map.of(), FaultSupport.json(
          "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}")).status();
    }
  }

  private static String get(SocketAddress a, String path) throws Exception {
    try (RawHttp h = new RawHttp(a)) {
      return h.request("GET", path, Map.of(), null).text();
    }
  }

  /** Declares 1000 bytes, sends 100 and closes. */
  private static void halfBodyThenClose(SocketAddress a) throws Exception {
    try (SocketChannel ch = SocketChannel.open(a)) {
      String head = "POST /v2/models/small/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1000\r\n\r\n{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,";
      ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
    }
  }

  /** Writes n requests in one go and closes without reading an answer. */
  private static void pipelinedThenClose(SocketAddress a, int n) throws Exception {
    byte[] body = FaultSupport.json(
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6]}]}");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      all.write(("POST /v2/models/small/infer HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      all.write(body);
    }
    try (SocketChannel ch = SocketChannel.open(a)) {
      ByteBuffer b = ByteBuffer.wrap(all.toByteArray());
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /**
   * Sends one inference with a 1 MB binary input and a 1 MB binary answer; reads the answer
   * (returns its status) or closes right after sending (returns 0).
   */
  private static int bigRequest(SocketAddress a, boolean read) throws Exception {
    String header = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1," + BIG + "],\"datatype\":\"FP32\","
        + "\"parameters\":{\"binary_data_size\":" + BIG * 4 + "}}],"
        + "\"outputs\":[{\"name\":\"x\",\"parameters\":{\"binary_data\":true}}]}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[h.length + BIG * 4];
    System.arraycopy(h, 0, body, 0, h.length);
    try (RawHttp http = new RawHttp(a)) {
      if (!read) {
        http.send(("POST /v2/models/big/infer HTTP/1.1\r\nHost: x\r\nInference-Header-Content-Length: " + h.length
            + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        http.send(body);
        return 0;
      }
      RawHttp.Reply r = http.request("POST", "/v2/models/big/infer",
          Map.of("Inference-Header-Content-Length", String.valueOf(h.length)), body);
      assertEquals(200, r.status(), r.text());
      assertTrue(r.body().length > BIG * 4, "short answer: " + r.body().length);
      return r.status();
    }
  }
}
