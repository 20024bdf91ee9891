package io.tflited.daemon.lifecycle;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * Logback pattern for stdout: under journald ($JOURNAL_STREAM is set) no timestamp (journald
 * adds its own) and a leading {@code <N>} priority that journald turns into the entry's
 * priority; otherwise an ISO timestamp.
 */
public final class LogPattern extends PropertyDefinerBase {
  @Override
  public String getPropertyValue() {
    String js = System.getenv("JOURNAL_STREAM");
    if (js != null && !js.isEmpty()) {
      return "<%sdprio>%-5level %logger{0}: %msg%n";
    }
    return "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}: %msg%n";
  }
}
