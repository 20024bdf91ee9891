package io.tflited.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.daemon.cli.Args;
import io.tflited.daemon.config.ConfigLoader;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.transport.SocketPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path tmp;

  private DaemonConfig load(Map<String, String> env, String... argv) throws Exception {
    return ConfigLoader.load(ConfigLoader.declare(new Args("serve")).parse(argv), env);
  }

  @Test
  void invalidConfigIsOneLineNamingTheKeyWithExitCode2() throws Exception {
    String[][] cases = {
      {"bogus_key: 1", "bogus_key"},
      {"queue_size: lots", "queue_size"},
      {"log_level: loud", "log_level"},
      {"http: nohostport", "http"},
      {"workers: 0", "workers"},
      {"image_std: [1, 0, 1]", "image_std"},
      {"model_settings:\n  m:\n    colour: red", "model_settings.m"},
      {"models: /definitely/not/here", "models"},
      {"http: [1, 2", "cannot parse"},
      {"http: \"0.0.0.0:1\"", "allow_remote"},
      {"allow_remote: perhaps", "allow_remote"},
      {"allow_remote: true\nhttp: \"0.0.0.0:1\"", "allow_remote"},
      {"auth_token_file: /definitely/not/here", "auth_token_file"},
      {"tls_cert: /nope\ntls_key: /nope", "tls_cert"},
      {"tls_key: /nope", "tls_cert"},
      {"model_control: maybe", "model_control"},
      {"max_header_bytes: 10", "max_header_bytes"},
      {"max_tensor_elements: 0", "max_tensor_elements"},
      {"max_batch: -1", "max_batch"},
      {"max_connections: none", "max_connections"},
      {"read_timeout_ms: 0", "read_timeout_ms"},
      {"idle_timeout_ms: 5", "idle_timeout_ms"},
      {"write_timeout_ms: 1.5", "write_timeout_ms"},
    };
    for (String[] c : cases) {
      Path f = tmp.resolve("c.yaml");
      Files.writeString(f, c[0] + "\n");
      CliTest.Result r = CliTest.run("serve", "--config", f.toString());
      assertEquals(2, r.code(), c[0] + " -> " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains(c[1]), c[0] + " -> " + r.err());
    }
    CliTest.Result r = CliTest.run("serve", "--queue-size", "-1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("queue-size"), r.err());
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(f, "http: \"127.0.0.1:1111\"\nqueue_size: 5\nworkers: 2\nsocket_mode: 0640\n"
        + "models: " + tmp + "\nmodel_settings:\n  a:\n    labels: [x, y]\n    workers: 4\n");
    DaemonConfig c = load(Map.of(), "--config", f.toString());
    assertEquals("127.0.0.1:1111", c.http);
    assertEquals(5, c.queueSize);
    assertEquals(0640, c.socketMode);
    assertEquals(4, c.settingsFor("a").workers());
    assertEquals(2, c.settingsFor("b").workers());
    assertEquals(java.util.List.of("x", "y"), c.settingsFor("a").labels());
    c = load(Map.of("TFLITED_HTTP", "127.0.0.1:2222", "TFLITED_QUEUE_SIZE", "7", "TFLITED_CONFIG", f.toString()));
    assertEquals("127.0.0.1:2222", c.http);
    assertEquals(7, c.queueSize);
    c = load(Map.of("TFLITED_HTTP", "127.0.0.1:2222"), "--config", f.toString(), "--http", "127.0.0.1:3333",
        "--socket", "");
    assertEquals("127.0.0.1:3333", c.http);
    assertEquals("", c.socket);
    c = load(Map.of());
    assertNull(c.models, "no config, no models dir: demo model");
    assertEquals("127.0.0.1:8080", c.http);
  }

  @Test
  void securityAndLimitKeysFollowTheSamePrecedence() throws Exception {
    DaemonConfig d = load(Map.of());
    assertEquals(false, d.allowRemote);
    assertNull(d.authToken);
    assertEquals(DaemonConfig.ModelControl.LOCAL, d.modelControl);
    assertEquals(16384, d.maxHeaderBytes);
    assertEquals(16L << 20, d.maxTensorElements);
    assertEquals(64, d.maxBatch);
    assertEquals(256, d.maxConnections);
    assertEquals(30_000, d.readTimeoutMs);
    assertEquals(60_000, d.idleTimeoutMs);
    assertEquals(30_000, d.writeTimeoutMs);
    Path f = tmp.resolve("s.yaml");
    Files.writeString(f, "model_control: off\nmax_batch: 4\nmax_connections: 9\nread_timeout_ms: 500\n");
    DaemonConfig c = load(Map.of("TFLITED_MAX_BATCH", "5", "TFLITED_MODEL_CONTROL", "all"), "--config", f.toString(),
        "--max-batch", "6", "--max-header-bytes", "2048", "--idle-timeout-ms", "700", "--write-timeout-ms", "800",
        "--max-tensor-elements", "100");
    assertEquals(DaemonConfig.ModelControl.ALL, c.modelControl);
    assertEquals(6, c.maxBatch);
    assertEquals(9, c.maxConnections);
    assertEquals(500, c.readTimeoutMs);
    assertEquals(2048, c.maxHeaderBytes);
    assertEquals(700, c.idleTimeoutMs);
    assertEquals(800, c.writeTimeoutMs);
    assertEquals(100, c.maxTensorElements);
  }

  @Test
  void shippedConfigFileIsValid() throws Exception {
    Path shipped = Path.of("..", "config", "tflited.yaml");
    if (!Files.exists(shipped)) {
      shipped = Path.of("config", "tflited.yaml");
    }
    String text = Files.readString(shipped).replace("\"/var/lib/tflited/models\"", "\"" + tmp + "\"");
    Path f = tmp.resolve("shipped.yaml");
    Files.writeString(f, text);
    DaemonConfig c = load(Map.of(), "--config", f.toString());
    assertEquals(0660, c.socketMode);
    assertEquals(64L << 20, c.maxBodyBytes);
    for (String key : ConfigLoader.KEYS) {
      assertTrue(text.contains(key + ":") || text.contains("# " + key + ":"), "undocumented key " + key);
    }
  }

  @Test
  void defaultSocketPath() {
    assertEquals(Path.of("/x/y/tflited.sock"), SocketPaths.defaultPath(Map.of("RUNTIME_DIRECTORY", "/x/y")));
    Path p = SocketPaths.defaultPath(Map.of("XDG_RUNTIME_DIR", tmp.toString(), "USER", "u"));
    assertTrue(p.equals(tmp.resolve("tflited.sock")) || p.equals(Path.of("/run/tflited/tflited.sock")), p.toString());
  }
}
