package io.tflited.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tflited quantize} end to end through {@link Main#run}. */
class QuantizeCliTest {
  @TempDir Path tmp;

  @Test
  void everyModeWritesALoadableModelKeepingTheSignature() throws Exception {
    Path in = TestModels.write(tmp, "classifier", TestModels.classifier());
    Path cal = calibrationDir(6);
    for (String mode : List.of("float16", "dynamic", "int8")) {
      for (String io : mode.equals("int8") ? List.of("float", "int8", "uint8") : List.of("float")) {
        Path out = tmp.resolve(mode + "_" + io + ".tflite");
        CliTest.Result r =
            CliTest.run(
                "quantize",
                "--mode",
                mode,
                "--io",
                io,
                "--calibration",
                cal.toString(),
                in.toString(),
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Wrote " + out), r.out());
        CompiledModel m = CompiledModel.open(out);
        assertEquals(1, m.signatures().size());
        DataType expected =
            switch (io) {
              case "int8" -> DataType.INT8;
              case "uint8" -> DataType.UINT8;
              default -> DataType.FLOAT32;
            };
        assertEquals(expected, m.inputs().get(0).dataType());
      }
    }
  }

  @Test
  void reportJsonHasEveryVariant() throws Exception {
    Path in = TestModels.write(tmp, "classifier", TestModels.classifier());
    Path out = tmp.resolve("q.tflite");
    CliTest.Result r =
        CliTest.run(
            "quantize",
            "--mode",
            "int8",
            "--calibration",
            calibrationDir(5).toString(),
            "--report",
            "--json",
            "--runs",
            "3",
            in.toString(),
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("top-1 agreement"), r.out());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode j = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertTrue(j.get("classifier").asBoolean());
    assertEquals(5, j.get("samples").asInt());
    List<String> names = new java.util.ArrayList<>();
    j.get("variants").forEach(v -> names.add(v.get("name").asText()));
    assertEquals(List.of("float32", "float16", "dynamic", "int8"), names);
    assertEquals(Files.size(out), j.get("variants").get(3).get("file_bytes").asLong());
    assertEquals(1.0, j.get("variants").get(0).get("top1_agreement").asDouble());
  }

  @Test
  void reportComparesOtherQuantizedFilesOnTheSameData() throws Exception {
    Path in = TestModels.write(tmp, "classifier", TestModels.classifier());
    Path theirs = tmp.resolve("theirs.tflite");
    String cal = calibrationDir(4).toString();
    CliTest.Result r =
        CliTest.run(
            "quantize", "--mode", "int8", "--io", "int8", "--calibration", cal, in.toString(),
            theirs.toString());
    assertEquals(0, r.code(), r.err());
    r =
        CliTest.run(
            "quantize", "--mode", "float16", "--calibration", cal, "--report", "--json", "--runs",
            "2", "--compare", theirs.toString(), in.toString(), tmp.resolve("f16.tflite").toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode j = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    JsonNode last = j.get("variants").get(j.get("variants").size() - 1);
    assertEquals("theirs.tflite", last.get("name").asText());
    assertEquals(Files.size(theirs), last.get("file_bytes").asLong());
    // the int8-I/O file is fed the same samples, quantized: it agrees like our int8 row
    assertEquals(
        j.get("variants").get(3).get("top1_agreement").asDouble(),
        last.get("top1_agreement").asDouble());

    r =
        CliTest.run(
            "quantize", "--mode", "float16", "--report", "--compare",
            tmp.resolve("missing.tflite").toString(), in.toString(),
            tmp.resolve("o.tflite").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("missing.tflite"), r.err());
    r =
        CliTest.run(
            "quantize", "--mode", "float16", "--compare", theirs.toString(), in.toString(),
            tmp.resolve("o.tflite").toString());
    assertEquals(2, r.code(), r.err());
  }

  @Test
  void usageErrors() throws Exception {
    Path in = TestModels.write(tmp, "classifier", TestModels.classifier());
    String o = tmp.resolve("o.tflite").toString();
    for (String[] args :
        List.of(
            new String[] {"quantize", in.toString(), o},
            new String[] {"quantize", "--mode", "int4", in.toString(), o},
            new String[] {"quantize", "--mode", "int8", in.toString(), o},
            new String[] {"quantize", "--mode", "float16", "--io", "int8", in.toString(), o},
            new String[] {"quantize", "--mode", "float16", in.toString()})) {
      CliTest.Result r = CliTest.run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().startsWith("tflited: error: "), r.err());
    }
    CliTest.Result r =
        CliTest.run(
            "quantize",
            "--mode",
            "int8",
            "--calibration",
            tmp.resolve("nowhere").toString(),
            in.toString(),
            o);
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("nowhere"), r.err());
  }

  private Path calibrationDir(int n) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cal" + n));
    Random rnd = new Random(n);
    for (int s = 0; s < n; s++) {
      Path d = Files.createDirectories(dir.resolve("sample_" + s));
      ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < 4; i++) {
        b.putFloat(rnd.nextFloat() * 4 - 2);
      }
      Files.write(d.resolve("input_0.bin"), b.array());
    }
    return dir;
  }
}
