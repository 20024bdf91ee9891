package io.tflited.daemon.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.tflited.daemon.metrics.Metrics;

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

  /** "Expect: 100-continue" with a too large Content-Length gets the JSON 413 instead of 417. */
  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    if (HttpUtil.is100ContinueExpected(start) && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
      metrics.record("", 413, 0);
      return tooLarge();
    }
    return super.newContinueResponse(start, maxContentLength, pipeline);
  }

  private FullHttpResponse tooLarge() {
    return ClosingAnswer.of(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "request body exceeds the limit of " + max + " bytes", false);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    metrics.record("", 413, 0);
    ctx.writeAndFlush(tooLarge()).addListener(ChannelFutureListener.CLOSE);
  }
}
