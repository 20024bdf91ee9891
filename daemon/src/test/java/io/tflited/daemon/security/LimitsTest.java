package io.tflited.daemon.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.daemon.RawHttp;
import io.tflited.daemon.TestModels;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client-controlled size has a limit with its own status: header block 431, request line
 * 414, body 413 (also chunked, without Content-Length), tensor elements 413 (from the shape,
 * before allocating), batch 400, JSON nesting and number length 400, connections 503, and
 * image headers declaring huge dimensions 413 before any pixel is decoded.
 */
class LimitsTest {
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
  @TempDir static Path tmp;
  static Daemon daemon;

  /** float32 [1,1] passed through, shape signature [-1,-1]: both dimensions are the client's. */
  static byte[] free2d() {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 1}, Quantization.NONE, new int[] {-1, -1});
    b.setInputs(x).setOutputs(x);
    return b.buildBytes();
  }

  static byte[] free3d() {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 1, 1}, Quantization.NONE, new int[] {-1, -1, -1});
    b.setInputs(x).setOutputs(x);
    return b.buildBytes();
  }

  @BeforeAll
  static void start() throws Exception {
    Path models = Files.createDirectories(tmp.resolve("models"));
    TestModels.write(models, "dyn", TestModels.dynamicBatch());
    TestModels.write(models, "free", free2d());
    TestModels.write(models, "free3", free3d());
    ModelBuilder wide = new ModelBuilder();
    int x = wide.addTensor("x", DataType.FLOAT32, new int[] {1, 200}, Quantization.NONE, new int[] {-1, 200});
    wide.setInputs(x).setOutputs(x);
    TestModels.write(models, "wide", wide.buildBytes());
    TestModels.write(models, "rgb8", TestModels.image(DataType.UINT8));
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.models = models;
    c.maxHeaderBytes = 4096;
    c.maxBodyBytes = 1 << 20;
    c.maxTensorElements = 1000;
    c.maxBatch = 8;
    daemon = Daemon.start(c, Map.of());
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private static RawHttp raw() throws IOException {
    return new RawHttp(daemon.tcpAddress());
  }

  private static RawHttp.Reply post(String path, Map<String, String> headers, byte[] body) throws IOException {
    try (RawHttp h = raw()) {
      return h.request("POST", path, headers, body);
    }
  }

  private static RawHttp.Reply infer(String model, String json) throws IOException {
    return post("/v2/models/" + model + "/infer", JSON, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void oversizedHeadersGet431AndLongRequestLines414() throws Exception {
    try (RawHttp h = raw()) {
      RawHttp.Reply r = h.get("/v2/health/live", Map.of("X-Big", "a".repeat(5000)));
      assertEquals(431, r.status(), r.text());
      assertTrue(r.text().contains("max_header_bytes"), r.text());
      assertEquals("close", r.header("connection"));
      assertTrue(h.closedByServer());
    }
    try (RawHttp h = raw()) {
      List<String> many = new ArrayList<>();
      StringBuilder req = new StringBuilder("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n");
      for (int i = 0; i < 400; i++) {
        req.append("X-H").append(i).append(": 0123456789\r\n");
      }
      h.send(req.append("\r\n").toString());
      assertEquals(431, h.read().status(), "many small headers add up");
    }
    try (RawHttp h = raw()) {
      RawHttp.Reply r = h.get("/v2/models/" + "a".repeat(5000), Map.of());
      assertEquals(414, r.status(), r.text());
    }
    try (RawHttp h = raw()) {
      assertEquals(200, h.get("/v2/health/live", Map.of("X-Fine", "a".repeat(2000))).status());
    }
  }

  @Test
  void bodiesOverTheLimitGet413WithOrWithoutContentLength() throws Exception {
    RawHttp.Reply r;
    try (RawHttp h = raw()) { // refused from Content-Length alone, before any body byte is sent
      h.send("POST /v2/models/dyn/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + ((1 << 20) + 1) + "\r\n\r\n");
      r = h.read();
      assertEquals(413, r.status(), r.text());
    }
    try (RawHttp h = raw()) {
      h.send("POST /v2/models/dyn/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n");
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      try {
        for (int i = 0; i < 32; i++) { // 2 MiB in total, twice the limit
          h.send((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          h.send(chunk);
          h.send("\r\n");
        }
        h.send("0\r\n\r\n");
      } catch (IOException closedWhileSending) {
        // the server answered and closed before the whole body was sent: expected
      }
      r = h.read();
      assertEquals(413, r.status(), r.text());
      assertTrue(r.text().contains("limit"), r.text());
    }
  }

  @Test
  void tensorElementsAreCheckedFromTheShapeBeforeAllocating() throws Exception {
    // No data at all: the shape alone is refused, so nothing was sized from it.
    RawHttp.Reply r = infer("free", "{\"inputs\":[{\"name\":\"x\",\"shape\":[4,300],\"datatype\":\"FP32\"}]}");
    assertEquals(413, r.status(), r.text());
    assertTrue(r.text().contains("max_tensor_elements") && r.text().contains("1200"), r.text());
    r = infer("free3", "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2147483647,2147483647],\"datatype\":\"FP32\","
        + "\"parameters\":{\"binary_data_size\":0}}]}");
    assertEquals(413, r.status(), "overflowing products are too large, not negative: " + r.text());
    // Within the limit the same model answers.
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      data.append(i == 0 ? "" : ",").append(i % 7);
    }
    r = infer("free", "{\"inputs\":[{\"name\":\"x\",\"shape\":[4,250],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}");
    assertEquals(200, r.status(), r.text());
    // TF Serving: 8 instances (within max_batch) of 200 values each make 1600 elements.
    StringBuilder inst = new StringBuilder("{\"instances\":[");
    for (int i = 0; i < 8; i++) {
      inst.append(i == 0 ? "" : ",").append("[").append("1,".repeat(199)).append("1]");
    }
    r = post("/v1/models/wide:predict", JSON, inst.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(413, r.status(), r.text());
    assertTrue(r.text().contains("max_tensor_elements"), r.text());
    r = post("/v1/models/wide:predict", JSON, ("{\"instances\":[[" + "1,".repeat(199) + "1]]}")
        .getBytes(StandardCharsets.UTF_8));
    assertEquals(200, r.status(), r.text());
  }

  @Test
  void batchesOverMaxBatchGet400() throws Exception {
    RawHttp.Reply r = infer("dyn", "{\"inputs\":[{\"name\":\"x\",\"shape\":[9,2],\"datatype\":\"FP32\","
        + "\"data\":[" + "1,".repeat(17) + "1]}]}");
    assertEquals(400, r.status(), r.text());
    assertTrue(r.text().contains("max_batch"), r.text());
    r = infer("dyn", "{\"inputs\":[{\"name\":\"x\",\"shape\":[8,2],\"datatype\":\"FP32\","
        + "\"data\":[" + "1,".repeat(15) + "1]}]}");
    assertEquals(200, r.status(), r.text());
    r = post("/v1/models/dyn:predict", JSON, ("{\"instances\":[" + "[1,2],".repeat(8) + "[1,2]]}")
        .getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.status(), r.text());
    assertTrue(r.text().contains("max_batch"), r.text());
    r = post("/v1/models/dyn:predict", JSON, ("{\"instances\":[" + "[1,2],".repeat(7) + "[1,2]]}")
        .getBytes(StandardCharsets.UTF_8));
    assertEquals(200, r.status(), r.text());
  }

  @Test
  void jsonNestingAndNumberLengthAreBounded() throws Exception {
    String deep = "[".repeat(200) + "1" + "]".repeat(200);
    RawHttp.Reply r = infer("dyn", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":" + deep + "}]}");
    assertEquals(400, r.status(), r.text());
    assertTrue(r.text().toLowerCase().contains("nesting"), r.text());
    r = infer("dyn", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1," + "9".repeat(500) + "]}]}");
    assertEquals(400, r.status(), r.text());
    assertTrue(r.text().toLowerCase().contains("number"), r.text());
  }

  // ---- image bombs: tiny files whose headers declare huge images ----------------------------

  private static byte[] encode(String format) throws IOException {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, format, out), format);
    return out.toByteArray();
  }

  static byte[] pngDeclaring(int w, int h) throws IOException {
    byte[] png = encode("png");
    ByteBuffer b = ByteBuffer.wrap(png); // signature(8) length(4) "IHDR"(4) width height ... crc
    b.putInt(16, w).putInt(20, h);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    b.putInt(29, (int) crc.getValue());
    return png;
  }

  static byte[] jpegDeclaring(int w, int h) throws IOException {
    byte[] jpg = encode("jpeg");
    for (int i = 2; i + 9 < jpg.length; i++) {
      if ((jpg[i] & 0xff) == 0xff && (jpg[i + 1] & 0xff) == 0xc0) { // SOF0: len(2) precision(1) h(2) w(2)
        ByteBuffer.wrap(jpg).putShort(i + 5, (short) h).putShort(i + 7, (short) w);
        return jpg;
      }
    }
    throw new AssertionError("no SOF0 marker");
  }

  static byte[] gifDeclaring(int w, int h) throws IOException {
    byte[] gif = encode("gif");
    ByteBuffer b = ByteBuffer.wrap(gif).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(6, (short) w).putShort(8, (short) h); // logical screen
    for (int i = 13; i < gif.length - 9; i++) {
      if (gif[i] == 0x2c) { // image descriptor: left top width height
        b.putShort(i + 5, (short) w).putShort(i + 7, (short) h);
        return gif;
      }
    }
    throw new AssertionError("no image descriptor");
  }

  static byte[] bmpDeclaring(int w, int h) throws IOException {
    byte[] bmp = encode("bmp");
    // width, height, and biSizeImage 0 (allowed for BI_RGB) so the header stays consistent
    ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(18, w).putInt(22, h).putInt(34, 0);
    return bmp;
  }

  @Test
  void imageHeadersDeclaringHugeDimensionsGet413BeforeDecoding() throws Exception {
    Object[][] bombs = {
      {"image/png", pngDeclaring(100_000, 100_000)},
      {"image/jpeg", jpegDeclaring(65_000, 65_000)},
      {"image/gif", gifDeclaring(65_000, 65_000)},
    };
    for (Object[] b : bombs) {
      byte[] body = (byte[]) b[1];
      assertTrue(body.length < 2048, "a tiny file: " + body.length);
      RawHttp.Reply r = post("/v1/models/rgb8:classify", Map.of("Content-Type", (String) b[0]), body);
      assertEquals(413, r.status(), b[0] + ": " + r.text());
      assertTrue(r.text().contains("pixels") || r.text().contains("heap"), r.text());
    }
    // BMP is uncompressed: the JDK reader checks the declared size against the data in the
    // header already and refuses the mismatch (400) without allocating the raster.
    RawHttp.Reply bmp = post("/v1/models/rgb8:classify", Map.of("Content-Type", "image/bmp"), bmpDeclaring(100_000, 100_000));
    assertTrue(bmp.status() == 400 || bmp.status() == 413, bmp.text());
    assertTrue(bmp.text().contains("width/height") || bmp.text().contains("pixels"), bmp.text());
    // The same files with their real size decode and classify.
    RawHttp.Reply ok = post("/v1/models/rgb8:classify", Map.of("Content-Type", "image/png"), pngDeclaring(8, 8));
    assertEquals(200, ok.status(), ok.text());
    ok = post("/v1/models/rgb8:classify", Map.of("Content-Type", "image/jpeg"), jpegDeclaring(8, 8));
    assertEquals(200, ok.status(), ok.text());
  }

  @Test
  void connectionsBeyondTheLimitGet503AndTheCountIsReleased() throws Exception {
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.maxConnections = 2;
    Daemon d = Daemon.start(c, Map.of());
    try {
      var at = d.tcpAddress();
      try (RawHttp a = new RawHttp(at); RawHttp b = new RawHttp(at)) {
        assertEquals(200, a.get("/v2/health/live", Map.of()).status());
        assertEquals(200, b.get("/v2/health/live", Map.of()).status());
        try (RawHttp third = new RawHttp(at)) {
          RawHttp.Reply r = third.read(); // answered without sending anything
          assertEquals(503, r.status(), r.text());
          assertEquals("1", r.header("retry-after"));
          assertTrue(r.text().contains("max_connections"), r.text());
          assertTrue(third.closedByServer());
        }
        assertEquals(200, a.get("/v2/health/live", Map.of()).status(), "admitted connections keep working");
      }
      // Closed connections give their places back (the server sees the FIN asynchronously).
      long end = System.nanoTime() + 10_000_000_000L;
      boolean released = false;
      while (!released && System.nanoTime() < end) {
        try (RawHttp a = new RawHttp(at); RawHttp b = new RawHttp(at)) {
          released = a.get("/v2/health/live", Map.of()).status() == 200
              && b.get("/v2/health/live", Map.of()).status() == 200;
        } catch (IOException | NumberFormatException stillFull) {
          Thread.sleep(50);
        }
        if (!released) {
          Thread.sleep(50);
        }
      }
      assertTrue(released, "two new connections are admitted once the first two closed");
    } finally {
      d.stop();
    }
  }
}
