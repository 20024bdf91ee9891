package io.tflited.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tflited.daemon.cli.Args;
import io.tflited.daemon.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link DaemonConfig}: defaults, then the YAML file (--config, $TFLITED_CONFIG),
 * then TFLITED_* environment variables, then command line flags. Every error names the key.
 */
public final class ConfigLoader {
  /** Keys of the top level of the file; each has an env var TFLITED_KEY and a flag --key. */
  public static final List<String> KEYS =
      List.of("http", "socket", "models", "log_level", "max_body_bytes", "request_timeout_ms",
          "queue_size", "workers", "threads", "drain_timeout_ms", "warmup", "max_image_pixels",
          "top_k", "image_mean", "image_std", "socket_mode", "allow_remote", "auth_token_file",
          "tls_cert", "tls_key", "model_control", "max_header_bytes", "max_tensor_elements",
          "max_batch", "max_connections", "read_timeout_ms", "idle_timeout_ms", "write_timeout_ms",
          "model_settings");

  /** The bearer token itself comes from the environment (never a flag: it would show in ps). */
  public static final String TOKEN_ENV = "TFLITED_AUTH_TOKEN";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConfigLoader.class);

  private static final Set<String> MODEL_KEYS =
      Set.of("labels", "labels_file", "workers", "queue_size", "image_mean", "image_std");

  private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

  private ConfigLoader() {}

  /** The flags of {@code serve}: one per scalar key. */
  public static Args declare(Args a) {
    a.option("config", "FILE", "YAML configuration file (default $TFLITED_CONFIG)");
    a.option("models", "DIR", "model directory: every *.tflite is served under its file name");
    a.option("http", "HOST:PORT", "TCP listener (default 127.0.0.1:8080; empty disables)");
    a.option("socket", "PATH", "Unix socket (default $RUNTIME_DIRECTORY/tflited.sock, ...; empty disables)");
    a.option("log-level", "L", "trace|debug|info|warn|error (default info)");
    a.option("max-body-bytes", "N", "largest request body (default 67108864)");
    a.option("request-timeout-ms", "MS", "inference timeout, 504 after it (default 30000)");
    a.option("queue-size", "N", "per-model queue length; full queue -> 503/429 (default 64)");
    a.option("workers", "N", "per-model worker threads, one interpreter each (default 1)");
    a.option("threads", "N", "intra-op threads per interpreter (default 1)");
    a.option("drain-timeout-ms", "MS", "how long SIGTERM waits for in-flight requests (default 10000)");
    a.option("warmup", "BOOL", "warm each model up at load until it runs at speed, at most 20 s (default true)");
    a.option("max-image-pixels", "N", "largest image accepted by :classify (default 16777216)");
    a.option("top-k", "N", "labels returned by :classify (default 5)");
    a.option("image-mean", "M[,M,M]", "mean subtracted from 0..255 pixels for float models (default 0)");
    a.option("image-std", "S[,S,S]", "divisor of pixels for float models (default 255: [0,1])");
    a.option("socket-mode", "OCTAL", "permissions of the socket file (default 0660)");
    a.option("allow-remote", "BOOL", "allow a non-loopback --http address; needs a token (default false)");
    a.option("auth-token-file", "FILE", "bearer token every TCP request must carry (or $TFLITED_AUTH_TOKEN)");
    a.option("tls-cert", "PEM", "certificate chain: HTTPS on the TCP listener (with --tls-key)");
    a.option("tls-key", "PEM", "PKCS#8 private key of --tls-cert");
    a.option("model-control", "WHO", "local|all|off: who may load/unload models (default local)");
    a.option("max-header-bytes", "N", "largest request line and header block (default 16384)");
    a.option("max-tensor-elements", "N", "largest number of tensor elements per request (default 16777216)");
    a.option("max-batch", "N", "largest batch per request (default 64)");
    a.option("max-connections", "N", "open connections over all listeners (default 256)");
    a.option("read-timeout-ms", "MS", "time for a whole request to arrive (default 30000)");
    a.option("idle-timeout-ms", "MS", "idle keep-alive connections close after it (default 60000)");
    a.option("write-timeout-ms", "MS", "time a client has to take a response (default 30000)");
    return a;
  }

  public static DaemonConfig load(Args args, Map<String, String> env) throws UsageException {
    DaemonConfig c = new DaemonConfig();
    String file = args.get("config");
    if (file == null) {
      file = env.get("TFLITED_CONFIG");
    }
    if (file != null && !file.isEmpty()) {
      Path p = Path.of(file);
      if (!Files.isRegularFile(p)) {
        throw new UsageException("config file not found: " + p);
      }
      JsonNode root;
      try {
        root = new ObjectMapper(new YAMLFactory()).readTree(p.toFile());
      } catch (IOException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
        throw new UsageException("cannot parse config " + p + ": " + m);
      }
      if (root != null && !root.isNull() && !root.isMissingNode()) {
        if (!root.isObject()) {
          throw new UsageException("config " + p + ": the top level must be a mapping of keys");
        }
        for (Map.Entry<String, JsonNode> e : root.properties()) {
          if (!KEYS.contains(e.getKey())) {
            throw new UsageException("config " + p + ": unknown key '" + e.getKey() + "' (known: "
                + String.join(", ", KEYS) + ")");
          }
          if (e.getValue().isNull()) {
            continue;
          }
          if (e.getKey().equals("model_settings")) {
            modelSettings(c, e.getValue());
          } else {
            set(c, e.getKey(), scalar(e.getKey(), e.getValue()), "config key '" + e.getKey() + "'");
          }
        }
      }
    }
    for (String key : KEYS) {
      if (key.equals("model_settings")) {
        continue;
      }
      String var = "TFLITED_" + key.toUpperCase();
      String v = env.get(var);
      if (v != null) {
        set(c, key, v, "environment variable " + var);
      }
    }
    for (String key : KEYS) {
      String flag = key.replace('_', '-');
      if (!key.equals("model_settings") && args.has(flag)) {
        set(c, key, args.get(flag), "option --" + flag);
      }
    }
    if (c.models != null && !Files.isDirectory(c.models)) {
      throw new UsageException("models directory not found: " + c.models + " (key 'models')");
    }
    if (c.http.isEmpty() && c.socket != null && c.socket.isEmpty()) {
      throw new UsageException("both transports are disabled (keys 'http' and 'socket' are empty)");
    }
    security(c, env);
    return c;
  }

  /** Token, TLS files and the bind rule; every message names its key. */
  private static void security(DaemonConfig c, Map<String, String> env) throws UsageException {
    String fromEnv = env.get(TOKEN_ENV);
    if (fromEnv != null && fromEnv.isEmpty()) {
      fromEnv = null;
    }
    if (fromEnv != null && c.authTokenFile != null) {
      throw new UsageException("both key 'auth_token_file' and $" + TOKEN_ENV + " are set; use one");
    }
    if (c.authTokenFile != null) {
      c.authToken = readToken(c.authTokenFile);
    } else if (fromEnv != null) {
      c.authToken = checkToken(fromEnv.strip(), "environment variable " + TOKEN_ENV);
    }
    if ((c.tlsCert == null) != (c.tlsKey == null)) {
      throw new UsageException("key '" + (c.tlsCert == null ? "tls_cert" : "tls_key")
          + "' is missing: HTTPS needs both tls_cert and tls_key");
    }
    for (Path p : new Path[] {c.tlsCert, c.tlsKey}) {
      if (p != null && !Files.isReadable(p)) {
        throw new UsageException("key '" + (p == c.tlsCert ? "tls_cert" : "tls_key") + "': cannot read " + p);
      }
    }
    String problem = c.remoteAccessProblem();
    if (problem != null) {
      throw new UsageException(problem);
    }
  }

  private static String readToken(Path p) throws UsageException {
    String where = "key 'auth_token_file' (" + p + ")";
    String token;
    try {
      token = Files.readString(p, java.nio.charset.StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      throw new UsageException(where + ": cannot read: " + e.getMessage());
    }
    try {
      int mode = (Integer) Files.getAttribute(p, "unix:mode");
      if ((mode & 0004) != 0) {
        LOG.warn("{} is readable by every user (mode {}): chmod 0600 or 0640 it", p, Integer.toOctalString(mode & 0777));
      }
    } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
      LOG.debug("cannot check the mode of {}: {}", p, e.toString());
    }
    return checkToken(token, where);
  }

  private static String checkToken(String token, String where) throws UsageException {
    if (token.length() < 16 || token.length() > 4096) {
      throw new UsageException(where + ": the token must have 16 to 4096 characters, got " + token.length());
    }
    for (int i = 0; i < token.length(); i++) {
      char ch = token.charAt(i);
      if (ch < 0x21 || ch > 0x7e) {
        throw new UsageException(where + ": the token must be printable ASCII without spaces");
      }
    }
    return token;
  }

  private static String scalar(String key, JsonNode v) throws UsageException {
    if (v.isArray() && (key.equals("image_mean") || key.equals("image_std"))) {
      List<String> parts = new ArrayList<>();
      for (JsonNode n : v) {
        parts.add(n.asText());
      }
      return String.join(",", parts);
    }
    if (!v.isValueNode()) {
      throw new UsageException("config key '" + key + "' must be a single value, got " + v);
    }
    if (key.equals("model_control") && v.isBoolean() && !v.booleanValue()) {
      return "off"; // YAML 1.1 reads an unquoted off as false
    }
    if (key.equals("socket_mode") && v.isIntegralNumber()) {
      // YAML reads an unquoted 0660 as the octal number 432.
      return Integer.toOctalString(v.asInt());
    }
    return v.asText();
  }

  private static void set(DaemonConfig c, String key, String v, String where) throws UsageException {
    switch (key) {
      case "http" -> c.http = checkHostPort(v.trim(), where);
      case "socket" -> c.socket = v.trim();
      case "models" -> c.models = v.trim().isEmpty() ? null : Path.of(v.trim());
      case "log_level" -> {
        String l = v.trim().toLowerCase();
        if (!LEVELS.contains(l)) {
          throw new UsageException(where + " must be one of " + LEVELS + ", got '" + v + "'");
        }
        c.logLevel = l;
      }
      case "max_body_bytes" -> c.maxBodyBytes = longIn(v, where, 1, Integer.MAX_VALUE);
      case "request_timeout_ms" -> c.requestTimeoutMs = longIn(v, where, 1, 86_400_000);
      case "queue_size" -> c.queueSize = (int) longIn(v, where, 1, 1_000_000);
      case "workers" -> c.workers = (int) longIn(v, where, 1, 1024);
      case "threads" -> c.threads = (int) longIn(v, where, 1, 1024);
      case "drain_timeout_ms" -> c.drainTimeoutMs = longIn(v, where, 0, 3_600_000);
      case "warmup" -> c.warmup = bool(v, where);
      case "max_image_pixels" -> c.maxImagePixels = longIn(v, where, 1, 1L << 40);
      case "top_k" -> c.topK = (int) longIn(v, where, 1, 100_000);
      case "image_mean" -> c.imageMean = floats(v, where, false);
      case "image_std" -> c.imageStd = floats(v, where, true);
      case "socket_mode" -> {
        try {
          int m = Integer.parseInt(v.trim(), 8);
          if (m < 0 || m > 0777) {
            throw new NumberFormatException();
          }
          c.socketMode = m;
        } catch (NumberFormatException e) {
          throw new UsageException(where + " must be an octal mode like 0660, got '" + v + "'");
        }
      }
      case "allow_remote" -> c.allowRemote = bool(v, where);
      case "auth_token_file" -> c.authTokenFile = v.trim().isEmpty() ? null : Path.of(v.trim());
      case "tls_cert" -> c.tlsCert = v.trim().isEmpty() ? null : Path.of(v.trim());
      case "tls_key" -> c.tlsKey = v.trim().isEmpty() ? null : Path.of(v.trim());
      case "model_control" -> {
        try {
          c.modelControl = DaemonConfig.ModelControl.valueOf(v.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
          throw new UsageException(where + " must be local, all or off, got '" + v + "'");
        }
      }
      case "max_header_bytes" -> c.maxHeaderBytes = (int) longIn(v, where, 1024, 1 << 20);
      case "max_tensor_elements" -> c.maxTensorElements = longIn(v, where, 1, Integer.MAX_VALUE);
      case "max_batch" -> c.maxBatch = (int) longIn(v, where, 1, 1_000_000);
      case "max_connections" -> c.maxConnections = (int) longIn(v, where, 1, 1_000_000);
      case "read_timeout_ms" -> c.readTimeoutMs = longIn(v, where, 100, 86_400_000);
      case "idle_timeout_ms" -> c.idleTimeoutMs = longIn(v, where, 100, 86_400_000);
      case "write_timeout_ms" -> c.writeTimeoutMs = longIn(v, where, 100, 86_400_000);
      default -> throw new UsageException("unknown key '" + key + "'");
    }
  }

  private static void modelSettings(DaemonConfig c, JsonNode n) throws UsageException {
    if (!n.isObject()) {
      throw new UsageException("config key 'model_settings' must map model names to settings");
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String base = "config key 'model_settings." + e.getKey();
      if (!e.getValue().isObject()) {
        throw new UsageException(base + "' must be a mapping");
      }
      DaemonConfig.ModelOverrides o = new DaemonConfig.ModelOverrides();
      for (Map.Entry<String, JsonNode> kv : e.getValue().properties()) {
        String where = base + "." + kv.getKey() + "'";
        JsonNode v = kv.getValue();
        switch (kv.getKey()) {
          case "labels" -> {
            if (!v.isArray()) {
              throw new UsageException(where + " must be a list of strings");
            }
            o.labels = new ArrayList<>();
            for (JsonNode l : v) {
              o.labels.add(l.asText());
            }
          }
          case "labels_file" -> o.labelsFile = Path.of(v.asText());
          case "workers" -> o.workers = (int) longIn(v.asText(), where, 1, 1024);
          case "queue_size" -> o.queueSize = (int) longIn(v.asText(), where, 1, 1_000_000);
          case "image_mean" -> o.imageMean = floats(scalar("image_mean", v), where, false);
          case "image_std" -> o.imageStd = floats(scalar("image_std", v), where, true);
          default -> throw new UsageException(base + "': unknown key '" + kv.getKey()
              + "' (known: " + MODEL_KEYS + ")");
        }
      }
      c.modelSettings.put(e.getKey(), o);
    }
  }

  private static String checkHostPort(String v, String where) throws UsageException {
    if (v.isEmpty()) {
      return v;
    }
    int colon = v.lastIndexOf(':');
    if (colon <= 0 && !v.startsWith(":")) {
      throw new UsageException(where + " must be HOST:PORT, got '" + v + "'");
    }
    try {
      int port = Integer.parseInt(v.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new UsageException(where + " has an invalid port in '" + v + "'");
    }
    return v;
  }

  private static long longIn(String v, String where, long min, long max) throws UsageException {
    try {
      long n = Long.parseLong(v.trim());
      if (n < min || n > max) {
        throw new UsageException(where + " must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(where + " must be an integer, got '" + v + "'");
    }
  }

  private static boolean bool(String v, String where) throws UsageException {
    return switch (v.trim().toLowerCase()) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new UsageException(where + " must be true or false, got '" + v + "'");
    };
  }

  private static float[] floats(String v, String where, boolean positive) throws UsageException {
    String[] parts = v.split(",");
    if (parts.length != 1 && parts.length != 3) {
      throw new UsageException(where + " needs 1 or 3 numbers, got '" + v + "'");
    }
    float[] f = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        f[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UsageException(where + " must be numbers, got '" + v + "'");
      }
      if (!Float.isFinite(f[i]) || (positive && f[i] <= 0)) {
        throw new UsageException(where + " must be finite" + (positive ? " and > 0" : "") + ", got '" + v + "'");
      }
    }
    return f;
  }
}
