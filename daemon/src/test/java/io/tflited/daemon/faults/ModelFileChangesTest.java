package io.tflited.daemon.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.daemon.registry.ModelEntry;
import io.tflited.daemon.registry.ModelRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * The model file of a serving version is truncated, overwritten, deleted or replaced while
 * clients send requests (half of them with batch 2, which makes the worker prepare the graph
 * again from the model bytes). Every request, in flight or later, must get the loaded
 * version's answer; a reload of the bad file must keep that version serving and say why (the
 * load endpoint's JSON error, the log line of a SIGHUP rescan).
 */
class ModelFileChangesTest {
  private static final ObjectMapper M = new ObjectMapper();

  enum Change {
    TRUNCATE_TO_ZERO,
    TRUNCATE_TO_HALF,
    GARBAGE_IN_PLACE,
    GARBAGE_BY_RENAME,
    DELETE
  }

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(Change.class)
  void theLoadedVersionKeepsServing(Change change) throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    Path file = models.resolve("m.tflite");
    Files.write(file, FaultSupport.addConstant(1f));
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.models = models;
    c.workers = 2;
    c.queueSize = 256;
    Daemon daemon = Daemon.start(c, Map.of());
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger registryLog = (Logger) LoggerFactory.getLogger(ModelRegistry.class);
    log.start();
    registryLog.addAppender(log);
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    try {
      String base = "http://127.0.0.1:" + daemon.tcpAddress().getPort();
      HttpClient http = HttpClient.newHttpClient();
      AtomicInteger ok = new AtomicInteger();
      Map<String, Integer> failures = new ConcurrentHashMap<>();
      for (int t = 0; t < 3; t++) {
        Thread th = new Thread(() -> {
          for (int i = 0; !stop.get(); i++) {
            int batch = 1 + (i % 2);
            try {
              String err = inferAddOne(http, base, batch);
              if (err == null) {
                ok.incrementAndGet();
              } else {
                failures.merge(err, 1, Integer::sum);
              }
            } catch (Exception e) {
              failures.merge(e.toString(), 1, Integer::sum);
            }
          }
        });
        th.start();
        clients.add(th);
      }
      awaitMore(ok, 20, failures);
      change(file, change);
      awaitMore(ok, 40, failures); // requests in flight during the change and after it

      HttpResponse<String> load = http.send(HttpRequest.newBuilder(
          URI.create(base + "/v2/repository/models/m/load")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      if (change == Change.DELETE) {
        assertEquals(404, load.statusCode(), load.body());
        assertTrue(load.body().contains("no model file"), load.body());
      } else {
        assertEquals(400, load.statusCode(), load.body());
        String error = M.readTree(load.body()).path("error").asText();
        assertTrue(error.contains("failed to load") && error.contains("version 1 stays in service"), error);
        // A SIGHUP rescan sees the changed file, fails to load it and logs why.
        log.list.clear();
        daemon.reload();
        assertTrue(log.list.stream().anyMatch(e -> e.getLevel().toString().equals("ERROR")
            && e.getFormattedMessage().startsWith("model m failed to load from " + file + ": ")),
            "no ERROR line with the reason: " + log.list);
      }
      ModelEntry serving = daemon.registry().get("m");
      assertEquals(1, serving.version());
      assertTrue(serving.isReady());
      awaitMore(ok, 20, failures);
      stop.set(true);
      for (Thread th : clients) {
        th.join(10_000);
      }
      assertEquals(Map.of(), failures, "requests failed or saw other weights after " + change);
    } finally {
      stop.set(true);
      registryLog.detachAppender(log);
      daemon.stop();
    }
  }

  /** Sends x = [1,2,3] per batch row; null when every output is x + 1, else what was wrong. */
  private static String inferAddOne(HttpClient http, String base, int batch) throws Exception {
    StringBuilder data = new StringBuilder();
    for (int b = 0; b < batch; b++) {
      data.append(b == 0 ? "" : ",").append("1,2,3");
    }
    String body = "{\"inputs\":[{\"name\":\"x\",\"shape\":[" + batch + ",3],\"datatype\":\"FP32\",\"data\":["
        + data + "]}]}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/m/infer"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return r.statusCode() + " " + r.body();
    }
    JsonNode out = M.readTree(r.body()).path("outputs").path(0).path("data");
    for (int i = 0; i < 3 * batch; i++) {
      if (out.path(i).floatValue() != (i % 3) + 2) {
        return "wrong output " + out;
      }
    }
    return null;
  }

  private static void awaitMore(AtomicInteger ok, int more, Map<String, Integer> failures)
      throws InterruptedException {
    int target = ok.get() + more;
    long end = System.nanoTime() + 20_000_000_000L;
    while (ok.get() < target && failures.isEmpty() && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertEquals(Map.of(), failures);
    assertTrue(ok.get() >= target, "only " + ok.get() + " of " + target + " answers");
  }

  private static void change(Path file, Change change) throws Exception {
    long size = Files.size(file);
    FileTime later = FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000);
    byte[] garbage = new byte[(int) size];
    new Random(7).nextBytes(garbage);
    switch (change) {
      case TRUNCATE_TO_ZERO, TRUNCATE_TO_HALF -> {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(change == Change.TRUNCATE_TO_ZERO ? 0 : size / 2);
        }
      }
      case GARBAGE_IN_PLACE -> {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.wrap(garbage), 0);
        }
      }
      case GARBAGE_BY_RENAME -> {
        Path t = file.resolveSibling(".m.tmp");
        Files.write(t, garbage);
        Files.move(t, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      case DELETE -> Files.delete(file);
    }
    if (change != Change.DELETE) {
      Files.setLastModifiedTime(file, later); // a rescan must see a change even within one clock tick
    }
  }
}
