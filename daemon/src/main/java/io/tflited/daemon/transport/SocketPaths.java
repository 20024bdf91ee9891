package io.tflited.daemon.transport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The default Unix socket path: $RUNTIME_DIRECTORY/tflited.sock (systemd RuntimeDirectory=),
 * else /run/tflited/tflited.sock when that directory is writable, else
 * $XDG_RUNTIME_DIR/tflited.sock, else /tmp/tflited-$USER/tflited.sock.
 */
public final class SocketPaths {
  public static final String FILE = "tflited.sock";

  private SocketPaths() {}

  public static Path defaultPath(Map<String, String> env) {
    String rd = env.get("RUNTIME_DIRECTORY");
    if (rd != null && !rd.isBlank()) {
      // systemd may pass several directories separated by ':'; the first is ours.
      return Path.of(rd.split(":")[0]).resolve(FILE);
    }
    Path run = Path.of("/run/tflited");
    if (Files.isDirectory(run) && Files.isWritable(run)) {
      return run.resolve(FILE);
    }
    String xdg = env.get("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg))) {
      return Path.of(xdg).resolve(FILE);
    }
    String user = env.getOrDefault("USER", System.getProperty("user.name", "tflited"));
    return Path.of("/tmp/tflited-" + user).resolve(FILE);
  }
}
