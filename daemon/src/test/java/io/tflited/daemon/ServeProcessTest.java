package io.tflited.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.DataType;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs `tflited serve` as a separate JVM: SIGHUP rescans, SIGTERM drains and exits 0. */
class ServeProcessTest {
  @TempDir Path tmp;

  @Test
  void signals() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    TestModels.write(models, "vec", TestModels.single(DataType.FLOAT32, 1, 3));
    boolean fc = TestModels.supports("FULLY_CONNECTED");
    if (fc) {
      TestModels.write(models, "slow", TestModels.slow(4, 96));
    }
    Path sock = tmp.resolve("s.sock");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", cp.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator),
        "io.tflited.daemon.Main", "serve", "--http", "127.0.0.1:0", "--socket", sock.toString(),
        "--models", models.toString(), "--log-level", "info", "--warmup", "false"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("NOTIFY_SOCKET");
    pb.environment().remove("JOURNAL_STREAM");
    Process p = pb.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
        }
      } catch (Exception ignored) {
        // process ended
      }
    });
    reader.start();
    try {
      int port = -1;
      StringBuilder log = new StringBuilder();
      Pattern listen = Pattern.compile("listening on http://[^:]+:(\\d+)");
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < end) {
        String l = lines.poll(1, TimeUnit.SECONDS);
        if (l == null) {
          if (!p.isAlive()) {
            break;
          }
          continue;
        }
        log.append(l).append('\n');
        Matcher m = listen.matcher(l);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
        if (l.contains("tflited ready")) {
          break;
        }
      }
      assertTrue(port > 0, "no listening line in:\n" + log);
      assertTrue(Files.exists(sock));
      HttpClient c = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + port;
      assertEquals(200, c.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/vec")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      // SIGHUP: a new file in the model directory is picked up.
      TestModels.write(models, "later", TestModels.single(DataType.INT8, 1, 2));
      new ProcessBuilder("kill", "-HUP", String.valueOf(p.pid())).start().waitFor();
      int status = 0;
      for (int i = 0; i < 100 && status != 200; i++) {
        Thread.sleep(100);
        status = c.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/later")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode();
      }
      assertEquals(200, status, "model not loaded after SIGHUP");
      // SIGTERM while a request is in flight: it is answered, then the server exits.
      java.util.concurrent.CompletableFuture<HttpResponse<String>> inFlight = null;
      if (fc) {
        String v1 = "{\"inputs\":{\"b64\":\""
            + java.util.Base64.getEncoder().encodeToString(new byte[96 * 1024 * 4]) + "\"}}";
        inFlight = c.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/models/slow:predict"))
            .POST(HttpRequest.BodyPublishers.ofString(v1)).build(), HttpResponse.BodyHandlers.ofString());
        boolean seen = false;
        for (int i = 0; i < 200 && !seen && !inFlight.isDone(); i++) {
          String m = c.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          seen = m.contains("tflited_in_flight{model=\"slow\"} 1");
          if (!seen) {
            Thread.sleep(5);
          }
        }
      }
      // SIGTERM: graceful, exit code 0, socket file removed.
      p.destroy();
      if (inFlight != null) {
        HttpResponse<String> r = inFlight.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), "in-flight request must be answered during drain");
        assertEquals("close", r.headers().firstValue("connection").orElse(""));
      }
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "did not stop after SIGTERM");
      assertEquals(0, p.exitValue());
      assertFalse(Files.exists(sock), "socket file left behind");
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
