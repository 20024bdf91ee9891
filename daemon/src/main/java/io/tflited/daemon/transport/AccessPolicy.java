package io.tflited.daemon.transport;

import io.tflited.daemon.config.DaemonConfig.ModelControl;
import io.tflited.daemon.http.Response;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what. TCP clients present {@code Authorization: Bearer <token>} when a token is
 * configured (Unix socket clients are already authorized by the socket file's mode and
 * group); the health probes stay open because they reveal nothing and orchestrators probe
 * without credentials. The model-control endpoints are limited by {@code model_control}.
 */
public final class AccessPolicy {
  /** Paths answered without a token: liveness and readiness probes. */
  static final Set<String> OPEN_PATHS = Set.of("/v2/health/live", "/v2/health/ready");

  private static final String REPOSITORY = "/v2/repository";

  /** SHA-256 of the token: comparing digests takes the same time whatever the lengths. */
  private final byte[] tokenDigest;
  private final ModelControl modelControl;

  AccessPolicy(String token, ModelControl modelControl) {
    this.tokenDigest = token == null ? null : sha256(token.getBytes(StandardCharsets.UTF_8));
    this.modelControl = modelControl;
  }

  /** The refusal for this request, or null when it may proceed. */
  Response check(String path, String authorization, SocketAddress remote) {
    boolean tcp = remote instanceof InetSocketAddress;
    if (tcp && tokenDigest != null && !OPEN_PATHS.contains(path)) {
      String given = bearer(authorization);
      if (given == null) {
        return Response.error(401, "authorization required: send 'Authorization: Bearer <token>'",
            Map.of("WWW-Authenticate", "Bearer realm=\"tflited\""));
      }
      if (!MessageDigest.isEqual(tokenDigest, sha256(given.getBytes(StandardCharsets.UTF_8)))) {
        return Response.error(401, "invalid bearer token",
            Map.of("WWW-Authenticate", "Bearer realm=\"tflited\", error=\"invalid_token\""));
      }
    }
    if (path.startsWith(REPOSITORY) && !modelControlAllowed(modelControl, remote)) {
      return Response.error(403, modelControl == ModelControl.OFF
          ? "model control is disabled (model_control: off)"
          : "model control is only allowed from loopback and the Unix socket (model_control: local)", Map.of());
    }
    return null;
  }

  /** Whether a client at {@code remote} may load, unload and list models. */
  public static boolean modelControlAllowed(ModelControl control, SocketAddress remote) {
    return switch (control) {
      case OFF -> false;
      case ALL -> true;
      case LOCAL -> !(remote instanceof InetSocketAddress a)
          || (a.getAddress() != null && a.getAddress().isLoopbackAddress());
    };
  }

  private static String bearer(String header) {
    if (header == null) {
      return null;
    }
    String h = header.strip();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = h.substring(7).strip();
    return t.isEmpty() ? null : t;
  }

  private static final MessageDigest SHA256 = sha256Instance();

  private static MessageDigest sha256Instance() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** A clone of one instance per call: cheaper than a provider lookup, safe across threads. */
  private static byte[] sha256(byte[] b) {
    try {
      return ((MessageDigest) SHA256.clone()).digest(b);
    } catch (CloneNotSupportedException e) {
      return sha256Instance().digest(b);
    }
  }
}
