package io.tflited.daemon.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.daemon.RawHttp;
import io.tflited.daemon.TestModels;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.config.ModelPaths;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.runtime.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model names from URLs cannot reach outside the model directory: "..", percent-encoded
 * traversal, absolute paths, separators and symlinks out of the directory are refused with 400
 * (the directory scan skips such symlinks); ordinary names and symlinks within work.
 */
class ModelNameTest {
  @TempDir static Path tmp;
  static Daemon daemon;
  static Path models;

  @BeforeAll
  static void start() throws Exception {
    models = Files.createDirectories(tmp.resolve("models"));
    Path outside = Files.createDirectories(tmp.resolve("secret"));
    TestModels.write(models, "good", TestModels.single(DataType.FLOAT32, 1, 3));
    TestModels.write(models, "v1.2_model-x", TestModels.single(DataType.FLOAT32, 1, 2));
    TestModels.write(outside, "evil", TestModels.single(DataType.FLOAT32, 1, 3));
    Files.createSymbolicLink(models.resolve("link.tflite"), outside.resolve("evil.tflite"));
    Files.createSymbolicLink(models.resolve("alias.tflite"), models.resolve("good.tflite"));
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.models = models;
    c.warmup = false;
    daemon = Daemon.start(c, Map.of());
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private static RawHttp.Reply post(String path) throws Exception {
    try (RawHttp h = new RawHttp(daemon.tcpAddress())) {
      return h.request("POST", path, Map.of(), new byte[0]);
    }
  }

  private static RawHttp.Reply get(String path) throws Exception {
    try (RawHttp h = new RawHttp(daemon.tcpAddress())) {
      return h.get(path, Map.of());
    }
  }

  @Test
  void traversalInLoadIsRefusedWith400() throws Exception {
    String[] names = {
      "..", "%2e%2e", "%2E%2E", ".%2e", "%2e%2e%2fsecret%2fevil", "..%2f..%2fsecret%2fevil",
      "%2fetc%2fpasswd", "%2F" + tmp.toString().substring(1).replace("/", "%2F") + "%2Fsecret%2Fevil",
      "a%5cb", "..%5c..%5csecret", ".hidden", "-dash", "my%20model", "nul%00", "x".repeat(129), "a..b",
    };
    for (String n : names) {
      RawHttp.Reply r = post("/v2/repository/models/" + n + "/load");
      assertEquals(400, r.status(), n + " -> " + r.text());
      assertTrue(r.text().contains("\"error\""), r.text());
    }
    // Unencoded: the segments themselves.
    assertEquals(400, post("/v2/repository/models/../secret/evil/load").status());
    assertEquals(400, post("/v2/repository/models/./good/load").status());
    assertEquals(400, post("/v2/models/../v2/repository/index").status());
  }

  @Test
  void symlinkOutOfTheModelDirectoryIsRefused() throws Exception {
    RawHttp.Reply r = post("/v2/repository/models/link/load");
    assertEquals(400, r.status(), r.text());
    assertTrue(r.text().contains("outside the model directory"), r.text());
    String list = get("/v2/models").text();
    assertFalse(list.contains("\"link\""), "the scan skipped the escaping symlink: " + list);
    assertTrue(list.contains("\"alias\""), "a symlink within the directory is served: " + list);
  }

  @Test
  void ordinaryNamesWork() throws Exception {
    assertEquals(200, post("/v2/repository/models/good/load").status());
    assertEquals(200, post("/v2/repository/models/v1.2_model-x/load").status());
    assertEquals(200, get("/v2/models/v1.2_model-x").status());
    assertEquals(200, get("/v1/models/good").status());
    assertEquals(404, post("/v2/repository/models/missing/load").status(), "valid but absent");
    assertEquals(404, get("/v2/models/missing").status());
  }

  @Test
  void namesInEveryRouteAreValidated() throws Exception {
    assertEquals(400, get("/v2/models/%2e%2e").status());
    assertEquals(400, get("/v2/models/.hidden/ready").status());
    assertEquals(400, get("/v1/models/..:predict").status());
    assertEquals(400, get("/v1/models/%2e%2e%2fgood").status());
    assertEquals(400, post("/v2/repository/models/%2e%2e/unload").status());
    // Malformed percent-encoding is a 400 answer, not a dropped connection.
    for (String bad : new String[] {"/v2/models/%zz", "/v2/models/good%", "/v2/models/good?x=%zz"}) {
      RawHttp.Reply r = get(bad);
      assertEquals(400, r.status(), bad + " -> " + r.text());
      assertTrue(r.text().contains("\"error\""), r.text());
    }
  }

  @Test
  void validatorAndResolver() throws Exception {
    assertNull(ModelPaths.nameProblem("mobilenet_v1_1.0_224_quant"));
    assertNotNull(ModelPaths.nameProblem("../x"));
    assertNotNull(ModelPaths.nameProblem("/etc/passwd"));
    assertNotNull(ModelPaths.nameProblem(""));
    assertEquals(models.resolve("good.tflite").toRealPath(), ModelPaths.resolve(models, "good"));
    assertEquals(models.resolve("good.tflite").toRealPath(), ModelPaths.resolve(models, "alias"));
    assertNull(ModelPaths.resolve(models, "absent"));
    try {
      ModelPaths.resolve(models, "link");
      throw new AssertionError("a symlink out of the directory resolved");
    } catch (ModelPaths.EscapeException expected) {
      assertTrue(expected.getMessage().contains("outside"), expected.getMessage());
    }
  }
}
