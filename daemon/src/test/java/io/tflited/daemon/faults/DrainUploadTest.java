package io.tflited.daemon.faults;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop waits for a request whose body is still arriving: the client that had sent
 * its head and half its body when the stop began finishes the upload and gets its 200.
 */
class DrainUploadTest {
  @Test
  void stopWaitsForABodyStillUploading() throws Exception {
    DaemonConfig c = new DaemonConfig();
    c.http = "127.0.0.1:0";
    c.socket = "";
    c.drainTimeoutMs = 10_000;
    Daemon daemon = Daemon.start(c, Map.of());
    InetSocketAddress a = daemon.tcpAddress();
    byte[] body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[5.1,3.5,1.4,0.2]}]}"
        .getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket(a.getAddress(), a.getPort())) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /v2/models/demo/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      long end = System.nanoTime() + 10_000_000_000L;
      while (daemon.requestsInProgress() == 0 && System.nanoTime() < end) {
        Thread.sleep(10); // until the server has read the head
      }
      CompletableFuture<Void> stop = CompletableFuture.runAsync(daemon::stop);
      Thread.sleep(500);
      assertFalse(stop.isDone(), "stop must wait for the request still uploading");
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      stop.get(15, TimeUnit.SECONDS);
    } finally {
      daemon.stop();
    }
  }
}
