package io.tflited.daemon.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.tflited.daemon.metrics.Metrics;
import java.nio.charset.StandardCharsets;

/**
 * An aggregator that answers an oversized body (known from Content-Length before anything is
 * buffered, or found while streaming a chunked body) with a JSON 413 and closes the connection.
 */
final class LimitedAggregator extends HttpObjectAggregator {
  private final int max;
  private final Metrics metrics;

  LimitedAggregator(int max, Metrics metrics) {
    super(max);
    this.max = max;
    this.metrics = metrics;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    byte[] body = ("{\"error\":\"request body exceeds the limit of " + max + " bytes\"}")
        .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    metrics.record("", 413, 0);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }
}
