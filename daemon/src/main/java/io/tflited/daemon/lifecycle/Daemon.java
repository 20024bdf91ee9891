package io.tflited.daemon.lifecycle;

import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.http.Api;
import io.tflited.daemon.metrics.Metrics;
import io.tflited.daemon.registry.ModelEntry;
import io.tflited.daemon.registry.ModelRegistry;
import io.tflited.daemon.transport.HttpServer;
import io.tflited.daemon.transport.SocketPaths;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running server: registry, API, listeners, systemd notifications and shutdown. */
public final class Daemon {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  private final DaemonConfig config;
  private final Map<String, String> env;
  private final ModelRegistry registry;
  private final Api api;
  private final HttpServer server;
  private final SdNotify notify;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private ScheduledExecutorService watchdog;
  private boolean stopping;

  private Daemon(DaemonConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
    this.registry = new ModelRegistry(config);
    this.api = new Api(config, registry, new Metrics(this::gauges));
    this.server = new HttpServer(config, api);
    this.notify = new SdNotify(env);
  }

  private Metrics.ModelGauges gauges() {
    Map<String, int[]> q = new HashMap<>();
    int loaded = 0;
    int failed = 0;
    for (ModelEntry e : registry.all()) {
      q.put(e.name(), new int[] {e.queueDepth(), e.inFlight()});
      if (e.isReady()) {
        loaded++;
      } else {
        failed++;
      }
    }
    int l = loaded;
    int f = failed;
    return new Metrics.ModelGauges() {
      @Override
      public Map<String, int[]> queueAndInFlight() {
        return q;
      }

      @Override
      public int loaded() {
        return l;
      }

      @Override
      public int failed() {
        return f;
      }
    };
  }

  /** Loads the models, binds the listeners and tells systemd it is ready. */
  public static Daemon start(DaemonConfig config, Map<String, String> env) throws IOException, InterruptedException {
    Daemon d = new Daemon(config, env);
    d.registry.loadInitial();
    try {
      d.server.start(SocketPaths.defaultPath(env));
    } catch (IOException | InterruptedException | RuntimeException e) {
      d.registry.drain(0);
      throw e;
    }
    d.api.setReady(true);
    long wd = SdNotify.watchdogMillis(env);
    if (wd > 0 && d.notify.enabled()) {
      d.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watchdog");
        t.setDaemon(true);
        return t;
      });
      d.watchdog.scheduleAtFixedRate(() -> d.notify.send("WATCHDOG=1"), wd / 2, wd / 2, TimeUnit.MILLISECONDS);
    }
    d.notify.send("READY=1\nSTATUS=serving " + d.registry.all().size() + " model(s)");
    LOG.info("tflited ready: {} model(s)", d.registry.all().size());
    return d;
  }

  public ModelRegistry registry() {
    return registry;
  }

  public InetSocketAddress tcpAddress() {
    return server.tcpAddress();
  }

  /** Requests arriving or being answered now (what a graceful stop waits for). */
  public int requestsInProgress() {
    return server.inFlight() + server.uploading();
  }

  public Path socketPath() {
    return server.socketPath();
  }

  /** Rescans the model directory (SIGHUP). */
  public void reload() {
    notify.send("RELOADING=1");
    server.checkSocketFile();
    try {
      var changed = registry.rescan();
      LOG.info("rescan: {} model(s) changed {}", changed.size(), changed);
    } catch (IOException e) {
      LOG.error("rescan of {} failed: {}", config.models, e.toString());
    }
    notify.send("READY=1");
  }

  /**
   * Graceful stop: stop accepting, let in-flight requests finish (bounded by drain_timeout_ms),
   * close connections, remove the socket file.
   */
  public void stop() {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    LOG.info("stopping: draining in-flight requests (up to {} ms)", config.drainTimeoutMs);
    notify.send("STOPPING=1");
    api.setReady(false);
    server.stopAccepting();
    try {
      if (!server.awaitIdle(config.drainTimeoutMs)) {
        LOG.warn("drain timeout: closing with requests still in flight");
      }
      registry.drain(Math.min(1000, config.drainTimeoutMs));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
    if (watchdog != null) {
      watchdog.shutdownNow();
    }
    LOG.info("stopped");
    stopped.countDown();
  }

  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }
}
