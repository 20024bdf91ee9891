package io.tflited.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.daemon.registry.DemoModel;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in demo model, served when there is no config and no model directory. */
class DemoModelTest {
  private static final ObjectMapper M = new ObjectMapper();
  @TempDir Path tmp;

  /** FC(RELU) -> FC -> softmax computed from the model's own constant tensors. */
  static float[] reference(float[] x) throws Exception {
    ModelFile f = ModelFile.parse(DemoModel.build());
    float[][] c = new float[4][];
    int k = 0;
    for (TensorSpec t : f.graph().tensors()) {
      if (t.isConstant()) {
        FloatBuffer fb = t.constantData().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        c[k] = new float[fb.remaining()];
        fb.get(c[k++]);
      }
    }
    float[] h = new float[8];
    for (int o = 0; o < 8; o++) {
      float s = c[1][o];
      for (int i = 0; i < 4; i++) {
        s += c[0][o * 4 + i] * x[i];
      }
      h[o] = Math.max(0, s);
    }
    float[] l = new float[3];
    double sum = 0;
    float max = -Float.MAX_VALUE;
    for (int o = 0; o < 3; o++) {
      float s = c[3][o];
      for (int i = 0; i < 8; i++) {
        s += c[2][o * 8 + i] * h[i];
      }
      l[o] = s;
      max = Math.max(max, s);
    }
    for (int o = 0; o < 3; o++) {
      sum += Math.exp(l[o] - max);
    }
    float[] p = new float[3];
    for (int o = 0; o < 3; o++) {
      p[o] = (float) (Math.exp(l[o] - max) / sum);
    }
    return p;
  }

  @Test
  void demoIsServedWithoutConfig() throws Exception {
    assumeTrue(TestModels.supports("FULLY_CONNECTED", "SOFTMAX"), "FULLY_CONNECTED/SOFTMAX not merged yet");
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = tmp.resolve("d.sock").toString();
    Daemon d = Daemon.start(c, Map.of());
    try {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + d.tcpAddress().getPort();
      float[] x = {5.1f, 3.5f, 1.4f, 0.2f};
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/demo/infer"))
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[5.1,3.5,1.4,0.2]}]}"))
          .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      JsonNode data = M.readTree(r.body()).get("outputs").get(0).get("data");
      float[] want = reference(x);
      for (int i = 0; i < 3; i++) {
        assertEquals(want[i], data.get(i).floatValue(), 1e-5);
      }
      r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/models/demo:predict"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[[5.1,3.5,1.4,0.2],[6.3,2.9,5.6,1.8]]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      JsonNode preds = M.readTree(r.body()).get("predictions");
      assertEquals(2, preds.size());
      float[] want2 = reference(new float[] {6.3f, 2.9f, 5.6f, 1.8f});
      assertEquals(want2[2], preds.get(1).get(2).floatValue(), 1e-5);
    } finally {
      d.stop();
    }
    assertEquals(false, Files.exists(tmp.resolve("d.sock")));
  }

  @Test
  void demoRunsFromTheCli() throws Exception {
    assumeTrue(TestModels.supports("FULLY_CONNECTED", "SOFTMAX"), "FULLY_CONNECTED/SOFTMAX not merged yet");
    Path m = TestModels.write(tmp, "cls", TestModels.classifier());
    CliTest.Result r = CliTest.run("run", "--model", m.toString(), "--input-dir", tmp.resolve("in").toString(),
        "--output-dir", tmp.resolve("out").toString());
    assertEquals(0, r.code(), r.err());
    FloatBuffer p = java.nio.ByteBuffer.wrap(Files.readAllBytes(tmp.resolve("out/output_0.bin")))
        .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    assertEquals(1.0, p.get(0) + p.get(1) + p.get(2), 1e-5);
    r = CliTest.run("bench", "--model", m.toString(), "--num-runs", "5", "--json");
    assertEquals(0, r.code(), r.err());
  }
}
