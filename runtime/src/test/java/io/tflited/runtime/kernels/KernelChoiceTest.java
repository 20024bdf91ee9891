package io.tflited.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The kernel set follows the JVM: Vector API kernels only where C2 compiles them. Each case
 * is a child JVM (the choice is made once per JVM) that prints its reason.
 */
class KernelChoiceTest {
  @Test
  void withoutC2TheScalarKernelsRun() throws Exception {
    assumeVectorHere();
    String reason = reasonIn("-XX:TieredStopAtLevel=1");
    assertTrue(reason.contains("C2"), "C1-only JVM: " + reason);
    reason = reasonIn("-XX:TieredStopAtLevel=3");
    assertTrue(reason.contains("TieredStopAtLevel=3"), "tiers 1-3 only: " + reason);
    assertTrue(reasonIn("-Xint").contains("-Xint"));
  }

  @Test
  void withC2TheVectorKernelsRun() throws Exception {
    assumeVectorHere();
    assertEquals("vector", reasonIn("-XX:+TieredCompilation"));
    assertEquals("vector", reasonIn("-XX:-TieredCompilation")); // C2 alone
  }

  private static void assumeVectorHere() {
    Assumptions.assumeTrue(KernelChoice.vectorUnavailableReason() == null,
        "no Vector API kernels in this JVM: " + KernelChoice.vectorUnavailableReason());
  }

  private static String reasonIn(String vmOption) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add(vmOption);
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(KernelChoiceTest.class.getName());
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      // qemu user-mode emulation (scripts/test-arm64.sh) cannot exec the JDK's spawn helper.
      Assumptions.abort("cannot start a child JVM here: " + e.getMessage());
      throw e;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit");
    String last = out.strip().lines().reduce((a, b) -> b).orElse("");
    return last.startsWith("reason: ") ? last.substring("reason: ".length()) : "no answer: " + out;
  }

  /** The child JVM: prints why the vector kernels cannot run, or "vector". */
  public static void main(String[] args) {
    String reason = KernelChoice.vectorUnavailableReason();
    System.out.println("reason: " + (reason == null ? "vector" : reason));
  }
}
