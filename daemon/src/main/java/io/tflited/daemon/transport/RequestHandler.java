package io.tflited.daemon.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.tflited.daemon.http.Api;
import io.tflited.daemon.http.Request;
import io.tflited.daemon.http.Response;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.Map.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns aggregated requests into API calls. Reading pauses while a request is being answered,
 * so responses on a keep-alive connection stay in order.
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger("tflited.access");

  private static final java.util.concurrent.ExecutorService DECODERS =
      java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("decode-", 0).factory());

  private final Api api;
  private final HttpServer server;
  /** Completes when the previous answer on this connection has been handed to the event loop. */
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  RequestHandler(Api api, HttpServer server) {
    this.api = api;
    this.server = server;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
    long t0 = System.nanoTime();
    boolean keepAlive = HttpUtil.isKeepAlive(msg);
    if (msg.decoderResult().isFailure()) {
      write(ctx, Response.error(400, "malformed HTTP request: " + msg.decoderResult().cause(), Map.of()),
          false, "", t0, msg.method().name() + " " + msg.uri());
      return;
    }
    QueryStringDecoder qs = new QueryStringDecoder(msg.uri());
    Map<String, String> headers = new HashMap<>();
    for (Entry<String, String> h : msg.headers()) {
      headers.put(h.getKey().toLowerCase(), h.getValue());
    }
    byte[] body = ByteBufUtil.getBytes(msg.content());
    Request req = new Request(msg.method().name(), qs.path(), qs.parameters(), headers, body);
    String line = req.method() + " " + msg.uri();
    server.requestStarted();
    ctx.channel().config().setAutoRead(false);
    // Decoding (JSON, images) runs on a virtual thread, off the network event loop. Answers
    // are written in request order (pipelined requests on one connection stay in sequence).
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    DECODERS.execute(() -> {
      Api.Outcome out;
      try {
        out = api.handle(req);
      } catch (RuntimeException e) {
        out = new Api.Outcome("", CompletableFuture.completedFuture(
            Response.error(500, "internal error: " + e, Map.of())));
      }
      String model = out.model();
      out.response().whenComplete((r, err) -> answer.complete(new Answer(model, err != null ? api.failure(err) : r)));
    });
    tail = tail.thenCompose(v -> answer).thenAccept(a -> ctx.channel().eventLoop().execute(() -> {
      write(ctx, a.response(), keepAlive && !server.isClosing(), a.model(), t0, line);
      server.requestFinished();
    }));
  }

  private record Answer(String model, Response response) {}

  private void write(ChannelHandlerContext ctx, Response r, boolean keepAlive, String model, long t0, String line) {
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    r.headers().forEach((k, v) -> resp.headers().set(k, v));
    if (keepAlive) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    } else {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    long nanos = System.nanoTime() - t0;
    api.metrics().record(model, r.status(), nanos);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} -> {} {} bytes {} ms", line, r.status(), r.body().length,
          String.format("%.3f", nanos / 1e6));
    }
    if (keepAlive) {
      ctx.writeAndFlush(resp).addListener(f -> ctx.channel().config().setAutoRead(true));
    } else {
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection error: {}", cause.toString());
    ctx.close();
  }
}
