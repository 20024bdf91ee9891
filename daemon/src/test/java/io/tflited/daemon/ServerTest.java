package io.tflited.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.runtime.DataType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real server on an ephemeral port and a temporary Unix socket. */
class ServerTest {
  private static final ObjectMapper M = new ObjectMapper();
  @TempDir static Path tmp;
  static Daemon daemon;
  static String base;
  static HttpClient client;
  static Path models;

  @BeforeAll
  static void start() throws Exception {
    models = Files.createDirectories(tmp.resolve("models"));
    TestModels.write(models, "ident", TestModels.identity());
    TestModels.write(models, "vec", TestModels.single(DataType.FLOAT32, 1, 3));
    TestModels.write(models, "rgb8", TestModels.image(DataType.UINT8));
    Files.writeString(models.resolve("rgb8.labels.txt"),
        "r00\ng00\nb00\nr01\ng01\nb01\nr10\ng10\nb10\nr11\ng11\nb11\n");
    TestModels.write(models, "rgbf", TestModels.image(DataType.FLOAT32));
    TestModels.write(models, "half", TestModels.single(DataType.FLOAT16, 1, 3));
    TestModels.write(models, "dyn", TestModels.dynamicBatch());
    TestModels.write(models, "flags", TestModels.single(DataType.BOOL, 1, 3));
    TestModels.write(models, "longs", TestModels.single(DataType.INT64, 1, 2));
    TestModels.write(models, "bytes", TestModels.single(DataType.UINT8, 1, 3));
    TestModels.write(models, "shorts", TestModels.single(DataType.INT16, 1, 2));
    Files.write(models.resolve("broken.tflite"), "not a model at all, really".getBytes(StandardCharsets.UTF_8));
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = tmp.resolve("run/t.sock").toString();
    c.models = models;
    c.maxBodyBytes = 1 << 20;
    Files.createDirectories(tmp.resolve("run"));
    // A stale socket file from a previous run (bound, never unlinked).
    try (var stale = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      stale.bind(UnixDomainSocketAddress.of(tmp.resolve("run/t.sock")));
    }
    assertTrue(Files.exists(tmp.resolve("run/t.sock")));
    daemon = Daemon.start(c, Map.of());
    base = "http://127.0.0.1:" + daemon.tcpAddress().getPort();
    client = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      Path sock = daemon.socketPath();
      daemon.stop();
      assertFalse(Files.exists(sock), "socket file removed at stop");
    }
  }

  static HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode postJson(String path, String json, int expect) throws Exception {
    HttpResponse<byte[]> r = post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    String s = new String(r.body(), StandardCharsets.UTF_8);
    assertEquals(expect, r.statusCode(), s);
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    return M.readTree(s);
  }

  @Test
  void health() throws Exception {
    assertEquals(200, get("/v2/health/live").statusCode());
    HttpResponse<String> r = get("/v2/health/ready");
    assertEquals(200, r.statusCode());
    assertTrue(M.readTree(r.body()).get("ready").asBoolean());
    JsonNode v2 = M.readTree(get("/v2").body());
    assertEquals("tflited", v2.get("name").asText());
    assertTrue(v2.get("extensions").toString().contains("binary_tensor_data"));
  }

  @Test
  void modelMetadataAndReadiness() throws Exception {
    HttpResponse<String> r = get("/v2/models/ident");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode m = M.readTree(r.body());
    assertEquals("ident", m.get("name").asText());
    assertEquals("INT8", m.get("inputs").get(0).get("datatype").asText());
    assertEquals("[1,4]", m.get("inputs").get(0).get("shape").toString());
    assertEquals("FP32", m.get("outputs").get(1).get("datatype").asText());
    String v = m.get("versions").get(0).asText();
    assertEquals("1", v, "versions count per model from 1");
    assertEquals(200, get("/v2/models/ident/versions/" + v).statusCode());
    assertEquals(404, get("/v2/models/ident/versions/999").statusCode());
    assertEquals(200, get("/v2/models/ident/ready").statusCode());
    // A model that failed to load is listed with its reason; the others still serve.
    HttpResponse<String> b = get("/v2/models/broken/ready");
    assertEquals(400, b.statusCode());
    assertFalse(M.readTree(b.body()).get("ready").asBoolean());
    assertFalse(M.readTree(b.body()).get("reason").asText().isEmpty());
    assertEquals(503, get("/v2/models/broken").statusCode());
    JsonNode idx = postJson("/v2/repository/index", "{}", 200);
    assertEquals(11, idx.size(), idx.toString());
    HttpResponse<String> nf = get("/v2/models/nope");
    assertEquals(404, nf.statusCode());
    assertTrue(M.readTree(nf.body()).get("error").asText().contains("nope"));
  }

  @Test
  void kserveJsonInfer() throws Exception {
    JsonNode r = postJson("/v2/models/ident/infer", """
        {"id":"42","inputs":[
          {"name":"q","shape":[1,4],"datatype":"INT8","data":[[1,-2,3,-128]]},
          {"name":"f","shape":[2,3],"datatype":"FP32","data":[0.5,1.5,-2,3,4,5.25]}]}""", 200);
    assertEquals("42", r.get("id").asText());
    assertEquals("ident", r.get("model_name").asText());
    JsonNode q = r.get("outputs").get(0);
    assertEquals("q", q.get("name").asText());
    assertEquals("INT8", q.get("datatype").asText());
    assertEquals("[1,-2,3,-128]", q.get("data").toString());
    assertEquals("[0.5,1.5,-2.0,3.0,4.0,5.25]", r.get("outputs").get(1).get("data").toString());
    // FP32 into the quantized input is quantized with its scale (0.5) and zero point (3).
    r = postJson("/v2/models/ident/infer", """
        {"inputs":[
          {"name":"q","shape":[1,4],"datatype":"FP32","data":[0.0,1.0,-100.0,100.0]},
          {"name":"f","shape":[2,3],"datatype":"FP32","data":[0,0,0,0,0,0]}],
         "outputs":[{"name":"q"}]}""", 200);
    assertEquals(1, r.get("outputs").size());
    assertEquals("[3,5,-128,127]", r.get("outputs").get(0).get("data").toString());
  }

  @Test
  void kserveDatatypes() throws Exception {
    JsonNode r = postJson("/v2/models/half/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP16\",\"data\":[0.5,-2,65504]}]}", 200);
    assertEquals("FP16", r.get("outputs").get(0).get("datatype").asText());
    assertEquals("[0.5,-2.0,65504.0]", r.get("outputs").get(0).get("data").toString());
    r = postJson("/v2/models/flags/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"BOOL\",\"data\":[true,false,true]}]}", 200);
    assertEquals("[true,false,true]", r.get("outputs").get(0).get("data").toString());
    r = postJson("/v2/models/longs/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"INT64\",\"data\":[9007199254740993,-5]}]}", 200);
    assertEquals("[9007199254740993,-5]", r.get("outputs").get(0).get("data").toString());
    r = postJson("/v2/models/bytes/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"UINT8\",\"data\":[0,128,255]}]}", 200);
    assertEquals("[0,128,255]", r.get("outputs").get(0).get("data").toString());
    r = postJson("/v2/models/shorts/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"INT16\",\"data\":[-32768,32767]}]}", 200);
    assertEquals("[-32768,32767]", r.get("outputs").get(0).get("data").toString());
    postJson("/v2/models/bytes/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"UINT8\",\"data\":[0,128,256]}]}", 400);
    postJson("/v2/models/bytes/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"BYTES\",\"data\":[0,1,2]}]}", 400);
  }

  @Test
  void dynamicBatchFollowsTheShapeSignature() throws Exception {
    JsonNode meta = M.readTree(get("/v2/models/dyn").body());
    assertEquals("[-1,2]", meta.get("inputs").get(0).get("shape").toString());
    JsonNode r = postJson("/v2/models/dyn/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[3,2],\"datatype\":\"FP32\",\"data\":[[1,2],[3,4],[5,6]]}]}", 200);
    assertEquals("[3,2]", r.get("outputs").get(0).get("shape").toString());
    assertEquals("[1.0,2.0,3.0,4.0,5.0,6.0]", r.get("outputs").get(0).get("data").toString());
    // Back to the declared shape on the same worker, and TF Serving after a resize.
    r = postJson("/v2/models/dyn/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[7,8]}]}", 200);
    assertEquals("[7.0,8.0]", r.get("outputs").get(0).get("data").toString());
    postJson("/v2/models/dyn/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}", 200);
    r = postJson("/v1/models/dyn:predict", "{\"instances\":[[9,10]]}", 200);
    assertEquals("[[9.0,10.0]]", r.get("predictions").toString());
    r = postJson("/v1/models/dyn:predict", "{\"instances\":[[1,2],[3,4],[5,6]]}", 200);
    assertEquals("[[1.0,2.0],[3.0,4.0],[5.0,6.0]]", r.get("predictions").toString());
    r = postJson("/v1/models/dyn:predict", "{\"instances\":[{\"x\":[7,8]},{\"x\":[9,10]}]}", 200);
    assertEquals("[[7.0,8.0],[9.0,10.0]]", r.get("predictions").toString());
    // The fixed dimension may not change.
    postJson("/v2/models/dyn/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}", 400);
    postJson("/v2/models/vec/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6]}]}", 400);
  }

  @Test
  void kserveBinaryInfer() throws Exception {
    String head = """
        {"inputs":[
          {"name":"q","shape":[1,4],"datatype":"INT8","parameters":{"binary_data_size":4}},
          {"name":"f","shape":[2,3],"datatype":"FP32","parameters":{"binary_data_size":24}}],
         "parameters":{"binary_data_output":true}}""";
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(h.length + 28).order(ByteOrder.LITTLE_ENDIAN);
    b.put(h).put(new byte[] {5, 6, 7, -8});
    for (int i = 0; i < 6; i++) {
      b.putFloat(i * 1.5f);
    }
    HttpResponse<byte[]> r = post("/v2/models/ident/infer", "application/octet-stream", b.array(),
        "Inference-Header-Content-Length", String.valueOf(h.length));
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    int n = Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    JsonNode j = M.readTree(Arrays.copyOf(r.body(), n));
    assertEquals(4, j.get("outputs").get(0).get("parameters").get("binary_data_size").asInt());
    assertEquals(24, j.get("outputs").get(1).get("parameters").get("binary_data_size").asInt());
    assertEquals(n + 28, r.body().length);
    assertArrayEquals(new byte[] {5, 6, 7, -8}, Arrays.copyOfRange(r.body(), n, n + 4));
    ByteBuffer out = ByteBuffer.wrap(r.body(), n + 4, 24).slice().order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(7.5f, out.getFloat(20));
    // binary_data per output: only "f" as binary
    String head2 = """
        {"inputs":[
          {"name":"q","shape":[1,4],"datatype":"INT8","data":[1,2,3,4]},
          {"name":"f","shape":[2,3],"datatype":"FP32","parameters":{"binary_data_size":24}}],
         "outputs":[{"name":"q","parameters":{"binary_data":false}},{"name":"f","parameters":{"binary_data":true}}]}""";
    byte[] h2 = head2.getBytes(StandardCharsets.UTF_8);
    byte[] body2 = Arrays.copyOf(h2, h2.length + 24);
    r = post("/v2/models/ident/infer", "application/octet-stream", body2,
        "Inference-Header-Content-Length", String.valueOf(h2.length));
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    n = Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    j = M.readTree(Arrays.copyOf(r.body(), n));
    assertEquals("[1,2,3,4]", j.get("outputs").get(0).get("data").toString());
    assertEquals(n + 24, r.body().length);
  }

  @Test
  void kserveErrors() throws Exception {
    assertTrue(postJson("/v2/models/ident/infer", "{not json", 400).get("error").asText().contains("JSON"));
    JsonNode e = postJson("/v2/models/ident/infer", """
        {"inputs":[{"name":"q","shape":[1,5],"datatype":"INT8","data":[1,2,3,4,5]},
                   {"name":"f","shape":[2,3],"datatype":"FP32","data":[0,0,0,0,0,0]}]}""", 400);
    assertTrue(e.get("error").asText().contains("shape"), e.toString());
    e = postJson("/v2/models/ident/infer", """
        {"inputs":[{"name":"q","shape":[1,4],"datatype":"INT32","data":[1,2,3,4]},
                   {"name":"f","shape":[2,3],"datatype":"FP32","data":[0,0,0,0,0,0]}]}""", 400);
    assertTrue(e.get("error").asText().contains("INT32"), e.toString());
    e = postJson("/v2/models/ident/infer", """
        {"inputs":[{"name":"q","shape":[1,4],"datatype":"INT8","data":[1,2,3]},
                   {"name":"f","shape":[2,3],"datatype":"FP32","data":[0,0,0,0,0,0]}]}""", 400);
    assertTrue(e.get("error").asText().contains("3 values"), e.toString());
    e = postJson("/v2/models/ident/infer", """
        {"inputs":[{"name":"q","shape":[1,4],"datatype":"INT8","data":[1,2,3,400]},
                   {"name":"f","shape":[2,3],"datatype":"FP32","data":[0,0,0,0,0,0]}]}""", 400);
    assertTrue(e.get("error").asText().contains("range"), e.toString());
    // binary byte count mismatch
    String head = """
        {"inputs":[{"name":"q","shape":[1,4],"datatype":"INT8","parameters":{"binary_data_size":3}},
                   {"name":"f","shape":[2,3],"datatype":"FP32","data":[0,0,0,0,0,0]}]}""";
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> r = post("/v2/models/ident/infer", "application/octet-stream",
        Arrays.copyOf(h, h.length + 3), "Inference-Header-Content-Length", String.valueOf(h.length));
    assertEquals(400, r.statusCode());
    assertTrue(M.readTree(r.body()).get("error").asText().contains("bytes"));
    postJson("/v2/models/nope/infer", "{}", 404);
    r = post("/v2/models/ident/infer", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
    assertEquals(415, r.statusCode());
    assertNotNull(M.readTree(r.body()).get("error"));
    assertEquals(405, get("/v2/models/ident/infer").statusCode());
    assertEquals(404, get("/v2/nothing/here").statusCode());
  }

  @Test
  void oversizedBodyIs413BeforeBuffering() throws Exception {
    try (RawHttp h = new RawHttp(daemon.tcpAddress())) {
      // Only the headers are sent: the answer comes from Content-Length alone.
      RawHttp.Reply r = h.request("POST", "/v2/models/ident/infer",
          Map.of("Content-Type", "application/json", "Content-Length", String.valueOf(64 << 20)), null);
      assertEquals(413, r.status());
      assertTrue(M.readTree(r.body()).get("error").asText().contains("limit"));
    }
  }

  @Test
  void tfServingPredict() throws Exception {
    JsonNode r = postJson("/v1/models/vec:predict", "{\"instances\":[[1,2,3],[4,5,6]]}", 200);
    assertEquals("[[1.0,2.0,3.0],[4.0,5.0,6.0]]", r.get("predictions").toString());
    r = postJson("/v1/models/vec:predict", "{\"inputs\":[[1,2,3]]}", 200);
    assertEquals("[[1.0,2.0,3.0]]", r.get("outputs").toString());
    r = postJson("/v1/models/vec:predict", "{\"instances\":[{\"x\":[7,8,9]}]}", 200);
    assertEquals("[[7.0,8.0,9.0]]", r.get("predictions").toString());
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(-1).putFloat(0.5f);
    r = postJson("/v1/models/vec:predict",
        "{\"instances\":[{\"b64\":\"" + Base64.getEncoder().encodeToString(b.array()) + "\"}]}", 200);
    assertEquals("[[1.0,-1.0,0.5]]", r.get("predictions").toString());
    r = postJson("/v1/models/ident:predict",
        "{\"instances\":[{\"q\":[1,2,3,4],\"f\":[[1,2,3],[4,5,6]]}]}", 400);
    // ident has batch 2 on "f" and 1 on "q": one instance fits neither rule.
    assertTrue(r.get("error").asText().contains("batch"), r.toString());
    r = postJson("/v1/models/ident:predict",
        "{\"inputs\":{\"q\":[[1,2,3,4]],\"f\":[[1,2,3],[4,5,6]]}}", 200);
    assertEquals("[[1,2,3,4]]", r.get("outputs").get("q").toString());
    postJson("/v1/models/vec:predict", "{\"instances\":[[1,2]]}", 400);
    postJson("/v1/models/vec:predict", "{\"nothing\":1}", 400);
    postJson("/v1/models/nope:predict", "{\"instances\":[[1,2,3]]}", 404);
    JsonNode st = M.readTree(get("/v1/models/vec").body());
    assertEquals("AVAILABLE", st.get("model_version_status").get(0).get("state").asText());
    JsonNode md = M.readTree(get("/v1/models/vec/metadata").body());
    assertEquals("DT_FLOAT", md.at("/metadata/signature_def/signature_def/serving_default/inputs/x/dtype").asText());
  }

  static byte[] png(int w, int h, int[] rgb) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, w, h, rgb, 0, w);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void classifyPng() throws Exception {
    // 4x4 image in 2x2 blocks; resized to the model's 2x2 input each block becomes one pixel.
    int[] blocks = {0x102030, 0xff0000, 0x00fe00, 0x0000fd};
    int[] rgb = new int[16];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        rgb[y * 4 + x] = blocks[(y / 2) * 2 + x / 2];
      }
    }
    HttpResponse<byte[]> r = post("/v1/models/rgb8:classify?k=3", "image/png", png(4, 4, rgb));
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    JsonNode top = M.readTree(r.body()).get("top_k");
    assertEquals(3, top.size());
    assertEquals("r01", top.get(0).get("label").asText());
    assertEquals(255.0, top.get(0).get("score").asDouble(), 1e-6);
    assertEquals("g10", top.get(1).get("label").asText());
    assertEquals("b11", top.get(2).get("label").asText());
    // Float model: pixels normalized to [0,1].
    r = post("/v1/models/rgbf:classify?k=1", "image/png", png(4, 4, rgb));
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    top = M.readTree(r.body()).get("top_k");
    assertEquals(1.0, top.get(0).get("score").asDouble(), 1e-6);
    assertEquals("3", top.get(0).get("label").asText());
    // Raw RGB bytes with width/height.
    byte[] raw = new byte[2 * 2 * 3];
    raw[5] = (byte) 200;
    r = post("/v1/models/rgb8:classify?width=2&height=2&k=1", "application/octet-stream", raw);
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    assertEquals("b01", M.readTree(r.body()).get("top_k").get(0).get("label").asText());
    assertEquals(415, post("/v1/models/rgb8:classify", "text/plain", raw).statusCode());
    assertEquals(400, post("/v1/models/rgb8:classify", "image/png", new byte[] {1, 2, 3}).statusCode());
    assertEquals(400, post("/v1/models/vec:classify", "image/png", png(4, 4, rgb)).statusCode());
  }

  @Test
  void unixSocketKeepAlive() throws Exception {
    Path sock = daemon.socketPath();
    assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
    try (RawHttp h = new RawHttp(UnixDomainSocketAddress.of(sock))) {
      RawHttp.Reply a = h.request("GET", "/v2/health/live", Map.of(), null);
      assertEquals(200, a.status());
      assertEquals("keep-alive", a.headers().get("connection"));
      byte[] body = "{\"inputs\":[[1,2,3]]}".getBytes(StandardCharsets.UTF_8);
      RawHttp.Reply b = h.request("POST", "/v1/models/vec:predict", Map.of("Content-Type", "application/json"), body);
      assertEquals(200, b.status(), b.text());
      assertEquals("[[1.0,2.0,3.0]]", M.readTree(b.body()).get("outputs").toString());
      RawHttp.Reply c = h.request("GET", "/v2/models/ident", Map.of(), null);
      assertEquals(200, c.status());
    }
  }

  @Test
  void refusesToReplaceALiveSocketOrAFile() throws Exception {
    DaemonConfig c = new DaemonConfig();
    c.http = "";
    c.socket = daemon.socketPath().toString();
    c.models = Files.createDirectories(tmp.resolve("empty"));
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> Daemon.start(c, Map.of()));
    assertTrue(e.getMessage().contains("listening"), e.getMessage());
    Path file = Files.writeString(tmp.resolve("not-a-socket"), "precious");
    c.socket = file.toString();
    e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Daemon.start(c, Map.of()));
    assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
    assertEquals("precious", Files.readString(file));
    assertEquals(200, get("/v2/health/live").statusCode());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawHttp h = new RawHttp(daemon.tcpAddress())) {
      String slowish = "{\"instances\":[[1,2,3]]}";
      StringBuilder all = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        String path = i % 2 == 0 ? "/v1/models/vec:predict" : "/v2/health/live";
        String body = i % 2 == 0 ? slowish : "";
        all.append(i % 2 == 0 ? "POST " : "GET ").append(path).append(" HTTP/1.1\r\nHost: x\r\n")
            .append("Content-Type: application/json\r\nContent-Length: ").append(body.length())
            .append("\r\n\r\n").append(body);
      }
      h.send(all.toString().getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 5; i++) {
        RawHttp.Reply r = h.read();
        assertEquals(200, r.status());
        assertEquals(i % 2 == 0, r.text().contains("predictions"), r.text());
      }
    }
  }

  @Test
  void metricsExposition() throws Exception {
    postJson("/v1/models/vec:predict", "{\"instances\":[[1,2,3]]}", 200);
    HttpResponse<String> r = get("/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
    String m = r.body();
    for (String s : List.of("tflited_requests_total{model=\"vec\",code=\"200\"}",
        "tflited_request_duration_seconds_bucket{model=\"vec\",le=\"+Inf\"}",
        "tflited_inference_duration_seconds_count{model=\"vec\"}",
        "tflited_inference_allocated_bytes_total{model=\"vec\"}", "tflited_queue_depth{model=\"vec\"}",
        "tflited_models_loaded 10", "tflited_models_failed 1", "tflited_heap_used_bytes", "tflited_resident_memory_bytes")) {
      assertTrue(m.contains(s), s + " missing in\n" + m);
    }
  }

  @Test
  void repositoryLoadUnloadAndRescan() throws Exception {
    TestModels.write(models, "extra", TestModels.single(DataType.INT32, 1, 2));
    assertEquals(404, get("/v2/models/extra").statusCode());
    JsonNode r = postJson("/v2/repository/models/extra/load", "{}", 200);
    assertEquals("READY", r.get("state").asText());
    JsonNode again = postJson("/v2/repository/models/extra/load", "{}", 200);
    assertEquals(Integer.parseInt(r.get("version").asText()) + 1, Integer.parseInt(again.get("version").asText()));
    JsonNode inf = postJson("/v2/models/extra/infer",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"INT32\",\"data\":[7,-9]}]}", 200);
    assertEquals("[7,-9]", inf.get("outputs").get(0).get("data").toString());
    // A broken replacement is reported and the serving version stays.
    Files.writeString(models.resolve("extra.tflite"), "garbage garbage garbage");
    JsonNode bad = postJson("/v2/repository/models/extra/load", "{}", 400);
    assertTrue(bad.get("error").asText().contains("stays in service"), bad.toString());
    assertEquals(200, get("/v2/models/extra/ready").statusCode());
    TestModels.write(models, "extra", TestModels.single(DataType.INT32, 1, 2));
    postJson("/v2/repository/models/extra/unload", "{}", 200);
    assertEquals(404, get("/v2/models/extra").statusCode());
    postJson("/v2/repository/models/extra/unload", "{}", 404);
    postJson("/v2/repository/models/missing/load", "{}", 404);
    // A rescan (what SIGHUP does) picks the file up again and drops deleted ones.
    daemon.registry().rescan();
    assertEquals(200, get("/v2/models/extra").statusCode());
    Files.delete(models.resolve("extra.tflite"));
    daemon.registry().rescan();
    assertEquals(404, get("/v2/models/extra").statusCode());
  }
}
