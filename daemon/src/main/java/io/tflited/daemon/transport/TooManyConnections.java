package io.tflited.daemon.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.tflited.daemon.metrics.Metrics;

/**
 * The pipeline of a connection over max_connections: answers 503 with Retry-After as soon as
 * it opens, without reading a request, and closes.
 */
final class TooManyConnections extends ChannelInboundHandlerAdapter {
  private final int max;
  private final Metrics metrics;

  TooManyConnections(int max, Metrics metrics) {
    this.max = max;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    metrics.record("", 503, 0);
    FullHttpResponse r = ClosingAnswer.of(HttpResponseStatus.SERVICE_UNAVAILABLE,
        "too many connections (max_connections " + max + ")", true);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg); // whatever the client sends is not answered
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
