package io.tflited.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.runtime.DataType;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.AddOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads swap atomically under traffic: while clients post inferences continuously, the
 * model file is replaced and reloaded again and again; every request must succeed and see
 * exactly one of the versions (old or new), never an error or a mix.
 */
class ReloadUnderTrafficTest {
  private static final ObjectMapper M = new ObjectMapper();

  /** y = x + c over float32 [1,3]. */
  static byte[] addConstant(float c) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 3});
    int k = b.addFloatConstant("c", new int[] {1}, c);
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {1, 3});
    b.addOperator(BuiltinOperator.ADD, 1, new int[] {x, k}, new int[] {y},
        BuiltinOptions.AddOptions, fbb -> AddOptions.createAddOptions(fbb, (byte) 0, true));
    b.setInputs(x).setOutputs(y);
    return b.buildBytes();
  }

  @Test
  void everyRequestSucceedsWhileTheModelIsReloaded(@TempDir Path tmp) throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    Files.write(models.resolve("m.tflite"), addConstant(1f));
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.models = models;
    c.workers = 2;
    c.queueSize = 1024;
    Daemon daemon = Daemon.start(c, Map.of());
    try {
      String base = "http://127.0.0.1:" + daemon.tcpAddress().getPort();
      HttpClient client = HttpClient.newHttpClient();
      String body = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}";
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger ok = new AtomicInteger();
      Map<String, Integer> failures = new ConcurrentHashMap<>();
      Map<Float, Integer> seen = new ConcurrentHashMap<>();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread th = new Thread(() -> {
          while (!stop.get()) {
            try {
              HttpResponse<String> r = client.send(
                  HttpRequest.newBuilder(URI.create(base + "/v2/models/m/infer"))
                      .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() != 200) {
                failures.merge(r.statusCode() + " " + r.body(), 1, Integer::sum);
                continue;
              }
              JsonNode data = M.readTree(r.body()).at("/outputs/0/data");
              float offset = (float) data.get(0).asDouble() - 1f;
              boolean consistent = data.get(1).asDouble() == 2 + offset && data.get(2).asDouble() == 3 + offset;
              if (!consistent) {
                failures.merge("mixed output " + data, 1, Integer::sum);
              }
              seen.merge(offset, 1, Integer::sum);
              ok.incrementAndGet();
            } catch (Exception e) {
              failures.merge(e.toString(), 1, Integer::sum);
            }
          }
        });
        th.start();
        clients.add(th);
      }
      for (int round = 0; round < 12; round++) {
        Thread.sleep(150);
        Path next = models.resolve("m.tflite.next");
        Files.write(next, addConstant(round % 2 == 0 ? 2f : 1f));
        Files.move(next, models.resolve("m.tflite"), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        HttpResponse<String> r = client.send(
            HttpRequest.newBuilder(URI.create(base + "/v2/repository/models/m/load"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
      }
      Thread.sleep(200);
      stop.set(true);
      for (Thread th : clients) {
        th.join(10_000);
      }
      System.out.printf("reload under traffic: %d requests ok, versions seen %s, failures %s%n",
          ok.get(), seen, failures);
      assertEquals(Map.of(), failures);
      assertTrue(ok.get() > 50, "too few requests: " + ok.get());
      assertTrue(seen.containsKey(1f) && seen.containsKey(2f), "both versions served: " + seen);
    } finally {
      daemon.stop();
    }
  }
}
