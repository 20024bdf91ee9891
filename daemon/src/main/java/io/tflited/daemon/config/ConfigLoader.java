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
          "top_k", "image_mean", "image_std", "socket_mode", "model_settings");

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
    a.option("warmup", "BOOL", "run one inference per model at load (default true)");
    a.option("max-image-pixels", "N", "largest image accepted by :classify (default 40000000)");
    a.option("top-k", "N", "labels returned by :classify (default 5)");
    a.option("image-mean", "M[,M,M]", "mean subtracted from 0..255 pixels for float models (default 0)");
    a.option("image-std", "S[,S,S]", "divisor of pixels for float models (default 255: [0,1])");
    a.option("socket-mode", "OCTAL", "permissions of the socket file (default 0660)");
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
    return c;
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
