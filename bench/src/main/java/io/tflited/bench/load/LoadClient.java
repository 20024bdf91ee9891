package io.tflited.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A closed-loop HTTP/1.1 load generator for `tflited serve` over TCP or a Unix domain socket
 * (wrk cannot reach a Unix socket). Each connection is one platform thread with a blocking
 * {@link SocketChannel}, keep-alive, requests prebuilt as bytes and chosen by weight from a mix
 * file; it records every latency (microseconds, into a growing int array per connection) and
 * counts answers by status. At the end it prints requests/s, p50/p99/p99.9/max of the 2xx
 * answers, p50/p99 of the others (a full queue's 503/429 must be fast) and the status counts
 * on one line of {@code key=value} pairs (bench/load.sh and bench/soak.sh parse
 * it).
 *
 * <pre>
 * java -cp bench/target/classes io.tflited.bench.load.LoadClient \
 *     --target tcp:127.0.0.1:8080 | unix:/run/tflited/tflited.sock \
 *     --mix FILE --connections N --seconds S [--warmup-seconds W] [--think-ms T]
 *     [--report-seconds R] [--strict]
 * </pre>
 *
 * <p>Mix file: one request per line, whitespace-separated {@code key=value} tokens; {@code #}
 * starts a comment. Keys: {@code weight} (default 1), {@code method} (default POST), {@code
 * path}, {@code type} (Content-Type), {@code body=@FILE} (the body's bytes), {@code header=K:V}
 * (repeatable), {@code declare=N} (send Content-Length N and no body: an oversized request the
 * server must refuse from its headers; the connection is reopened afterwards), {@code
 * expect=200,400} (statuses counted as expected; default any 2xx) and, last on the line,
 * {@code json=REST} (the rest of the line is the body).
 *
 * <p>With {@code --strict} the exit status is 1 when any answer was unexpected or any I/O error
 * happened (a refused connect, a reset, a short answer).
 */
public final class LoadClient {
  /** One prebuilt request. */
  record Request(String name, int weight, byte[] bytes, boolean reconnectAfter, boolean[] expected) {}

  private final SocketAddress target;
  private final Request[] mix;
  private final int totalWeight;
  private final AtomicLongArray statuses = new AtomicLongArray(600);
  private final AtomicLongArray unexpected = new AtomicLongArray(600);
  private final AtomicLongArray ioErrors = new AtomicLongArray(1);
  private volatile boolean recording;
  private volatile boolean running = true;

  LoadClient(SocketAddress target, List<Request> mix) {
    this.target = target;
    this.mix = mix.toArray(new Request[0]);
    int w = 0;
    for (Request r : mix) {
      w += r.weight();
    }
    this.totalWeight = w;
  }

  public static void main(String[] args) throws Exception {
    String targetSpec = null;
    Path mixFile = null;
    int connections = 1;
    double seconds = 10;
    double warmup = 1;
    int thinkMs = 0;
    double reportSeconds = 0;
    boolean strict = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--target" -> targetSpec = args[++i];
        case "--mix" -> mixFile = Path.of(args[++i]);
        case "--connections" -> connections = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--warmup-seconds" -> warmup = Double.parseDouble(args[++i]);
        case "--think-ms" -> thinkMs = Integer.parseInt(args[++i]);
        case "--report-seconds" -> reportSeconds = Double.parseDouble(args[++i]);
        case "--strict" -> strict = true;
        default -> {
          System.err.println("LoadClient: unknown option " + args[i]
              + " (see the class Javadoc: --target --mix --connections --seconds ...)");
          System.exit(2);
        }
      }
    }
    if (targetSpec == null || mixFile == null) {
      System.err.println("LoadClient: --target tcp:HOST:PORT|unix:PATH and --mix FILE are required");
      System.exit(2);
    }
    LoadClient c = new LoadClient(parseTarget(targetSpec), parseMix(mixFile));
    boolean ok = c.run(connections, warmup, seconds, thinkMs, reportSeconds, System.out);
    System.exit(strict && !ok ? 1 : 0);
  }

  static SocketAddress parseTarget(String spec) {
    if (spec.startsWith("unix:")) {
      return UnixDomainSocketAddress.of(spec.substring(5));
    }
    if (spec.startsWith("tcp:")) {
      String hp = spec.substring(4);
      int colon = hp.lastIndexOf(':');
      return new InetSocketAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)));
    }
    throw new IllegalArgumentException("target must be tcp:HOST:PORT or unix:PATH, not " + spec);
  }

  static List<Request> parseMix(Path file) throws IOException {
    List<Request> out = new ArrayList<>();
    int lineNo = 0;
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String json = null;
      int j = line.indexOf(" json=");
      if (j >= 0) {
        json = line.substring(j + 6);
        line = line.substring(0, j);
      }
      int weight = 1;
      String method = "POST";
      String path = null;
      String type = null;
      byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
      long declare = -1;
      List<String> headers = new ArrayList<>();
      boolean[] expected = null;
      for (String tok : line.split("\\s+")) {
        int eq = tok.indexOf('=');
        if (eq < 0) {
          throw new IOException(file + ":" + lineNo + ": token '" + tok + "' is not key=value");
        }
        String k = tok.substring(0, eq);
        String v = tok.substring(eq + 1);
        switch (k) {
          case "weight" -> weight = Integer.parseInt(v);
          case "method" -> method = v;
          case "path" -> path = v;
          case "type" -> type = v;
          case "body" -> body = Files.readAllBytes(file.resolveSibling(v.substring(v.startsWith("@") ? 1 : 0)));
          case "header" -> headers.add(v.replaceFirst(":", ": "));
          case "declare" -> declare = Long.parseLong(v);
          case "expect" -> {
            expected = new boolean[600];
            for (String s : v.split(",")) {
              expected[Integer.parseInt(s)] = true;
            }
          }
          default -> throw new IOException(file + ":" + lineNo + ": unknown key '" + k + "'");
        }
      }
      if (path == null) {
        throw new IOException(file + ":" + lineNo + ": path= is required");
      }
      if (expected == null) {
        expected = new boolean[600];
        Arrays.fill(expected, 200, 300, true);
      }
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
      if (type != null) {
        head.append("Content-Type: ").append(type).append("\r\n");
      }
      for (String h : headers) {
        head.append(h).append("\r\n");
      }
      if (declare >= 0) {
        head.append("Content-Length: ").append(declare).append("\r\n");
      } else if (body != null || !method.equals("GET")) {
        head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
      }
      head.append("\r\n");
      byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
      byte[] bytes = h;
      if (declare < 0 && body != null) {
        bytes = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, bytes, h.length, body.length);
      }
      out.add(new Request(method + " " + path, weight, bytes, declare >= 0, expected));
    }
    if (out.isEmpty()) {
      throw new IOException(file + ": no requests");
    }
    return out;
  }

  /** Runs the load; true when every answer was expected and no I/O error happened. */
  boolean run(int connections, double warmupSeconds, double seconds, int thinkMs, double reportSeconds,
      PrintStream out) throws InterruptedException {
    Worker[] workers = new Worker[connections];
    Thread[] threads = new Thread[connections];
    for (int i = 0; i < connections; i++) {
      workers[i] = new Worker(i, thinkMs);
      threads[i] = Thread.ofPlatform().name("load-" + i).daemon(true).unstarted(workers[i]);
      threads[i].start();
    }
    Thread.sleep((long) (warmupSeconds * 1000)); // warm-up answers are not recorded
    recording = true;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long nextReport = reportSeconds > 0 ? start + (long) (reportSeconds * 1e9) : Long.MAX_VALUE;
    while (System.nanoTime() < end) {
      long now = System.nanoTime();
      Thread.sleep(Math.max(1, Math.min(end, nextReport) - now) / 1_000_000 + 1);
      if (System.nanoTime() >= nextReport) {
        out.println("progress elapsed_s=" + (System.nanoTime() - start) / 1_000_000_000 + " " + counts());
        out.flush();
        nextReport += (long) (reportSeconds * 1e9);
      }
    }
    recording = false;
    double elapsed = (System.nanoTime() - start) / 1e9;
    running = false;
    for (Thread t : threads) {
      t.join(5000);
    }
    int[] all = merge(workers, false);
    int[] refused = merge(workers, true);
    int n = all.length + refused.length;
    out.println(String.format(Locale.ROOT,
        "result connections=%d seconds=%.1f requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f"
            + " non2xx_p50_ms=%.3f non2xx_p99_ms=%.3f %s",
        connections, elapsed, n, n / elapsed, pct(all, 0.50), pct(all, 0.99), pct(all, 0.999),
        all.length == 0 ? 0 : all[all.length - 1] / 1000.0, pct(refused, 0.50), pct(refused, 0.99), counts()));
    out.flush();
    long bad = ioErrors.get(0);
    for (int i = 0; i < unexpected.length(); i++) {
      bad += unexpected.get(i);
    }
    return bad == 0;
  }

  /** Sorted latencies of the 2xx answers (or of the others). */
  private static int[] merge(Worker[] workers, boolean non2xx) {
    int n = 0;
    for (Worker w : workers) {
      n += non2xx ? w.otherCount : w.count;
    }
    int[] all = new int[n];
    int at = 0;
    for (Worker w : workers) {
      int c = non2xx ? w.otherCount : w.count;
      System.arraycopy(non2xx ? w.otherMicros : w.latenciesMicros, 0, all, at, c);
      at += c;
    }
    Arrays.sort(all);
    return all;
  }

  /** "status=200:123,503:4 unexpected=503:4 io_errors=0" */
  private String counts() {
    StringBuilder s = new StringBuilder("status=");
    StringBuilder u = new StringBuilder();
    boolean first = true;
    for (int i = 0; i < statuses.length(); i++) {
      long c = statuses.get(i);
      if (c > 0) {
        s.append(first ? "" : ",").append(i).append(':').append(c);
        first = false;
      }
      long x = unexpected.get(i);
      if (x > 0) {
        u.append(u.isEmpty() ? "" : ",").append(i).append(':').append(x);
      }
    }
    if (first) {
      s.append('-');
    }
    return s + " unexpected=" + (u.isEmpty() ? "0" : u) + " io_errors=" + ioErrors.get(0);
  }

  private static double pct(int[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
  }

  /** One connection's closed loop. */
  private final class Worker implements Runnable {
    private final SplittableRandom random;
    private final int thinkMs;
    private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
    private SocketChannel ch;
    private int[] latenciesMicros = new int[1 << 14];
    private int count;
    private int[] otherMicros = new int[1 << 10];
    private int otherCount;

    Worker(int id, int thinkMs) {
      this.random = new SplittableRandom(42 + id);
      this.thinkMs = thinkMs;
    }

    @Override
    public void run() {
      while (running) {
        Request r = pick();
        long t0 = System.nanoTime();
        int status;
        try {
          if (ch == null) {
            ch = SocketChannel.open(target);
            if (target instanceof InetSocketAddress) {
              ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            in.clear().flip();
          }
          ch.write(ByteBuffer.wrap(r.bytes()));
          status = readResponse();
          if (r.reconnectAfter()) {
            closeQuietly();
          }
        } catch (IOException | RuntimeException e) {
          closeQuietly();
          if (recording && running) {
            ioErrors.incrementAndGet(0);
          }
          sleep(10);
          continue;
        }
        long micros = (System.nanoTime() - t0) / 1000;
        if (recording) {
          statuses.incrementAndGet(status);
          if (!r.expected()[status]) {
            unexpected.incrementAndGet(status);
          }
          int us = (int) Math.min(Integer.MAX_VALUE, micros);
          if (status / 100 != 2) {
            if (otherCount == otherMicros.length) {
              otherMicros = Arrays.copyOf(otherMicros, otherCount * 2);
            }
            otherMicros[otherCount++] = us;
          } else {
            if (count == latenciesMicros.length) {
              latenciesMicros = Arrays.copyOf(latenciesMicros, count * 2);
            }
            latenciesMicros[count++] = us;
          }
        }
        if (thinkMs > 0) {
          sleep(thinkMs);
        }
      }
      closeQuietly();
    }

    private Request pick() {
      if (mix.length == 1) {
        return mix[0];
      }
      int x = random.nextInt(totalWeight);
      for (Request r : mix) {
        x -= r.weight();
        if (x < 0) {
          return r;
        }
      }
      return mix[mix.length - 1];
    }

    /** Reads one response; returns its status. Closes the connection when the server asks. */
    private int readResponse() throws IOException {
      int headEnd;
      while ((headEnd = headerEnd()) < 0) {
        fill();
      }
      int p = in.position();
      String head = new String(in.array(), p, headEnd - p, StandardCharsets.ISO_8859_1);
      in.position(headEnd + 4);
      int sp = head.indexOf(' ');
      if (!head.startsWith("HTTP/1.") || sp < 0 || head.length() < sp + 4) {
        throw new IOException("not an HTTP response: " + head.lines().findFirst().orElse(""));
      }
      int status = Integer.parseInt(head.substring(sp + 1, sp + 4));
      long length = -1;
      boolean close = false;
      for (String line : head.split("\r\n")) {
        int c = line.indexOf(':');
        if (c < 0) {
          continue;
        }
        String k = line.substring(0, c).trim().toLowerCase(Locale.ROOT);
        String v = line.substring(c + 1).trim();
        if (k.equals("content-length")) {
          length = Long.parseLong(v);
        } else if (k.equals("connection") && v.equalsIgnoreCase("close")) {
          close = true;
        } else if (k.equals("transfer-encoding")) {
          throw new IOException("chunked responses are not supported by this client");
        }
      }
      if (length < 0) {
        // No length: the body ends with the connection.
        while (true) {
          in.position(in.limit());
          if (!fillOrEof()) {
            break;
          }
        }
        closeQuietly();
        return status;
      }
      long left = length;
      while (left > 0) {
        if (!in.hasRemaining()) {
          fill();
        }
        int take = (int) Math.min(left, in.remaining());
        in.position(in.position() + take);
        left -= take;
      }
      if (close) {
        closeQuietly();
      }
      return status;
    }

    /** Index of "\r\n\r\n" in the unread bytes, or -1. */
    private int headerEnd() {
      byte[] a = in.array();
      for (int i = in.position(); i + 3 < in.limit(); i++) {
        if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
          return i;
        }
      }
      return -1;
    }

    private void fill() throws IOException {
      if (!fillOrEof()) {
        throw new IOException("connection closed by the server in the middle of an answer");
      }
    }

    private boolean fillOrEof() throws IOException {
      in.compact();
      if (!in.hasRemaining()) {
        throw new IOException("response header larger than " + in.capacity() + " bytes");
      }
      int n = ch.read(in);
      in.flip();
      return n >= 0;
    }

    private void closeQuietly() {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // closing anyway
        }
        ch = null;
      }
    }

    private void sleep(int ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }
}
