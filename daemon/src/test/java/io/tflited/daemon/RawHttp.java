package io.tflited.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A byte-exact HTTP/1.1 client over TCP or a Unix domain socket, keep-alive: the request goes
 * out exactly as written, so paths are not normalized and limits can be probed; replies are
 * parsed by hand. TCP connections have a read timeout (a hang guard).
 */
public final class RawHttp implements AutoCloseable {
  public record Reply(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.get(name.toLowerCase());
    }
  }

  private final Socket tcp;
  private final SocketChannel unix;
  private final InputStream in;
  private final OutputStream out;

  /** TCP from an optional local address, with an optional small receive buffer (else 0). */
  public RawHttp(InetSocketAddress addr, InetSocketAddress local, int receiveBuffer)
      throws IOException {
    tcp = new Socket();
    if (receiveBuffer > 0) {
      tcp.setReceiveBufferSize(receiveBuffer);
    }
    if (local != null) {
      tcp.bind(local);
    }
    tcp.connect(addr, 5000);
    tcp.setSoTimeout(15_000);
    unix = null;
    in = tcp.getInputStream();
    out = tcp.getOutputStream();
  }

  /** TCP ({@link InetSocketAddress}) or Unix domain socket ({@link UnixDomainSocketAddress}). */
  public RawHttp(SocketAddress addr) throws IOException {
    if (addr instanceof InetSocketAddress a) {
      tcp = new Socket();
      tcp.connect(a, 5000);
      tcp.setSoTimeout(15_000);
      unix = null;
      in = tcp.getInputStream();
      out = tcp.getOutputStream();
    } else {
      tcp = null;
      unix = SocketChannel.open((UnixDomainSocketAddress) addr);
      in = Channels.newInputStream(unix);
      out = Channels.newOutputStream(unix);
    }
  }

  /**
   * A request with Host and, for a body, Content-Length added (unless {@code headers} has
   * one); returns the reply.
   */
  public Reply request(String method, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    if (body != null && !headers.containsKey("Content-Length")) {
      sb.append("Content-Length: ").append(body.length).append("\r\n");
    }
    sb.append("\r\n");
    send(sb.toString().getBytes(StandardCharsets.US_ASCII));
    if (body != null) {
      send(body);
    }
    return read();
  }

  public Reply get(String path, Map<String, String> headers) throws IOException {
    return request("GET", path, headers, null);
  }

  /** Writes these bytes as they are (a request by hand, part of one, or several). */
  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void send(String ascii) throws IOException {
    send(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads one reply; a body cut short by the server is an IOException. */
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
    if (b.length < n) {
      throw new IOException("connection closed after " + b.length + " of " + n + " body bytes");
    }
    return new Reply(code, h, b);
  }

  /** The next {@code n} bytes as they come (fewer only at the end of the stream). */
  public byte[] readSome(int n) throws IOException {
    return in.readNBytes(n);
  }

  /** Reads until the server closes (EOF or reset); the byte count received. */
  public long drain() {
    long n = 0;
    byte[] buf = new byte[65536];
    try {
      int r;
      while ((r = in.read(buf)) >= 0) {
        n += r;
      }
    } catch (IOException e) {
      // a reset also ends the connection
    }
    return n;
  }

  /** Whether the server has closed the connection (EOF or reset on the next read). */
  public boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
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
    if (tcp != null) {
      tcp.close();
    } else {
      unix.close();
    }
  }
}
