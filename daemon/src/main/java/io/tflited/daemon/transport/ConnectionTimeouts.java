package io.tflited.daemon.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.tflited.daemon.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines of a connection, which is always in one of three states:
 *
 * <pre>
 *   READING --whole request--> BUSY --answer written, keep-alive--> IDLE --first byte--> READING
 *   (read_timeout_ms: 408)     (request_timeout_ms,                 (idle_timeout_ms:
 *                               write_timeout_ms apply)              silent close)
 * </pre>
 *
 * The read deadline is fixed when a request starts (the connection opens, or its first byte
 * arrives on an idle connection) and is not extended by later bytes, so a client trickling a
 * byte a second (slowloris) is cut off like one that sends nothing. Sits first in the
 * pipeline (after TLS), so it sees raw bytes and writes the 408 itself.
 */
final class ConnectionTimeouts extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionTimeouts.class);

  private enum State { READING, BUSY, IDLE }

  private final long readMs;
  private final long idleMs;
  private final Metrics metrics;
  private ChannelHandlerContext ctx;
  private State state = State.READING;
  private ScheduledFuture<?> timer;

  ConnectionTimeouts(long readMs, long idleMs, Metrics metrics) {
    this.readMs = readMs;
    this.idleMs = idleMs;
    this.metrics = metrics;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    reading();
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (state == State.IDLE) {
      reading();
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  /** A whole request arrived: answering it is bounded by the request and write timeouts. */
  void requestReceived() {
    state = State.BUSY;
    cancel();
  }

  /** Every answer is written and the connection stays open for the next request. */
  void idle() {
    if (state != State.IDLE) {
      state = State.IDLE;
      arm(idleMs);
    }
  }

  private void reading() {
    state = State.READING;
    arm(readMs);
  }

  private void arm(long ms) {
    cancel();
    timer = ctx.executor().schedule(this::expired, ms, TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expired() {
    timer = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    if (state == State.IDLE) {
      LOG.debug("{}: idle for {} ms, closing", ctx.channel().remoteAddress(), idleMs);
      ctx.close();
    } else if (state == State.READING) {
      LOG.debug("{}: request not received within {} ms, closing", ctx.channel().remoteAddress(), readMs);
      metrics.record("", 408, 0);
      byte[] body = ("{\"error\":\"the request did not arrive within " + readMs + " ms (read_timeout_ms)\"}")
          .getBytes(StandardCharsets.UTF_8);
      byte[] head = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      state = State.BUSY;
      ctx.writeAndFlush(Unpooled.wrappedBuffer(head, body)).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
