package io.tflited.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.runtime.testing.SharedModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `run` contract against the golden data, and :classify on a real image classifier. */
class GoldenContractTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final String MODEL = "google-coral-test_data/mobilenet_v1_0.25_128_quant";
  @TempDir Path tmp;

  @Test
  void runMatchesTheGoldenFiles() throws Exception {
    Path model = SharedModels.require(MODEL + ".tflite");
    Path golden = SharedModels.require("golden/" + MODEL);
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("out");
    CliTest.Result r = CliTest.run("run", "--model", model.toString(), "--input-dir", in.toString(),
        "--output-dir", out.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(Files.readAllBytes(golden.resolve("input_0.bin")), Files.readAllBytes(in.resolve("input_0.bin")),
        "seeded inputs must equal the golden inputs");
    assertArrayEquals(Files.readAllBytes(golden.resolve("output_0.bin")), Files.readAllBytes(out.resolve("output_0.bin")));
    JsonNode mine = M.readTree(out.resolve("meta.json").toFile());
    JsonNode ref = M.readTree(golden.resolve("meta.json").toFile());
    for (String kind : new String[] {"inputs", "outputs"}) {
      assertEquals(ref.get(kind).size(), mine.get(kind).size());
      for (int i = 0; i < ref.get(kind).size(); i++) {
        JsonNode a = ref.get(kind).get(i);
        JsonNode b = mine.get(kind).get(i);
        for (String f : new String[] {"index", "name", "dtype", "shape", "zero_point", "bytes", "file"}) {
          assertEquals(a.get(f).toString(), b.get(f).toString(), kind + "[" + i + "]." + f);
        }
        assertEquals(a.get("scale").asDouble(), b.get("scale").asDouble(), 1e-9);
      }
    }
  }

  @Test
  void classifiesTheCat() throws Exception {
    Path model = SharedModels.require(MODEL + ".tflite");
    Path cat = SharedModels.require("google-coral-test_data/cat.bmp");
    Path labels = SharedModels.require("google-coral-test_data/imagenet_labels.txt");
    Path dir = Files.createDirectories(tmp.resolve("models"));
    Files.copy(model, dir.resolve("mobilenet.tflite"));
    Files.copy(labels, dir.resolve("mobilenet.labels.txt"));
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.models = dir;
    Daemon d = Daemon.start(c, Map.of());
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.tcpAddress().getPort()
              + "/v1/models/mobilenet:classify?k=3"))
              .header("Content-Type", "image/bmp")
              .POST(HttpRequest.BodyPublishers.ofFile(cat)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      JsonNode top = M.readTree(r.body()).get("top_k");
      assertEquals(3, top.size());
      assertTrue(top.get(0).get("label").asText().contains("cat"), r.body());
      assertTrue(top.get(0).get("score").asDouble() > 0.2, r.body());
    } finally {
      d.stop();
    }
  }
}
