package io.tflited.daemon.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The daemon's effective configuration (file, then environment, then flags). */
public final class DaemonConfig {
  /** HOST:PORT of the TCP listener; empty disables it. */
  public String http = "127.0.0.1:8080";
  /** Unix socket path; empty disables it; null means the default path. */
  public String socket;
  /** Model directory; null serves the built-in demo model. */
  public Path models;
  public String logLevel = "info";
  public long maxBodyBytes = 64L * 1024 * 1024;
  public long requestTimeoutMs = 30_000;
  public int queueSize = 64;
  public int workers = 1;
  public int threads = 1;
  public long drainTimeoutMs = 10_000;
  public boolean warmup = true;
  public long maxImagePixels = 16L * 1024 * 1024;
  public int topK = 5;
  public float[] imageMean = {0f};
  public float[] imageStd = {255f};
  public int socketMode = 0660;
  /** Whether {@link #http} may name a non-loopback address (then a token is mandatory). */
  public boolean allowRemote;
  /** File holding the bearer token (the token itself may come from $TFLITED_AUTH_TOKEN). */
  public Path authTokenFile;
  /** The bearer token every TCP request must carry; null: none (loopback only). */
  public String authToken;
  /** PEM certificate chain and PKCS#8 key: HTTPS on the TCP listener when both are set. */
  public Path tlsCert;
  public Path tlsKey;
  /** Who may use /v2/repository/* (load, unload, index). */
  public ModelControl modelControl = ModelControl.LOCAL;
  /** Largest request line and largest header block, each in bytes (431/414 beyond). */
  public int maxHeaderBytes = 16 * 1024;
  /** Largest number of tensor elements one request may carry or ask for (413 beyond). */
  public long maxTensorElements = 16L * 1024 * 1024;
  /** Largest batch (TF Serving instances, a variable batch dimension) per request (400 beyond). */
  public int maxBatch = 64;
  /** Open connections over all listeners; further ones get 503 and are closed. */
  public int maxConnections = 256;
  /** Time for a whole request (headers and body) to arrive, from its first byte (408 after it). */
  public long readTimeoutMs = 30_000;
  /** A keep-alive connection waiting for its next request is closed after this. */
  public long idleTimeoutMs = 60_000;
  /** A response the client does not take within this closes the connection. */
  public long writeTimeoutMs = 30_000;
  public final Map<String, ModelOverrides> modelSettings = new HashMap<>();

  /** Who may call the model-control endpoints. */
  public enum ModelControl {
    /** Loopback TCP clients and Unix socket clients. */
    LOCAL,
    /** Every (authenticated) client. */
    ALL,
    /** Nobody: models change only through the directory and SIGHUP. */
    OFF
  }

  /**
   * Why the TCP listener may not start as configured, or null. A non-loopback address needs
   * allow_remote, and remote access needs a token.
   */
  public String remoteAccessProblem() {
    if (http.isEmpty()) {
      return null;
    }
    String host = http.substring(0, http.lastIndexOf(':'));
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    boolean loopback;
    try {
      loopback = !host.isEmpty() && java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      loopback = false;
    }
    if (!loopback && !allowRemote) {
      return "key 'http' is " + http + ", which is not a loopback address: set allow_remote: true"
          + " (with an auth token: auth_token_file or $TFLITED_AUTH_TOKEN) to listen on the network";
    }
    if (allowRemote && (authToken == null || authToken.isEmpty())) {
      return "key 'allow_remote' is true but no auth token is configured (auth_token_file or $TFLITED_AUTH_TOKEN)";
    }
    return null;
  }

  /** Raw per-model overrides; unset fields fall back to the global values. */
  public static final class ModelOverrides {
    public java.util.List<String> labels;
    public Path labelsFile;
    public Integer workers;
    public Integer queueSize;
    public float[] imageMean;
    public float[] imageStd;
  }

  public ModelSettings settingsFor(String model) {
    ModelOverrides o = modelSettings.get(model);
    if (o == null) {
      o = new ModelOverrides();
    }
    return new ModelSettings(
        o.labels,
        o.labelsFile,
        o.workers != null ? o.workers : workers,
        o.queueSize != null ? o.queueSize : queueSize,
        o.imageMean != null ? o.imageMean : imageMean,
        o.imageStd != null ? o.imageStd : imageStd);
  }
}
