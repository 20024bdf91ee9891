package io.tflited.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.daemon.Main;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.testing.SharedModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tflited convert} end to end through the CLI dispatch. */
class ConvertCommandTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void convertsTheResnetH5() throws Exception {
    Path h5 = SharedModels.require("mlcommons-tiny/image_classification/pretrainedResnet.h5");
    Path out = tmp.resolve("resnet.tflite");
    Result r = run("convert", h5.toString(), out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("7 batch norms folded, 7 activations fused"), r.out());
    CompiledModel m = CompiledModel.open(out);
    assertEquals(16, m.nodeCount());
    assertEquals(Files.size(out), m.fileBytes());
  }

  /** --quantize hands the converted model to the quantizer: int8 on the ad01 sample data. */
  @Test
  void convertsAndQuantizes() throws Exception {
    Path h5 = SharedModels.require("mlcommons-tiny/anomaly_detection/ad01.h5");
    Path sample = tmp.resolve("cal").resolve("s0");
    Files.createDirectories(sample);
    Files.copy(
        SharedModels.require("golden/mlcommons-tiny/anomaly_detection/ad01_fp32/input_0.bin"),
        sample.resolve("input_0.bin"));
    Path f16 = tmp.resolve("ad01_f16.tflite");
    Result r = run("convert", h5.toString(), f16.toString(), "--quantize", "float16");
    assertEquals(0, r.code(), r.err());
    Path i8 = tmp.resolve("ad01_int8.tflite");
    r =
        run(
            "convert",
            h5.toString(),
            i8.toString(),
            "--quantize",
            "int8",
            "--calibration",
            tmp.resolve("cal").toString(),
            "--io",
            "int8");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Quantized: int8"), r.out());
    CompiledModel m = CompiledModel.open(i8);
    assertEquals(io.tflited.runtime.DataType.INT8, m.inputs().get(0).dataType());
    // float32 weights ~1.07 MB; float16 about half, int8 about a quarter.
    assertTrue(
        Files.size(f16) < 600_000 && Files.size(i8) < 330_000,
        Files.size(f16) + " " + Files.size(i8));
    assertEquals(2, run("convert", h5.toString(), i8.toString(), "--quantize", "int8").code());
    assertEquals(2, run("convert", h5.toString(), i8.toString(), "--io", "int8").code());
    assertEquals(2, run("convert", h5.toString(), i8.toString(), "--quantize", "int4").code());
  }

  @Test
  void notAKerasModelFailsWithOneLine() throws Exception {
    Path bogus = tmp.resolve("model.h5");
    Files.writeString(bogus, "not hdf5 at all");
    Path out = tmp.resolve("out.tflite");
    Result r = run("convert", bogus.toString(), out.toString());
    assertEquals(1, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("neither an HDF5"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void usage() {
    assertEquals(2, run("convert", "only-one.h5").code());
    Result h = run("convert", "--help");
    assertEquals(0, h.code());
    assertTrue(h.out().startsWith("Usage: tflited convert"), h.out());
  }
}
