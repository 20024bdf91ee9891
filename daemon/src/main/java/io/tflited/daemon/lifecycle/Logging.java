package io.tflited.daemon.lifecycle;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Run-time log level changes (the config's log_level). */
public final class Logging {
  private Logging() {}

  public static void setLevel(String level) {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
      root.setLevel(Level.toLevel(level, Level.INFO));
      Level tflited = root.getLevel();
      ((Logger) LoggerFactory.getLogger("io.tflited")).setLevel(tflited);
      ((Logger) LoggerFactory.getLogger("tflited")).setLevel(tflited);
      // Netty's own debug output is noise for operators.
      ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(
          tflited.isGreaterOrEqual(Level.WARN) ? tflited : Level.WARN);
    }
  }
}
