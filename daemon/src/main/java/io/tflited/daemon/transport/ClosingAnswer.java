package io.tflited.daemon.transport;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * A JSON error answer written by the transport itself, before a request reaches the API (too
 * many connections, body too large, request buffers full), after which the connection closes.
 */
final class ClosingAnswer {
  private ClosingAnswer() {}

  /** {@code {"error": message}} with Connection: close, and Retry-After: 1 when asked. */
  static FullHttpResponse of(HttpResponseStatus status, String message, boolean retryAfter) {
    byte[] body = ("{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (retryAfter) {
      r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    }
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return r;
  }
}
