package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel warm-up's rounds run every family and end allocation-free (every family's vector
 * code compiled), at the native width and at 256 and 128 bits (the Pi's NEON width). Each width
 * runs in a fresh JVM, as the daemon's warm-up does: in a JVM that has already run the whole
 * suite's thousands of random kernel shapes, C2 leaves some kernels boxing for good (see the
 * surefire executions in runtime/pom.xml), which says nothing about a daemon's start.
 */
class VectorWarmupTest {
  private static final String RESULT = "warmup-result ";

  @ParameterizedTest(name = "{0} bits (0: preferred)")
  @ValueSource(ints = {0, 256, 128})
  void everyFamilyRunsAndEndsCompiled(int bits) throws Exception {
    Assumptions.assumeTrue(bits <= Species.BITS,
        "this machine's vectors are narrower than " + bits + " bits");
    String line = inFreshJvm(bits);
    Assumptions.assumeTrue(line != null, "no child JVM can be started here (qemu user mode)");
    System.out.println("vector warm-up: " + line);
    String[] f = line.split(" ", 6);
    int done = Integer.parseInt(f[0]);
    boolean counted = Boolean.parseBoolean(f[2]);
    boolean compiled = Boolean.parseBoolean(f[3]);
    String allocating = f[5];
    assertTrue(done >= VectorWarmup.MIN_ROUNDS || !counted, "ended after " + done + " rounds");
    Assumptions.assumeTrue(counted, "the child JVM does not count allocated bytes");
    assertTrue(compiled && allocating.equals("[]"),
        "families still allocating after the warm-up (" + f[1] + " ms at " + f[4] + " bits): "
            + allocating);
  }

  /** Runs {@link #main} in a new JVM at {@code bits} (0: preferred); null if none can start. */
  private static String inFreshJvm(int bits) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:")) {
        cmd.add(arg); // the launchers' C2 budget
      }
    }
    if (bits != 0) {
      cmd.add("-Dtflited.vector.bits=" + bits);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")));
    cmd.add(VectorWarmupTest.class.getName());
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      return null;
    }
    String result = null;
    StringBuilder all = new StringBuilder();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = out.readLine()) != null; ) {
        all.append(l).append('\n');
        if (l.startsWith(RESULT)) {
          result = l.substring(RESULT.length());
        }
      }
    }
    if (!p.waitFor(VectorWarmup.MAX_NANOS / 1_000_000_000L + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    assertTrue(result != null, "the child JVM reported no result:\n" + all);
    return result;
  }

  /** The child: one warm-up; prints rounds, ms, counted, compiled, bits, still allocating. */
  public static void main(String[] args) throws Exception {
    VectorWarmup.Rounds rounds = new VectorWarmup.Rounds();
    List<String> allocating = new ArrayList<>();
    long start = System.nanoTime();
    int done = VectorWarmup.run(rounds, start + VectorWarmup.MAX_NANOS, allocating);
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println(RESULT + done + " " + ms + " " + (rounds.counter != null) + " "
        + rounds.compiled() + " " + Species.BITS + " " + allocating);
    System.exit(0);
  }
}
