package io.tflited.daemon.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify reaches an AF_UNIX datagram socket (the receiver is a python3 one-liner). */
class SdNotifyTest {
  @TempDir Path tmp;

  @Test
  void sendsDatagramsToNotifySocket() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 needed to receive datagrams");
    Path sock = tmp.resolve("notify.sock");
    Process py = new ProcessBuilder("/usr/bin/python3", "-c",
        "import socket,sys\n"
            + "s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\n"
            + "s.bind(sys.argv[1])\nprint('bound',flush=True)\ns.settimeout(10)\n"
            + "for i in range(2): print(s.recv(4096).decode().replace('\\n','|'),flush=True)\n",
        sock.toString()).redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("bound", r.readLine());
      SdNotify n = new SdNotify(Map.of("NOTIFY_SOCKET", sock.toString()));
      assertTrue(n.enabled());
      n.send("READY=1\nSTATUS=test");
      n.send("STOPPING=1");
      assertEquals("READY=1|STATUS=test", r.readLine());
      assertEquals("STOPPING=1", r.readLine());
    } finally {
      py.waitFor(5, TimeUnit.SECONDS);
      py.destroyForcibly();
    }
  }

  @Test
  void noSocketNoNotifications() {
    SdNotify n = new SdNotify(Map.of());
    assertTrue(!n.enabled());
    n.send("READY=1");
    assertEquals(0, SdNotify.watchdogMillis(Map.of()));
    assertEquals(30_000, SdNotify.watchdogMillis(Map.of("WATCHDOG_USEC", "30000000")));
  }
}
