package io.tflited.daemon.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import io.tflited.daemon.http.Response;
import io.tflited.daemon.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the request bodies being buffered at once over all connections. Each body is
 * aggregated whole in direct memory before it is handled, and max_body_bytes bounds one body,
 * not their sum: sixteen 60 MB uploads to a daemon with -Xmx256m ran Netty out of direct
 * memory and their connections were dropped without an answer. A body announced with
 * Content-Length is admitted when it fits the shared budget (half of Netty's direct memory
 * limit), otherwise it is answered 503 with Retry-After before any of it is read (like an
 * {@link AccessGate} refusal: the body is discarded as it arrives, the connection closed); a
 * chunked body is counted as it arrives and, once over the budget, answered 503 and closed.
 * The claim is released when the aggregated request has been handed on (the request handler
 * copies it and frees the buffer) or the connection ends.
 */
final class BodyBudget extends ChannelInboundHandlerAdapter {
  private final AtomicLong buffered;
  private final long capacity;
  private final Metrics metrics;
  private long claimed;
  private boolean discarding;
  private boolean counting;

  /** One shared counter per server; {@code capacity} bytes of bodies may be buffered at once. */
  BodyBudget(AtomicLong buffered, long capacity, Metrics metrics) {
    this.buffered = buffered;
    this.capacity = capacity;
    this.metrics = metrics;
  }

  /** Half of the direct memory Netty may allocate (by default as much as the heap limit). */
  static long defaultCapacity() {
    return Math.max(1 << 20, PlatformDependent.maxDirectMemory() / 2);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discarding && msg instanceof HttpContent c) {
      discarding = !(c instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest req && !(msg instanceof FullHttpRequest)) {
      long length = HttpUtil.getContentLength(req, -1L);
      counting = length < 0 && HttpUtil.isTransferEncodingChunked(req);
      if (length > 0 && !claim(length)) {
        AccessGate.Refused head = new AccessGate.Refused(req, busy());
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        discarding = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        ctx.fireChannelRead(head);
        return;
      }
    } else if (counting && msg instanceof HttpContent c && !claim(c.content().readableBytes())) {
      ReferenceCountUtil.release(msg);
      counting = false;
      discarding = !(c instanceof LastHttpContent);
      metrics.record("", 503, 0);
      ctx.writeAndFlush(ClosingAnswer.of(HttpResponseStatus.SERVICE_UNAVAILABLE, message(), true))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    boolean last = msg instanceof LastHttpContent;
    ctx.fireChannelRead(msg);
    if (last) {
      release();
    }
  }

  private boolean claim(long bytes) {
    long now = buffered.addAndGet(bytes);
    if (now > capacity && now != bytes) {
      buffered.addAndGet(-bytes);
      return false;
    }
    claimed += bytes;
    return true;
  }

  private void release() {
    if (claimed != 0) {
      buffered.addAndGet(-claimed);
      claimed = 0;
    }
    counting = false;
  }

  private Response busy() {
    return Response.error(503, message(), Map.of("Retry-After", "1"));
  }

  private String message() {
    return "the server is receiving other large requests (" + (buffered.get() >> 20) + " of "
        + (capacity >> 20) + " MiB of request buffers in use): retry shortly";
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }
}
