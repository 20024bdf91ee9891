package io.tflited.runtime.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared model corpus ({@code ../shared/models} beside the checkout). Tests that
 * need it call {@link #require(String)}, which skips them with the reason when it is absent.
 */
public final class SharedModels {
  private SharedModels() {}

  /** The corpus root, or null when it cannot be found. */
  public static Path root() {
    String prop = System.getProperty("tflited.shared");
    if (prop != null && Files.isDirectory(Path.of(prop, "models"))) {
      return Path.of(prop, "models").toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared").resolve("models");
      if (Files.isDirectory(candidate)) {
        return candidate.normalize();
      }
    }
    return null;
  }

  /** A file under the corpus; skips the test when the corpus or the file is missing. */
  public static Path require(String relative) {
    Path root = root();
    Assumptions.assumeTrue(root != null, "../shared/models not found: shared corpus tests skipped");
    Path p = root.resolve(relative);
    Assumptions.assumeTrue(Files.exists(p), "shared corpus file missing: " + p);
    return p;
  }
}
