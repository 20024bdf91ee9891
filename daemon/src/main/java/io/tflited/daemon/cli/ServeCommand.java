package io.tflited.daemon.cli;

import io.tflited.daemon.config.ConfigLoader;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.lifecycle.Daemon;
import io.tflited.daemon.lifecycle.Logging;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.tflited.daemon.lifecycle.Signals;

/**
 * {@code tflited serve}: runs the inference server until SIGTERM/SIGINT (graceful: exit 0);
 * SIGHUP rescans the model directory.
 */
public final class ServeCommand implements Command {
  private static volatile boolean running;

  public static boolean keepsRunning() {
    return running;
  }

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String summary() {
    return "serve models over HTTP/1.1 (TCP and Unix socket): KServe V2 and TF Serving REST";
  }

  @Override
  public String usage() {
    return "tflited serve [--config FILE] [--models DIR] [--http HOST:PORT] [--socket PATH] [--log-level L]\n\n"
        + "Every config key can also be set with an environment variable TFLITED_<KEY> (e.g. TFLITED_HTTP,\n"
        + "TFLITED_SOCKET, TFLITED_MODELS, TFLITED_LOG_LEVEL); flags win over the environment, which wins\n"
        + "over the file. An empty --http or --socket disables that transport. Without a config and a\n"
        + "model directory the built-in 'demo' model is served.\n"
        + "Signals: SIGTERM/SIGINT drain and exit 0; SIGHUP rescans the model directory.";
  }

  @Override
  public Args args() {
    return ConfigLoader.declare(new Args(name()));
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    if (!args.positionals().isEmpty()) {
      throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
    }
    DaemonConfig config = ConfigLoader.load(args, System.getenv());
    Logging.setLevel(config.logLevel);
    Logger log = LoggerFactory.getLogger(ServeCommand.class);
    // Signal handlers first: a SIGTERM during start-up stops the server once it is up.
    java.util.concurrent.atomic.AtomicReference<Daemon> ref = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean stopRequested = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable stop = () -> {
      stopRequested.set(true);
      Daemon running = ref.get();
      if (running != null) {
        Thread.ofPlatform().name("shutdown").start(running::stop);
      }
    };
    Signals.handle("TERM", stop);
    Signals.handle("INT", stop);
    boolean hup = Signals.handle("HUP", () -> {
      Daemon running = ref.get();
      if (running != null) {
        Thread.ofPlatform().name("reload").start(running::reload);
      }
    });
    if (!hup) {
      log.warn("SIGHUP unavailable: reload with POST /v2/repository/models/NAME/load");
    }
    Daemon d;
    try {
      d = Daemon.start(config, System.getenv());
    } catch (BindException e) {
      throw new CommandFailedException(e.getMessage(), e);
    } catch (java.nio.file.FileSystemException e) {
      String what = e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
      throw new CommandFailedException("cannot start the server: " + e.getFile() + ": " + what, e);
    } catch (IOException e) {
      throw new CommandFailedException("cannot start the server: " + e.getMessage(), e);
    }
    running = true;
    ref.set(d);
    if (stopRequested.get()) {
      Thread.ofPlatform().name("shutdown").start(d::stop);
    }
    d.awaitStopped();
    running = false;
    return 0;
  }
}
