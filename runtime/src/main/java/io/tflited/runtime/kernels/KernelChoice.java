package io.tflited.runtime.kernels;

import io.tflited.runtime.InterpreterOptions.KernelSet;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides once per JVM whether the Vector API kernels can be used (Lucene's
 * VectorizationProvider pattern): HotSpot with C2, the {@code jdk.incubator.vector} module
 * present, amd64 or aarch64, a preferred vector width of at least 128 bits. Otherwise the
 * scalar reference kernels run, and one log line says why and how to enable the fast path.
 *
 * <p>System properties: {@code tflited.kernels=scalar|vector|auto} forces the choice;
 * {@code tflited.vector.bits=128|256|512} forces the vector width (128 on x86 reproduces the
 * Raspberry Pi's NEON width). This class never touches {@code jdk.incubator.vector} itself,
 * so it loads on JVMs without the module.
 */
public final class KernelChoice {
  private static final Logger LOG = LoggerFactory.getLogger(KernelChoice.class);
  private static final String UNAVAILABLE_REASON = probe();
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  private KernelChoice() {}

  /** Null when vector kernels can run here, else why not. */
  public static String vectorUnavailableReason() {
    return UNAVAILABLE_REASON;
  }

  /** Whether an interpreter asking for {@code requested} gets the vector kernels. */
  public static boolean useVector(KernelSet requested) {
    String forced = System.getProperty("tflited.kernels", "auto").toLowerCase(Locale.ROOT);
    KernelSet effective =
        switch (forced) {
          case "scalar" -> KernelSet.SCALAR;
          case "vector" -> KernelSet.VECTOR;
          default -> requested;
        };
    boolean use = effective != KernelSet.SCALAR && UNAVAILABLE_REASON == null;
    if (LOGGED.compareAndSet(false, true)) {
      if (use) {
        LOG.info("kernels: Vector API, {}-bit vectors on {}", vectorBits(), arch());
      } else if (effective == KernelSet.SCALAR) {
        LOG.info("kernels: scalar reference kernels (requested)");
      } else {
        LOG.info(
            "kernels: scalar reference kernels because {}; run on HotSpot (C2) with "
                + "--add-modules jdk.incubator.vector on amd64/aarch64 for the Vector API kernels",
            UNAVAILABLE_REASON);
      }
    }
    return use;
  }

  /** The vector width in bits the vector kernels use in this JVM. */
  public static int vectorBits() {
    Integer forced = Integer.getInteger("tflited.vector.bits");
    if (forced != null) {
      return forced;
    }
    return UNAVAILABLE_REASON == null ? VectorWidthProbe.preferredBits() : 0;
  }

  private static String arch() {
    return System.getProperty("os.arch", "?");
  }

  /** Why this JVM has no C2 compiler, or null when it has one (or cannot tell). */
  private static String c1OnlyReason() {
    if (System.getProperty("java.vm.info", "").contains("emulated-client")) {
      return "the JVM runs without its C2 compiler (-XX:TieredStopAtLevel=1 or client emulation)";
    }
    try {
      com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
          .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      if (vm != null && Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue())
          && Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) < 4) {
        return "the JVM stops compiling before C2 (-XX:TieredStopAtLevel="
            + vm.getVMOption("TieredStopAtLevel").getValue() + ")";
      }
    } catch (LinkageError | RuntimeException e) {
      // No jdk.management or no such option in this VM: assume C2 is there.
    }
    return null;
  }

  private static String probe() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "the jdk.incubator.vector module is not present";
    }
    String arch = arch();
    if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
      return "the CPU architecture " + arch + " has no intrinsified Vector API";
    }
    String vm = System.getProperty("java.vm.name", "");
    if (!vm.contains("HotSpot") && !vm.contains("OpenJDK")) {
      return "the JVM (" + vm + ") is not HotSpot";
    }
    String info = System.getProperty("java.vm.info", "");
    if (info.contains("interpreted mode")) {
      return "the JIT is disabled (-Xint)";
    }
    // Only C2 turns Vector API calls into SIMD instructions; C1 and the interpreter run the
    // library's Java fallbacks, which box every vector (10-100x slower than the scalar kernels).
    String c1Only = c1OnlyReason();
    if (c1Only != null) {
      return c1Only;
    }
    try {
      int bits = VectorWidthProbe.preferredBits();
      if (bits < 128) {
        return "the preferred vector width is " + bits + " bits";
      }
    } catch (LinkageError e) {
      return "the Vector API cannot be initialised (" + e + ")";
    }
    return null;
  }
}
