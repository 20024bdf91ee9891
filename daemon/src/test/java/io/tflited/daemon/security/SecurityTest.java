package io.tflited.daemon.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tflited.daemon.Main;
import io.tflited.daemon.RawHttp;
import io.tflited.daemon.cli.Args;
import io.tflited.daemon.cli.UsageException;
import io.tflited.daemon.config.ConfigLoader;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bind rules (a non-loopback address needs allow_remote, which needs a token) and bearer-token
 * authentication on TCP: 401 without or with a wrong token, 200 with the right one; the health
 * probes stay open; Unix socket clients need no token.
 */
class SecurityTest {
  static final String TOKEN = "s3cret-token-0123456789abcdef";
  private static final ObjectMapper M = new ObjectMapper();
  @TempDir static Path tmp;
  static Daemon daemon;

  @BeforeAll
  static void start() throws Exception {
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = tmp.resolve("s.sock").toString();
    c.allowRemote = true;
    c.authToken = TOKEN;
    daemon = Daemon.start(c, Map.of());
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private static DaemonConfig load(Map<String, String> env, String... argv) throws UsageException {
    return ConfigLoader.load(ConfigLoader.declare(new Args("serve")).parse(argv), env);
  }

  private static RawHttp tcp() throws IOException {
    return new RawHttp(daemon.tcpAddress());
  }

  @Test
  void nonLoopbackAddressNeedsAllowRemoteAndAToken() throws Exception {
    UsageException e = assertThrows(UsageException.class, () -> load(Map.of(), "--http", "0.0.0.0:8080"));
    assertTrue(e.getMessage().contains("allow_remote"), e.getMessage());
    assertThrows(UsageException.class, () -> load(Map.of(), "--http", ":8080"));
    e = assertThrows(UsageException.class, () -> load(Map.of(), "--http", "0.0.0.0:8080", "--allow-remote", "true"));
    assertTrue(e.getMessage().contains("token"), e.getMessage());
    e = assertThrows(UsageException.class,
        () -> load(Map.of("TFLITED_AUTH_TOKEN", "short"), "--http", "0.0.0.0:8080", "--allow-remote", "true"));
    assertTrue(e.getMessage().contains("TFLITED_AUTH_TOKEN") && e.getMessage().contains("16"), e.getMessage());
    DaemonConfig ok = load(Map.of("TFLITED_AUTH_TOKEN", TOKEN), "--http", "0.0.0.0:8080", "--allow-remote", "true");
    assertEquals(TOKEN, ok.authToken);
    // Loopback needs neither; "localhost" and IPv6 loopback count as loopback.
    assertNull(load(Map.of(), "--http", "127.0.0.1:8080").authToken);
    load(Map.of(), "--http", "localhost:8080");
    load(Map.of(), "--http", "[::1]:8080");
  }

  @Test
  void tokenFileIsReadTrimmedAndExclusiveWithTheEnvironment() throws Exception {
    Path f = tmp.resolve("token");
    Files.writeString(f, TOKEN + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    DaemonConfig c = load(Map.of(), "--http", "0.0.0.0:8080", "--allow-remote", "true", "--auth-token-file", f.toString());
    assertEquals(TOKEN, c.authToken);
    UsageException e = assertThrows(UsageException.class, () -> load(Map.of("TFLITED_AUTH_TOKEN", TOKEN),
        "--allow-remote", "true", "--auth-token-file", f.toString()));
    assertTrue(e.getMessage().contains("auth_token_file"), e.getMessage());
    e = assertThrows(UsageException.class, () -> load(Map.of(), "--auth-token-file", tmp.resolve("nope").toString()));
    assertTrue(e.getMessage().contains("auth_token_file"), e.getMessage());
    // A token readable by every user still works, and start-up says so.
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ConfigLoader.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
        new ch.qos.logback.core.read.ListAppender<>();
    seen.start();
    log.addAppender(seen);
    try {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
      assertEquals(TOKEN, load(Map.of(), "--auth-token-file", f.toString()).authToken);
      assertTrue(seen.list.stream().anyMatch(ev -> ev.getLevel() == ch.qos.logback.classic.Level.WARN
          && ev.getFormattedMessage().contains("readable by every user")), seen.list.toString());
    } finally {
      log.detachAppender(seen);
    }
    Files.writeString(f, "has a space in it, quite long\n");
    e = assertThrows(UsageException.class, () -> load(Map.of(), "--auth-token-file", f.toString()));
    assertTrue(e.getMessage().contains("printable"), e.getMessage());
    e = assertThrows(UsageException.class, () -> load(Map.of(), "--tls-cert", f.toString()));
    assertTrue(e.getMessage().contains("tls_key"), e.getMessage());
    e = assertThrows(UsageException.class, () -> load(Map.of(), "--model-control", "maybe"));
    assertTrue(e.getMessage().contains("model-control"), e.getMessage());
  }

  @Test
  void cliExitsWith2NamingAllowRemote() {
    assumeTrue(System.getenv("TFLITED_AUTH_TOKEN") == null, "TFLITED_AUTH_TOKEN is set in this environment");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"serve", "--http", "0.0.0.0:0", "--socket", ""},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("allow_remote"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void serverRefusesANonLoopbackBindConfiguredInCode() {
    DaemonConfig c = new DaemonConfig();
    c.http = "0.0.0.0:0";
    c.socket = "";
    IOException e = assertThrows(IOException.class, () -> Daemon.start(c, Map.of()).stop());
    assertTrue(e.getMessage().contains("allow_remote"), e.getMessage());
    c.allowRemote = true;
    e = assertThrows(IOException.class, () -> Daemon.start(c, Map.of()).stop());
    assertTrue(e.getMessage().contains("token"), e.getMessage());
  }

  @Test
  void tcpRequestsNeedTheBearerToken() throws Exception {
    try (RawHttp h = tcp()) {
      RawHttp.Reply r = h.get("/v2/models", Map.of());
      assertEquals(401, r.status(), r.text());
      assertTrue(r.header("www-authenticate").startsWith("Bearer"), r.headers().toString());
      assertTrue(M.readTree(r.body()).get("error").asText().contains("Authorization"), r.text());
      // The connection stays usable: 401 is an answer, not a hang-up.
      r = h.get("/v2/models", Map.of("Authorization", "Bearer " + TOKEN + "x"));
      assertEquals(401, r.status(), r.text());
      assertTrue(r.header("www-authenticate").contains("invalid_token"), r.headers().toString());
      assertEquals(401, h.get("/v2/models", Map.of("Authorization", "Bearer " + TOKEN.substring(1))).status());
      assertEquals(401, h.get("/v2/models", Map.of("Authorization", "Basic " + TOKEN)).status());
      assertEquals(401, h.get("/v2/models", Map.of("Authorization", "Bearer")).status());
      assertEquals(401, h.get("/metrics", Map.of()).status());
      r = h.get("/v2/models", Map.of("Authorization", "Bearer " + TOKEN));
      assertEquals(200, r.status(), r.text());
      assertTrue(r.text().contains("demo"), r.text());
      // The scheme is case-insensitive (RFC 9110).
      assertEquals(200, h.get("/metrics", Map.of("Authorization", "bearer " + TOKEN)).status());
      r = h.request("POST", "/v2/models/demo/infer", Map.of("Authorization", "Bearer " + TOKEN,
          "Content-Type", "application/json"),
          "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[5.1,3.5,1.4,0.2]}]}"
              .getBytes(StandardCharsets.UTF_8));
      assertEquals(200, r.status(), r.text());
      r = h.request("POST", "/v2/models/demo/infer", Map.of("Content-Type", "application/json"),
          "{}".getBytes(StandardCharsets.UTF_8));
      assertEquals(401, r.status(), "the token is checked before the body is looked at");
    }
  }

  @Test
  void refusedRequestsAreAnsweredBeforeTheirBody() throws Exception {
    // 50 MB announced, nothing sent: the 401 comes from the head alone, no 100 Continue, no
    // buffering; the connection closes since the body would follow.
    try (RawHttp h = tcp()) {
      h.send("POST /v2/models/demo/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Expect: 100-continue\r\nContent-Length: 50000000\r\n\r\n");
      RawHttp.Reply r = h.read();
      assertEquals(401, r.status(), r.text());
      assertEquals("close", r.header("connection"));
      assertTrue(h.closedByServer());
    }
    // Chunked, likewise.
    try (RawHttp h = tcp()) {
      h.send("POST /v2/models/demo/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n");
      assertEquals(401, h.read().status());
    }
    // Without a body the connection stays open.
    try (RawHttp h = tcp()) {
      assertEquals(401, h.get("/v2/models", Map.of()).status());
      assertEquals(200, h.get("/v2/models", Map.of("Authorization", "Bearer " + TOKEN)).status());
    }
  }

  @Test
  void healthProbesAreOpen() throws Exception {
    try (RawHttp h = tcp()) {
      assertEquals(200, h.get("/v2/health/live", Map.of()).status());
      assertEquals(200, h.get("/v2/health/ready", Map.of()).status());
      assertEquals(401, h.get("/v2/health/ready/", Map.of()).status(), "only the exact probe paths are open");
    }
  }

  @Test
  void unixSocketClientsNeedNoToken() throws Exception {
    try (RawHttp h = new RawHttp(UnixDomainSocketAddress.of(daemon.socketPath()))) {
      RawHttp.Reply r = h.get("/v2/models", Map.of());
      assertEquals(200, r.status(), r.text());
      assertEquals(200, h.get("/metrics", Map.of()).status());
      assertEquals(200, h.request("POST", "/v2/repository/index", Map.of(), new byte[0]).status());
    }
  }
}
