package io.tflited.daemon.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.daemon.RawHttp;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Unix socket file is deleted (or replaced) while the daemon serves: it listens at the path
 * again within a few seconds, at once on SIGHUP, and leaves a foreign file alone while serving.
 */
class SocketFileRemovedTest {
  @TempDir Path tmp;
  private Daemon daemon;
  private Path socket;

  @BeforeEach
  void start() throws Exception {
    socket = tmp.resolve("run/tflited.sock");
    DaemonConfig c = new DaemonConfig();
    c.http = "";
    c.socket = socket.toString();
    daemon = Daemon.start(c, Map.of());
  }

  @AfterEach
  void stop() {
    daemon.stop();
  }

  private int ready() throws IOException {
    try (RawHttp h = new RawHttp(UnixDomainSocketAddress.of(socket))) {
      return h.request("GET", "/v2/health/ready", Map.of(), null).status();
    }
  }

  @Test
  void aDeletedSocketFileIsBoundAgain() throws Exception {
    try (RawHttp before = new RawHttp(UnixDomainSocketAddress.of(socket))) {
      assertEquals(200, before.request("GET", "/v2/health/ready", Map.of(), null).status());
      Files.delete(socket);
      int status = 0;
      long end = System.nanoTime() + 15_000_000_000L; // the watch checks every 2 s
      while (status != 200 && System.nanoTime() < end) {
        Thread.sleep(100);
        try {
          status = ready();
        } catch (IOException e) {
          // not yet
        }
      }
      assertEquals(200, status, "no listener at " + socket + " after deleting its file");
      // A connection made before the deletion is untouched.
      assertEquals(200, before.request("POST", "/v2/models/demo/infer", Map.of(), FaultSupport.DEMO_REQUEST).status());
    }
  }

  @Test
  void sighupChecksTheSocketFileAtOnce() throws Exception {
    Files.delete(socket.getParent().resolve("tflited.sock"));
    Files.delete(socket.getParent()); // the runtime directory too
    daemon.reload();
    assertEquals(200, ready());
  }

  @Test
  void aForeignFileAtThePathIsLeftAlone() throws Exception {
    Files.delete(socket);
    Files.writeString(socket, "not ours");
    daemon.reload();
    Thread.sleep(2500); // one periodic check too
    assertEquals("not ours", Files.readString(socket));
  }
}
