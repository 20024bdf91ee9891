package io.tflited.daemon.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when the Unix socket file is deleted while the daemon serves (a tmp cleaner, an
 * operator's rm, a second instance's start-up) and binds a new listener at the path. A
 * listening socket keeps working after its file is unlinked, but nobody can connect to it any
 * more, so without this the daemon would look dead to every local client.
 *
 * <p>The check compares the path's file key (device and inode) with the one bound; it runs
 * every {@link #PERIOD_MS} and on demand (SIGHUP). A path that now holds some other file
 * (another daemon's socket, a regular file) is left alone while serving and reported once; at
 * shutdown Netty's listener deletes its path whatever it holds by then (another tflited there
 * binds again within one period).
 */
public final class SocketFileWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SocketFileWatch.class);
  /** How often the path is checked. */
  public static final long PERIOD_MS = 2000;

  /** Binds a new listener at the path (the old one, its file gone, is closed by the callee). */
  @FunctionalInterface
  interface Rebind {
    void rebind() throws IOException;
  }

  private final Path path;
  private final Rebind rebind;
  private final ScheduledExecutorService timer;
  private Object boundKey;
  private Object reportedForeignKey;
  private volatile boolean closed;

  SocketFileWatch(Path path, Rebind rebind) throws IOException {
    this.path = path;
    this.rebind = rebind;
    this.boundKey = fileKey(path);
    this.timer = Executors.newSingleThreadScheduledExecutor(r ->
        Thread.ofPlatform().daemon(true).name("socket-watch").unstarted(r));
    if (boundKey != null) { // null: the file system gives no inode to compare
      timer.scheduleWithFixedDelay(this::check, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** Checks the path now; true when it is (again) our socket. Never throws. */
  public synchronized boolean check() {
    if (closed || boundKey == null) {
      return false;
    }
    try {
      Object key = fileKey(path);
      if (key != null && key.equals(boundKey)) {
        return true;
      }
      if (key != null) {
        if (!key.equals(reportedForeignKey)) {
          LOG.error("{} is no longer this daemon's socket (replaced by another file); "
              + "leaving it: local clients cannot reach this daemon until it is removed", path);
          reportedForeignKey = key;
        }
        return false;
      }
      LOG.warn("socket file {} was removed while serving; listening on it again", path);
      rebind.rebind();
      boundKey = fileKey(path);
      reportedForeignKey = null;
      LOG.info("listening on unix:{} again", path);
      return boundKey != null;
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot listen on unix:{} again: {} (retrying every {} ms)", path, e.toString(), PERIOD_MS);
      return false;
    }
  }

  /** Device and inode of the path itself (not a link's target); null when it does not exist. */
  private static Object fileKey(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Stops the checks (not synchronized: the rebind callback may hold the server's lock). */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
  }
}
