package io.tflited.daemon.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tflited.daemon.RawHttp;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the TCP listener from a PEM certificate and PKCS#8 key made by openssl for this
 * test; the JDK HttpClient trusts exactly that certificate. The token still applies; the Unix
 * socket stays plain HTTP.
 */
class TlsTest {
  private static final String TOKEN = SecurityTest.TOKEN;
  @TempDir static Path tmp;
  static Daemon daemon;
  static HttpClient client;

  private static boolean openssl(Path dir, String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "openssl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(openssl(tmp, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"), "openssl is not installed: cannot make a test certificate");
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = tmp.resolve("t.sock").toString();
    c.tlsCert = tmp.resolve("cert.pem");
    c.tlsKey = tmp.resolve("key.pem");
    c.authToken = TOKEN;
    daemon = Daemon.start(c, Map.of());
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(c.tlsCert)) {
      trust.setCertificateEntry("tflited", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    client = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private static HttpResponse<String> get(String path, boolean withToken) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + daemon.tcpAddress().getPort() + path));
    if (withToken) {
      b.header("Authorization", "Bearer " + TOKEN);
    }
    return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void httpsWithTheToken() throws Exception {
    HttpResponse<String> r = get("/v2/models", true);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("demo"), r.body());
    assertEquals(401, get("/v2/models", false).statusCode());
    assertEquals(200, get("/v2/health/ready", false).statusCode());
    HttpResponse<String> infer = client.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + daemon.tcpAddress().getPort() + "/v2/models/demo/infer"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[5.1,3.5,1.4,0.2]}]}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, infer.statusCode(), infer.body());
  }

  @Test
  void plainHttpIsNotServedOnTheTlsPort() throws Exception {
    try (Socket s = new Socket("127.0.0.1", daemon.tcpAddress().getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String got;
      try {
        got = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
      } catch (IOException reset) {
        got = "";
      }
      assertFalse(got.startsWith("HTTP/1.1 200"), got);
    }
  }

  @Test
  void unixSocketStaysPlainHttp() throws Exception {
    try (RawHttp h = new RawHttp(UnixDomainSocketAddress.of(daemon.socketPath()))) {
      assertEquals(200, h.get("/v2/models", Map.of()).status());
    }
  }

  @Test
  void unusableKeyStopsStartUpNamingTheKeys() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.tlsCert = dir.resolve("cert.pem");
    c.tlsKey = tmp.resolve("key.pem");
    IOException e = assertThrows(IOException.class, () -> Daemon.start(c, Map.of()).stop());
    assertTrue(e.getMessage().contains("tls_cert") && e.getMessage().contains("PKCS#8"), e.getMessage());
    // A key in the traditional (SEC1) encoding instead of PKCS#8.
    if (openssl(tmp, "ec", "-in", "key.pem", "-out", "sec1.pem")) {
      String sec1 = Files.readString(tmp.resolve("sec1.pem"));
      if (sec1.contains("BEGIN EC PRIVATE KEY")) {
        c.tlsCert = tmp.resolve("cert.pem");
        c.tlsKey = tmp.resolve("sec1.pem");
        e = assertThrows(IOException.class, () -> Daemon.start(c, Map.of()).stop());
        assertTrue(e.getMessage().contains("tls_key"), e.getMessage());
      }
    }
  }
}
