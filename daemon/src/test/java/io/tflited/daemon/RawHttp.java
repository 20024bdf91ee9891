package io.tflited.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A minimal HTTP/1.1 client over a JDK SocketChannel (TCP or Unix domain), keep-alive. */
public final class RawHttp implements AutoCloseable {
  public record Reply(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final SocketChannel ch;
  private final InputStream in;
  private final OutputStream out;

  public RawHttp(SocketAddress addr) throws IOException {
    ch = SocketChannel.open(addr);
    in = Channels.newInputStream(ch);
    out = Channels.newOutputStream(ch);
  }

  public Reply send(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    if (body != null && !headers.containsKey("Content-Length")) {
      sb.append("Content-Length: ").append(body.length).append("\r\n");
    }
    sb.append("\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    if (body != null) {
      out.write(body);
    }
    out.flush();
    return read();
  }

  public void raw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public Reply read() throws IOException {
    String status = line();
    int code = Integer.parseInt(status.split(" ")[1]);
    Map<String, String> h = new LinkedHashMap<>();
    String l;
    while (!(l = line()).isEmpty()) {
      int c = l.indexOf(':');
      h.put(l.substring(0, c).trim().toLowerCase(), l.substring(c + 1).trim());
    }
    int n = Integer.parseInt(h.getOrDefault("content-length", "0"));
    byte[] b = in.readNBytes(n);
    return new Reply(code, h, b);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c == -1 && b.size() == 0) {
      throw new IOException("connection closed");
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
