package io.tflited.daemon.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts requests whose body is still arriving, so that a graceful stop waits for them like for
 * requests being answered: a client that had sent its head when SIGTERM came gets its answer
 * (within drain_timeout_ms) instead of a closed connection. A request counts from its head to
 * its last content, which is handed on first: the request handler has then taken it into its
 * own in-flight count, so the two counts never both read zero in between.
 */
final class UploadTracker extends ChannelInboundHandlerAdapter {
  private final AtomicInteger uploading;
  private boolean active;

  UploadTracker(AtomicInteger uploading) {
    this.uploading = uploading;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest && !(msg instanceof FullHttpRequest) && !(msg instanceof LastHttpContent)
        && !active) {
      active = true;
      uploading.incrementAndGet();
    }
    boolean last = msg instanceof LastHttpContent;
    ctx.fireChannelRead(msg);
    if (last) {
      end();
    }
  }

  private void end() {
    if (active) {
      active = false;
      uploading.decrementAndGet();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    end();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    end();
  }
}
