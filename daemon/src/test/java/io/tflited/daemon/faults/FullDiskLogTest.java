package io.tflited.daemon.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tflited.daemon.RawHttp;
import java.io.File;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log goes to a full disk: `serve` runs with stdout and stderr on /dev/full (every write
 * fails with ENOSPC) and debug logging (a line per request). It must serve, reload and stop
 * cleanly all the same.
 */
class FullDiskLogTest {
  @TempDir Path tmp;

  @Test
  void servesAndStopsWhileEveryLogWriteFails() throws Exception {
    File full = new File("/dev/full");
    assumeTrue(full.exists(), "/dev/full is missing: cannot simulate a full disk for the log");
    Path sock = tmp.resolve("s.sock");
    Process p = FaultSupport.serve(List.of("--http", "", "--socket", sock.toString(), "--log-level", "debug",
            "--warmup", "false"))
        .redirectOutput(full).redirectError(full).start();
    try {
      assertTrue(FaultSupport.awaitReady(p, sock, 60), "not ready; alive=" + p.isAlive());
      try (RawHttp h = new RawHttp(UnixDomainSocketAddress.of(sock))) {
        for (int i = 0; i < 50; i++) {
          assertEquals(200, h.request("POST", "/v2/models/demo/infer", Map.of(), FaultSupport.DEMO_REQUEST).status());
          assertEquals(404, h.request("GET", "/v2/models/nosuch", Map.of(), null).status());
          assertEquals(400, h.request("POST", "/v2/models/demo/infer", Map.of(), FaultSupport.json("{")).status());
        }
      }
      // SIGHUP logs the rescan (and writes nothing anywhere else).
      new ProcessBuilder("kill", "-HUP", String.valueOf(p.pid())).start().waitFor();
      try (RawHttp h = new RawHttp(UnixDomainSocketAddress.of(sock))) {
        assertEquals(200, h.request("POST", "/v2/models/demo/infer", Map.of(), FaultSupport.DEMO_REQUEST).status());
      }
      assertEquals(0, FaultSupport.terminate(p, 30), "exit code after SIGTERM");
      assertFalse(Files.exists(sock), "socket file left behind");
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
