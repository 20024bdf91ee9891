package io.tflited.runtime.fuzz;

import io.tflited.runtime.testing.SharedModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Seeds for the fuzz targets' generated corpus. Jazzer fuzzes from the regression inputs
 * (src/test/resources/.../&lt;Class&gt;Inputs/&lt;method&gt;) plus its generated corpus directory
 * {@code .cifuzz-corpus/<class>/<method>} under the module; the real models of
 * ../shared/models may not be copied into the repository, so a fuzzing run (JAZZER_FUZZ set)
 * copies them into that directory before the first input.
 */
public final class FuzzCorpus {
  /** Larger models make every execution slow; libFuzzer still reaches them by splicing. */
  public static final long MAX_SEED_BYTES = 128 * 1024;

  private FuzzCorpus() {}

  /** True when Jazzer fuzzes (JAZZER_FUZZ non-empty) rather than replaying regression inputs. */
  public static boolean fuzzing() {
    String v = System.getenv("JAZZER_FUZZ");
    return v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false");
  }

  /** Jazzer's generated corpus directory of a fuzz test (relative to the module directory). */
  public static Path generatedCorpus(Class<?> fuzzTest, String method) {
    return Path.of(".cifuzz-corpus", fuzzTest.getName(), method);
  }

  /** The shared corpus' .tflite files up to {@link #MAX_SEED_BYTES}, or none when absent. */
  public static List<Path> sharedModels() {
    Path root = SharedModels.root();
    if (root == null) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".tflite"))
          .filter(p -> size(p) <= MAX_SEED_BYTES)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes seeds into the generated corpus of a fuzz test when fuzzing; no-op otherwise. */
  public static void seed(Class<?> fuzzTest, String method, List<byte[]> seeds) {
    if (!fuzzing()) {
      return;
    }
    Path dir = generatedCorpus(fuzzTest, method);
    try {
      Files.createDirectories(dir);
      for (byte[] s : seeds) {
        // libFuzzer names corpus files by content hash; the same scheme keeps reruns idempotent.
        Path f = dir.resolve("seed-" + sha1(s));
        if (!Files.exists(f)) {
          Files.write(f, s);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(byte[] b) {
    try {
      return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
