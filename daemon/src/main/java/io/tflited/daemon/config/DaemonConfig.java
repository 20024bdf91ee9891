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
  public long maxImagePixels = 40_000_000L;
  public int topK = 5;
  public float[] imageMean = {0f};
  public float[] imageStd = {255f};
  public int socketMode = 0660;
  public final Map<String, ModelOverrides> modelSettings = new HashMap<>();

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
