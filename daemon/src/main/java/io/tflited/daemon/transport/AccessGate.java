package io.tflited.daemon.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.tflited.daemon.http.Response;

/**
 * Applies the {@link AccessPolicy} to a request's head, before its body is aggregated: a
 * refused request goes on without its body (which is discarded as it arrives, never
 * buffered, and gets no "100 Continue"), so clients without a token cannot make the server
 * hold max_body_bytes per connection. This is the only place the policy is applied: every
 * request head passes here (requests that did not parse, or with a refused path, are answered
 * 400 by the request handler without reaching the API). The request handler answers a
 * refusal in order and, when a body was announced, closes the connection.
 */
final class AccessGate extends ChannelInboundHandlerAdapter {
  private final AccessPolicy policy;
  private boolean discarding;

  AccessGate(AccessPolicy policy) {
    this.policy = policy;
  }

  /** A refused request without its body, carrying the answer. */
  static final class Refused extends DefaultFullHttpRequest {
    final Response refusal;

    Refused(HttpRequest req, Response refusal) {
      super(req.protocolVersion(), req.method(), req.uri(), Unpooled.EMPTY_BUFFER, req.headers(),
          EmptyHttpHeaders.INSTANCE);
      this.refusal = refusal;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discarding && msg instanceof HttpContent c) {
      discarding = !(c instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    Response refusal;
    if (msg instanceof HttpRequest req && !(msg instanceof FullHttpRequest) && req.decoderResult().isSuccess()
        && RequestHandler.badSegment(req.uri()) == null && decodedPath(req.uri()) != null
        && (refusal = policy.check(decodedPath(req.uri()),
            req.headers().get(HttpHeaderNames.AUTHORIZATION), ctx.channel().remoteAddress())) != null) {
      Refused head = new Refused(req, refusal);
      discarding = !(msg instanceof LastHttpContent);
      if (HttpUtil.getContentLength(req, 0L) > 0 || HttpUtil.isTransferEncodingChunked(req)) {
        // The body would still be arriving after the answer: end the connection with it.
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      ReferenceCountUtil.release(msg);
      ctx.fireChannelRead(head);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /** The percent-decoded path, or null when the URI is malformed (RequestHandler answers 400). */
  private static String decodedPath(String uri) {
    try {
      return new QueryStringDecoder(uri).path();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
