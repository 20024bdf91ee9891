package io.tflited.runtime.ops.newops;

import io.tflited.runtime.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a model on LiteRT 2.5.3 through ../shared/tools/oracle/litert-ref (the oracle for ops
 * newer than TFLite 2.4.1); the calling test is skipped, with the reason, when the tool is
 * absent or fails to start.
 */
final class LiteRtRef {
  private LiteRtRef() {}

  static byte[][] run(byte[] model, byte[][] inputs, int outputs) throws Exception {
    Path models = SharedModels.root();
    Assumptions.assumeTrue(models != null, "../shared not found");
    Path tool = models.getParent().resolve("tools/oracle/litert-ref");
    Assumptions.assumeTrue(Files.isExecutable(tool), "litert-ref not found at " + tool);
    Path dir = Files.createTempDirectory("litert-newops");
    Files.createDirectories(dir.resolve("in"));
    Files.write(dir.resolve("model.tflite"), model);
    for (int i = 0; i < inputs.length; i++) {
      Files.write(dir.resolve("in/input_" + i + ".bin"), inputs[i]);
    }
    Process p =
        new ProcessBuilder(tool.toString(), dir.resolve("model.tflite").toString(),
                dir.resolve("in").toString(), dir.resolve("out").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log.txt").toFile())
            .start();
    boolean done = p.waitFor(180, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    Assumptions.assumeTrue(done && p.exitValue() == 0,
        "litert-ref failed: " + Files.readString(dir.resolve("log.txt")));
    // litert-ref can exit 0 after a failed invoke (leaving stale outputs): its log is checked
    // too, and a failure there is a test failure, since the model is meant to run.
    String log = Files.readString(dir.resolve("log.txt"));
    Assertions.assertFalse(log.contains("ERROR"), "litert-ref reported errors:\n" + log);
    byte[][] out = new byte[outputs][];
    for (int i = 0; i < outputs; i++) {
      out[i] = Files.readAllBytes(dir.resolve("out/output_" + i + ".bin"));
    }
    return out;
  }
}
