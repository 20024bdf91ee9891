package io.tflited.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full queue -> 503 (KServe) / 429 (TF Serving) with Retry-After; timeout -> 504. */
class BackpressureTest {
  private static final ObjectMapper M = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void fullQueueAndTimeout() throws Exception {
    assumeTrue(TestModels.supports("FULLY_CONNECTED"), "FULLY_CONNECTED not merged yet");
    Path models = Files.createDirectories(tmp.resolve("m"));
    // 8 layers x batch 16: 128M multiply-adds per request, tens of milliseconds at least.
    TestModels.write(models, "slow", TestModels.slow(8, 16));
    // About 2G multiply-adds (tens of ms): the 1 ms timeout below must fire first even when a
    // loaded machine delays CompletableFuture's timer thread by several milliseconds.
    TestModels.write(models, "slower", TestModels.slow(32, 64));
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.models = models;
    c.queueSize = 1;
    c.workers = 1;
    c.warmup = false;
    Daemon d = Daemon.start(c, Map.of());
    try {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + d.tcpAddress().getPort();
      StringBuilder data = new StringBuilder("[");
      for (int i = 0; i < 16 * 1024; i++) {
        data.append(i == 0 ? "" : ",").append("0.5");
      }
      data.append("]");
      String v2 = "{\"inputs\":[{\"name\":\"x\",\"shape\":[16,1024],\"datatype\":\"FP32\",\"data\":" + data + "}]}";
      String v1 = "{\"inputs\":" + data + "}";
      List<CompletableFuture<HttpResponse<String>>> f = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        boolean kserve = i % 2 == 0;
        f.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + (kserve ? "/v2/models/slow/infer"
            : "/v1/models/slow:predict"))).POST(HttpRequest.BodyPublishers.ofString(kserve ? v2 : v1)).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0;
      int rejected = 0;
      for (int i = 0; i < f.size(); i++) {
        HttpResponse<String> r = f.get(i).join();
        if (r.statusCode() == 200) {
          ok++;
        } else {
          assertEquals(i % 2 == 0 ? 503 : 429, r.statusCode(), r.body().substring(0, Math.min(200, r.body().length())));
          assertEquals("1", r.headers().firstValue("retry-after").orElse(null));
          assertTrue(M.readTree(r.body()).get("error").asText().contains("full"), r.body());
          rejected++;
        }
      }
      assertTrue(ok >= 1, "some requests must be served");
      assertTrue(rejected >= 1, "16 simultaneous requests on a queue of 1 must see rejections");
    } finally {
      d.stop();
    }
    c.queueSize = 64;
    c.requestTimeoutMs = 1;
    d = Daemon.start(c, Map.of());
    try {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + d.tcpAddress().getPort();
      StringBuilder v1 = new StringBuilder("{\"inputs\":[");
      for (int i = 0; i < 64 * 1024; i++) {
        v1.append(i == 0 ? "" : ",").append("1");
      }
      v1.append("]}");
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/models/slower:predict"))
          .POST(HttpRequest.BodyPublishers.ofString(v1.toString())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(504, r.statusCode(), r.body().substring(0, Math.min(200, r.body().length())));
      assertTrue(M.readTree(r.body()).get("error").asText().contains("timed out"));
    } finally {
      d.stop();
    }
  }
}
