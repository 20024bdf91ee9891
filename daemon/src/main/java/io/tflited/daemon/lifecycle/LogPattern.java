package io.tflited.daemon.lifecycle;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * Logback pattern for stdout: without a timestamp when running under journald
 * ($JOURNAL_STREAM is set; journald adds its own), with one otherwise.
 */
public final class LogPattern extends PropertyDefinerBase {
  @Override
  public String getPropertyValue() {
    String js = System.getenv("JOURNAL_STREAM");
    if (js != null && !js.isEmpty()) {
      return "%-5level %logger{0}: %msg%n";
    }
    return "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}: %msg%n";
  }
}
