package io.tflited.daemon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Model names and the files behind them. A name comes from a URL or a directory listing and
 * must never reach outside the model directory: names are restricted to a small alphabet (no
 * separators, no leading dot, no "..") and the file's real path (symlinks resolved) must lie
 * inside the directory's real path.
 */
public final class ModelPaths {
  public static final String EXTENSION = ".tflite";

  /** Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private ModelPaths() {}

  /** Why {@code name} is not a valid model name, or null when it is. */
  public static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "the model name is empty";
    }
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      return "invalid model name '" + printable(name) + "': use 1 to 128 letters, digits, '.', '_' or '-',"
          + " starting with a letter or digit, without '..'";
    }
    return null;
  }

  /** A model file that resolves outside the model directory. */
  public static final class EscapeException extends IOException {
    private static final long serialVersionUID = 1L;

    EscapeException(String message) {
      super(message);
    }
  }

  /**
   * The real path of {@code dir/name.tflite}, or null when no such regular file exists.
   *
   * @throws EscapeException when the name is invalid or the file (through a symlink)
   *     resolves outside the real model directory
   */
  public static Path resolve(Path dir, String name) throws IOException {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new EscapeException(problem);
    }
    return inside(dir, dir.resolve(name + EXTENSION));
  }

  /**
   * The real path of {@code file} (an entry of {@code dir}), or null when it does not exist
   * or is not a regular file.
   *
   * @throws EscapeException when it resolves outside the real model directory
   */
  public static Path inside(Path dir, Path file) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      return null; // a dangling symlink
    }
    Path root = dir.toRealPath();
    if (!real.startsWith(root)) {
      throw new EscapeException(file.getFileName() + " resolves to " + real + ", outside the model directory " + root);
    }
    return Files.isRegularFile(real) ? real : null;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return s.length() > 80 ? b + "..." : b.toString();
  }
}
