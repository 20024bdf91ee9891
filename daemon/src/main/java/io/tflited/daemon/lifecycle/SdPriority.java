package io.tflited.daemon.lifecycle;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The sd-daemon syslog priority of a log event ({@code %sdprio}): journald reads a leading
 * {@code <N>} on stdout lines as the message priority (3 error, 4 warning, 6 info, 7 debug).
 */
public final class SdPriority extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    int l = event.getLevel().toInt();
    if (l >= Level.ERROR_INT) {
      return "3";
    }
    if (l >= Level.WARN_INT) {
      return "4";
    }
    if (l >= Level.INFO_INT) {
      return "6";
    }
    return "7";
  }
}
