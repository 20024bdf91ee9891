package io.tflited.daemon.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's sd_notify (READY=1, STOPPING=1, WATCHDOG=1) through $NOTIFY_SOCKET.
 *
 * <p>The notify socket is an AF_UNIX datagram socket. Neither the JDK's socket API (its Unix
 * domain sockets are stream-only) nor Netty's NIO transport can send AF_UNIX datagrams. On
 * Java 22+ the message is sent directly with socket(2)/sendto(2) through the Foreign Function
 * API ({@link UnixDatagram}); on Java 21, or if that fails, it falls back to
 * {@code /usr/bin/systemd-notify --pid=<our pid> MESSAGE}. Because that helper is a child
 * process, the unit sets {@code NotifyAccess=all}. Without NOTIFY_SOCKET (not started by
 * systemd) every call is a no-op.
 */
public final class SdNotify {
  private static final Logger LOG = LoggerFactory.getLogger(SdNotify.class);

  private final String socket;
  private final String tool;

  public SdNotify(Map<String, String> env) {
    this.socket = env.get("NOTIFY_SOCKET");
    String t = null;
    for (String c : new String[] {"/usr/bin/systemd-notify", "/bin/systemd-notify"}) {
      if (Files.isExecutable(Path.of(c))) {
        t = c;
        break;
      }
    }
    this.tool = t;
    if (socket != null && tool == null && UnixDatagram.get() == null) {
      LOG.warn("NOTIFY_SOCKET is set but neither the Foreign Function API ({}) nor systemd-notify"
          + " is available: cannot notify systemd", UnixDatagram.whyUnavailable());
    }
  }

  public boolean enabled() {
    return socket != null && !socket.isEmpty() && (tool != null || UnixDatagram.get() != null);
  }

  /** Sends one notification; failures are logged, never thrown. */
  public void send(String message) {
    if (!enabled()) {
      return;
    }
    UnixDatagram direct = UnixDatagram.get();
    if (direct != null) {
      try {
        direct.send(socket, message);
        return;
      } catch (Exception e) {
        LOG.debug("direct sd_notify failed ({}), trying systemd-notify", e.toString());
      }
    }
    if (tool == null) {
      LOG.warn("cannot notify systemd ({}): no systemd-notify and no native access", message);
      return;
    }
    try {
      Process p = new ProcessBuilder(tool, "--pid=" + ProcessHandle.current().pid(), message)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        LOG.warn("systemd-notify {} timed out", message);
      } else if (p.exitValue() != 0) {
        LOG.warn("systemd-notify {} failed with exit code {}", message, p.exitValue());
      }
    } catch (Exception e) {
      LOG.warn("cannot notify systemd ({}): {}", message, e.toString());
    }
  }

  /** Watchdog interval from $WATCHDOG_USEC (0 when the watchdog is off or not for us). */
  public static long watchdogMillis(Map<String, String> env) {
    String usec = env.get("WATCHDOG_USEC");
    String pid = env.get("WATCHDOG_PID");
    if (usec == null) {
      return 0;
    }
    if (pid != null && !pid.equals(String.valueOf(ProcessHandle.current().pid()))) {
      return 0;
    }
    try {
      return Long.parseLong(usec.trim()) / 1000;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
