package io.tflited.daemon.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.tflited.daemon.http.Api;
import io.tflited.daemon.http.Request;
import io.tflited.daemon.http.Response;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Map.Entry;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns aggregated requests into API calls. Reading pauses while requests are being answered,
 * answers are written in request order (HTTP pipelining), one at a time: the next is written
 * only when the previous one has left for the socket, so a client that stops reading holds at
 * most {@link #MAX_PIPELINED} answers in memory until write_timeout_ms closes it.
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger("tflited.access");

  /** Pipelined requests of one connection being answered at once; later ones wait, unparsed. */
  static final int MAX_PIPELINED = 16;

  private static final java.util.concurrent.ExecutorService DECODERS =
      java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("decode-", 0).factory());

  private final Api api;
  private final HttpServer server;
  private final ConnectionTimeouts timeouts;
  /** Received requests not yet dispatched (retained). */
  private final ArrayDeque<FullHttpRequest> held = new ArrayDeque<>();
  /** Dispatched requests in arrival order; each counts once in the server's in-flight total. */
  private final ArrayDeque<Pending> dispatched = new ArrayDeque<>();
  private boolean writing;
  private boolean closed;

  private static final class Pending {
    final CompletableFuture<Answer> answer = new CompletableFuture<>();
    final long t0 = System.nanoTime();
    final String line;
    final boolean keepAlive;

    Pending(String line, boolean keepAlive) {
      this.line = line;
      this.keepAlive = keepAlive;
    }
  }

  /** The answer; {@code close} ends the connection after it (the request could not be framed). */
  private record Answer(String model, Response response, boolean close) {}

  RequestHandler(Api api, HttpServer server, ConnectionTimeouts timeouts) {
    this.api = api;
    this.server = server;
    this.timeouts = timeouts;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
    timeouts.requestReceived();
    ctx.channel().config().setAutoRead(false);
    if (closed) {
      return;
    }
    held.add(msg.retain());
    pump(ctx);
  }

  /** Dispatches waiting requests while the pipelining window allows, then writes what is ready. */
  private void pump(ChannelHandlerContext ctx) {
    while (!closed && dispatched.size() < MAX_PIPELINED && !held.isEmpty()) {
      FullHttpRequest msg = held.poll();
      try {
        dispatch(ctx, msg);
      } finally {
        msg.release();
      }
    }
    writeNext(ctx);
  }

  private void dispatch(ChannelHandlerContext ctx, FullHttpRequest msg) {
    Pending p = new Pending(msg.method().name() + " " + msg.uri(), HttpUtil.isKeepAlive(msg));
    dispatched.add(p);
    server.requestStarted();
    p.answer.whenComplete((a, e) -> ctx.channel().eventLoop().execute(() -> writeNext(ctx)));
    if (msg.decoderResult().isFailure()) {
      p.answer.complete(new Answer("", malformed(msg.decoderResult().cause()), true));
      return;
    }
    QueryStringDecoder qs = new QueryStringDecoder(msg.uri());
    String bad = badSegment(msg.uri());
    if (bad != null) {
      p.answer.complete(new Answer("", Response.error(400, bad, Map.of()), false));
      return;
    }
    if (msg instanceof AccessGate.Refused r) {
      p.answer.complete(new Answer("", r.refusal, false));
      return;
    }
    Map<String, String> headers = new HashMap<>();
    for (Entry<String, String> h : msg.headers()) {
      headers.put(h.getKey().toLowerCase(), h.getValue());
    }
    String path;
    Map<String, java.util.List<String>> parameters;
    try {
      path = qs.path();
      parameters = qs.parameters();
    } catch (IllegalArgumentException e) { // bad percent-encoding such as "%zz" (found by fuzzing)
      p.answer.complete(new Answer("", Response.error(400, "malformed request URI: " + e.getMessage(), Map.of()), false));
      return;
    }
    byte[] body = ByteBufUtil.getBytes(msg.content());
    Request req = new Request(msg.method().name(), path, parameters, headers, body);
    // Decoding (JSON, images) runs on a virtual thread, off the network event loop.
    DECODERS.execute(() -> {
      Api.Outcome out;
      try {
        out = api.handle(req);
      } catch (RuntimeException e) {
        out = new Api.Outcome("", CompletableFuture.completedFuture(
            Response.error(500, "internal error: " + e, Map.of())));
      }
      String model = out.model();
      out.response().whenComplete((r, err) ->
          p.answer.complete(new Answer(model, err != null ? api.failure(err) : r, false)));
    });
  }

  /** 431 for an oversized header block, 414 for an oversized request line, else 400. */
  private static Response malformed(Throwable cause) {
    if (cause instanceof TooLongHttpHeaderException) {
      return Response.error(431, "request headers exceed the limit (max_header_bytes)", Map.of());
    }
    if (cause instanceof TooLongHttpLineException) {
      return Response.error(414, "request line exceeds the limit (max_header_bytes)", Map.of());
    }
    if (cause instanceof TooLongFrameException) {
      return Response.error(431, "request head exceeds the limit (max_header_bytes): " + cause.getMessage(), Map.of());
    }
    return Response.error(400, "malformed HTTP request: " + cause, Map.of());
  }

  /**
   * Why the raw path is refused, or null. Segments are checked before percent-decoding merges
   * them, so "%2e%2e", "%2f" (a separator hidden in a name) and "\" are caught however spelled.
   */
  static String badSegment(String uri) {
    int end = uri.length();
    for (char c : new char[] {'?', '#'}) {
      int i = uri.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    for (String seg : uri.substring(0, end).split("/", -1)) {
      String d = percentDecode(seg);
      if (d.equals(".") || d.equals("..")) {
        return "path segment '" + seg + "' is not allowed (no relative paths)";
      }
      for (int i = 0; i < d.length(); i++) {
        char c = d.charAt(i);
        if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
          return "path segment '" + seg + "' contains a separator or control character";
        }
      }
    }
    return null;
  }

  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
          && Character.digit(s.charAt(i + 2), 16) >= 0) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Writes the oldest answer once it is ready and the previous write has completed. */
  private void writeNext(ChannelHandlerContext ctx) {
    while (!writing) {
      Pending p = dispatched.peek();
      if (p == null) {
        if (!closed && held.isEmpty()) {
          ctx.channel().config().setAutoRead(true);
          timeouts.idle();
        }
        return;
      }
      if (!p.answer.isDone()) {
        return;
      }
      Answer a = p.answer.join();
      if (closed) {
        dispatched.poll();
        server.requestFinished();
        continue;
      }
      boolean keepAlive = p.keepAlive && !a.close() && !server.isClosing();
      writing = true;
      write(ctx, a.response(), keepAlive, a.model(), p).addListener(f -> {
        writing = false;
        dispatched.poll();
        server.requestFinished();
        if (!f.isSuccess() || !keepAlive) {
          close(ctx);
        } else {
          pump(ctx);
        }
      });
      return;
    }
  }

  private ChannelFuture write(ChannelHandlerContext ctx, Response r, boolean keepAlive, String model, Pending p) {
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    r.headers().forEach((k, v) -> resp.headers().set(k, v));
    resp.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    long nanos = System.nanoTime() - p.t0;
    api.metrics().record(model, r.status(), nanos);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} -> {} {} bytes {} ms", p.line, r.status(), r.body().length, String.format("%.3f", nanos / 1e6));
    }
    return ctx.writeAndFlush(resp);
  }

  private void close(ChannelHandlerContext ctx) {
    if (!closed) {
      closed = true;
      ctx.close();
    }
    FullHttpRequest r;
    while ((r = held.poll()) != null) {
      r.release();
    }
    writeNext(ctx); // answers still being computed are counted finished as they complete
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    close(ctx);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection error: {}", cause.toString());
    close(ctx);
  }
}
