package io.tflited.daemon.faults;

import io.tflited.daemon.RawHttp;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.AddOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import java.io.File;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Models, child `tflited serve` processes and probes shared by the fault tests. */
final class FaultSupport {
  private FaultSupport() {}

  /**
   * y = x + c over float32 [1,3], declared [-1,3]: a request with another batch size makes the
   * worker prepare the graph again, which reads the constant c from the model bytes after load.
   */
  static byte[] addConstant(float c) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 3}, Quantization.NONE, new int[] {-1, 3});
    int k = b.addFloatConstant("c", new int[] {1}, c);
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {1, 3}, Quantization.NONE, new int[] {-1, 3});
    b.addOperator(BuiltinOperator.ADD, 1, new int[] {x, k}, new int[] {y},
        BuiltinOptions.AddOptions, fbb -> AddOptions.createAddOptions(fbb, (byte) 0, true));
    b.setInputs(x).setOutputs(y);
    return b.buildBytes();
  }

  static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The demo model's KServe request. */
  static final byte[] DEMO_REQUEST = json(
      "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[5.1,3.5,1.4,0.2]}]}");

  /** Open file descriptors of this JVM. */
  static int openFds() throws IOException {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return (int) s.count();
    }
  }

  /** Starts `tflited serve` in a child JVM with the test class path. */
  static ProcessBuilder serve(List<String> args) {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", cp.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator),
        "io.tflited.daemon.Main", "serve"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("NOTIFY_SOCKET");
    pb.environment().remove("JOURNAL_STREAM");
    return pb;
  }

  /** Waits until the server answers /v2/health/ready with 200 on the socket; false on timeout or exit. */
  static boolean awaitReady(Process p, Path socket, long seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end && p.isAlive()) {
      if (Files.exists(socket)) {
        try (RawHttp h = new RawHttp(UnixDomainSocketAddress.of(socket))) {
          if (h.request("GET", "/v2/health/ready", Map.of(), null).status() == 200) {
            return true;
          }
        } catch (IOException e) {
          // not listening yet
        }
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** Sends SIGTERM (Process.destroy) and waits; the exit code, or -1 on timeout. */
  static int terminate(Process p, long seconds) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  /** The sum of a Prometheus metric's samples whose line starts with the prefix. */
  static double metric(String exposition, String prefix) {
    double sum = 0;
    for (String l : exposition.split("\n")) {
      if (l.startsWith(prefix)) {
        sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
