package io.tflited.daemon.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.tflited.daemon.metrics.Metrics;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {
  private final AtomicLong buffered = new AtomicLong();
  private final Metrics metrics = new Metrics(() -> null);

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(new BodyBudget(buffered, 1000, metrics));
  }

  private static HttpRequest post(long length) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v2/models/m/infer");
    if (length >= 0) {
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
    } else {
      r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return r;
  }

  private static HttpContent part(int n) {
    return new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[n]));
  }

  private static HttpContent last(int n) {
    return new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[n]));
  }

  @Test
  void bodiesThatDoNotFitTogetherAreRefusedBeforeBufferingAndAdmittedOnceTheOthersAreHandedOn() {
    EmbeddedChannel a = channel();
    EmbeddedChannel b = channel();
    a.writeInbound(post(800));
    assertInstanceOf(HttpRequest.class, a.readInbound());
    assertEquals(800, buffered.get());
    b.writeInbound(post(800));
    AccessGate.Refused refused = assertInstanceOf(AccessGate.Refused.class, b.readInbound());
    assertEquals(503, refused.refusal.status());
    assertEquals("1", refused.refusal.headers().get("Retry-After"));
    assertEquals("close", refused.headers().get(HttpHeaderNames.CONNECTION));
    b.writeInbound(part(400), last(400)); // the refused body is discarded as it arrives
    assertNull(b.readInbound());
    assertEquals(800, buffered.get());

    a.writeInbound(part(400));
    ReferenceCountUtil.release(a.readInbound());
    a.writeInbound(last(400));
    ReferenceCountUtil.release(a.readInbound());
    assertEquals(0, buffered.get(), "claim released once the whole request was handed on");

    EmbeddedChannel c = channel();
    c.writeInbound(post(800));
    assertInstanceOf(HttpRequest.class, c.readInbound());
    c.close();
    assertEquals(0, buffered.get(), "a closed connection releases its claim");
  }

  @Test
  void aLoneBodyLargerThanTheBudgetIsStillAdmitted() {
    EmbeddedChannel a = channel();
    a.writeInbound(post(5000));
    assertInstanceOf(HttpRequest.class, a.readInbound());
    a.writeInbound(last(5000));
    ReferenceCountUtil.release(a.readInbound());
    assertEquals(0, buffered.get());
  }

  @Test
  void chunkedBodiesAreCountedAsTheyArriveAndCutOffWith503() {
    EmbeddedChannel a = channel();
    a.writeInbound(post(900));
    ReferenceCountUtil.release(a.readInbound());
    EmbeddedChannel b = channel();
    b.writeInbound(post(-1));
    ReferenceCountUtil.release(b.readInbound());
    b.writeInbound(part(50));
    ReferenceCountUtil.release(b.readInbound());
    assertEquals(950, buffered.get());
    b.writeInbound(part(100));
    assertNull(b.readInbound());
    FullHttpResponse r = b.readOutbound();
    assertEquals(503, r.status().code());
    assertEquals("1", r.headers().get(HttpHeaderNames.RETRY_AFTER));
    r.release();
    assertFalse(b.isOpen());
    assertEquals(900, buffered.get(), "the cut-off body's claim is released with its connection");
    a.close();
    assertEquals(0, buffered.get());
  }
}
