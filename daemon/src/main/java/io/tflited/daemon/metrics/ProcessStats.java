package io.tflited.daemon.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process memory figures from /proc/self/status (-1 where unavailable). */
public final class ProcessStats {
  private ProcessStats() {}

  /** Peak resident set size (VmHWM) in bytes. */
  public static long peakRssBytes() {
    return statusKb("VmHWM:");
  }

  /** Current resident set size (VmRSS) in bytes. */
  public static long rssBytes() {
    return statusKb("VmRSS:");
  }

  private static long statusKb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          String v = line.substring(key.length()).trim();
          int sp = v.indexOf(' ');
          return Long.parseLong(sp < 0 ? v : v.substring(0, sp)) * 1024L;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
