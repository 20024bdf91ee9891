package io.tflited.daemon.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.daemon.RawHttp;
import io.tflited.daemon.TestModels;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.http.Api;
import io.tflited.daemon.metrics.Metrics;
import io.tflited.daemon.registry.ModelRegistry;
import io.tflited.daemon.transport.HttpServer;
import io.tflited.runtime.DataType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that disconnect mid-answer, mid-body or with pipelined requests pending leave
 * nothing behind: the server's in-flight and connection counts return to zero and it keeps
 * answering. Runs the transport directly (no Daemon) to read those counts.
 */
@org.junit.jupiter.api.Timeout(60)
class DisconnectTest {
  private static final int BIG = 2 << 20;
  @TempDir Path tmp;

  private static void awaitZero(IntSupplier count, String what) throws InterruptedException {
    for (int i = 0; i < 500 && count.getAsInt() != 0; i++) {
      Thread.sleep(20);
    }
    assertEquals(0, count.getAsInt(), what);
  }

  @Test
  void disconnectsReleaseEverything() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    TestModels.write(models, "flags", TestModels.single(DataType.BOOL, 1, BIG));
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.models = models;
    c.warmup = false;
    ModelRegistry registry = new ModelRegistry(c);
    registry.loadInitial();
    Api api = new Api(c, registry, new Metrics(() -> null));
    api.setReady(true);
    HttpServer server = new HttpServer(c, api);
    server.start(tmp.resolve("unused.sock"));
    try {
      byte[] head = ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1," + BIG + "],\"datatype\":\"BOOL\","
          + "\"parameters\":{\"binary_data_size\":" + BIG + "}}]}").getBytes(StandardCharsets.UTF_8);
      String request = "POST /v2/models/flags/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
          + "Inference-Header-Content-Length: " + head.length + "\r\nContent-Length: " + (head.length + BIG) + "\r\n\r\n";
      for (int i = 0; i < 3; i++) {
        // Mid-answer: read the status line and a little of the body, then hang up.
        try (RawHttp h = new RawHttp(server.tcpAddress())) {
          h.send(request);
          h.send(head);
          h.send(new byte[BIG]);
          String some = new String(h.readSome(4096), StandardCharsets.ISO_8859_1);
          assertTrue(some.startsWith("HTTP/1.1 200"), some.substring(0, Math.min(80, some.length())));
          // Pipelined requests behind the first, never read.
          h.send("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n".repeat(20));
        }
        // Before the answer: the request with pipelined ones right behind it (in one write, so
        // the server reads them with the end of the body), then hang up at once. The small
        // answers are ready first and wait behind the big one, whose write fails.
        try (RawHttp h = new RawHttp(server.tcpAddress())) {
          java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
          all.writeBytes(request.getBytes(StandardCharsets.US_ASCII));
          all.writeBytes(head);
          all.writeBytes(new byte[BIG]);
          all.writeBytes("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n".repeat(5).getBytes(StandardCharsets.US_ASCII));
          h.send(all.toByteArray());
        }
        // Mid-body: headers promise more than is sent.
        try (RawHttp h = new RawHttp(server.tcpAddress())) {
          h.send(request);
          h.send(head);
        }
      }
      awaitZero(server::inFlight, "in-flight requests after the clients left");
      awaitZero(server::openConnections, "open connections after the clients left");
      try (RawHttp h = new RawHttp(server.tcpAddress())) {
        assertEquals(200, h.get("/v2/health/live", Map.of()).status());
      }
    } finally {
      server.close();
      registry.drain(1000);
    }
  }
}
