package io.tflited.daemon.http;

import java.util.Map;

/** An error answered as {@code {"error": message}} with an HTTP status. */
public final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final transient Map<String, String> headers;

  public ApiException(int status, String message) {
    this(status, message, Map.of());
  }

  public ApiException(int status, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.headers = headers;
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public static ApiException badRequest(String m) {
    return new ApiException(400, m);
  }
}
