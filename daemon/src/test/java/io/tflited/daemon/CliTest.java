package io.tflited.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tflited.daemon.registry.SeededInputs;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.TensorInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  private static final ObjectMapper M = new ObjectMapper();

  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryCommandAndEachCommandHasHelp() {
    Result r = run("--help");
    assertEquals(0, r.code());
    for (String c : List.of("inspect", "run", "bench", "serve")) {
      assertTrue(r.out().contains(c), r.out());
      Result h = run(c, "--help");
      assertEquals(0, h.code(), c);
      assertTrue(h.out().startsWith("Usage: tflited " + c), h.out());
    }
    assertTrue(run("serve", "--help").out().contains("--socket"));
  }

  @Test
  void usageErrorsAreOneLineWithExitCode2() {
    for (String[] args : List.of(new String[] {"frobnicate"}, new String[] {"inspect", "--nope", "x"},
        new String[] {"run", "--model"}, new String[] {"bench", "--model", "m", "--num-runs", "zero"},
        new String[] {"inspect"})) {
      Result r = run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().startsWith("tflited: error: "), r.err());
    }
  }

  @Test
  void failuresAreOneLineWithExitCode1AndStackTraceOnlyWhenVerbose() throws Exception {
    Result r = run("inspect", tmp.resolve("missing.tflite").toString());
    assertEquals(1, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("missing.tflite"), r.err());
    Path garbage = tmp.resolve("garbage.tflite");
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    r = run("inspect", garbage.toString());
    assertEquals(1, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    r = run("inspect", "--verbose", garbage.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().lines().count() > 1, "stack trace expected with --verbose");
  }

  @Test
  void inspectJsonDescribesTheModel() throws Exception {
    Path m = TestModels.write(tmp, "ident", TestModels.identity());
    Result r = run("inspect", m.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode o = M.readTree(r.out());
    assertEquals(2, o.get("inputs").size());
    JsonNode q = o.get("inputs").get(0);
    assertEquals("q", q.get("name").asText());
    assertEquals("int8", q.get("dtype").asText());
    assertEquals("[1,4]", q.get("shape").toString());
    assertEquals(0.5, q.get("scale").asDouble(), 1e-9);
    assertEquals(3, q.get("zero_point").asInt());
    assertTrue(o.get("supported").asBoolean());
    assertTrue(o.get("arena_bytes").asLong() > 0);
    assertEquals(2, o.get("tensors").asInt());
    Result text = run("inspect", m.toString());
    assertEquals(0, text.code());
    assertTrue(text.out().contains("supported:   yes"), text.out());
  }

  @Test
  void inspectReportsUnsupportedOperatorsWithoutFailing() throws Exception {
    Path m = TestModels.write(tmp, "custom", customOpModel());
    Result r = run("inspect", m.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode o = M.readTree(r.out());
    assertFalse(o.get("supported").asBoolean());
    assertTrue(o.get("unsupported_reason").asText().contains("NOT_AN_OP"), o.toString());
    assertEquals("NOT_AN_OP", o.get("ops").get(0).get("op").asText());
    assertEquals(1, o.get("ops").get(0).get("count").asInt());
    assertFalse(o.get("ops").get(0).get("supported").asBoolean());
    assertTrue(o.get("arena_bytes").isNull());
  }

  static byte[] customOpModel() {
    var b = new io.tflited.runtime.model.ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 2});
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {1, 2});
    b.addCustomOperator("NOT_AN_OP", 1, new int[] {x}, new int[] {y}, new byte[0]);
    b.setInputs(x).setOutputs(y);
    return b.buildBytes();
  }

  @Test
  void runGeneratesSeededInputsAndWritesOutputsAndMeta() throws Exception {
    Path m = TestModels.write(tmp, "ident", TestModels.identity());
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("out");
    Result r = run("run", "--model", m.toString(), "--input-dir", in.toString(), "--output-dir", out.toString());
    assertEquals(0, r.code(), r.err());
    List<byte[]> expected = SeededInputs.generate(List.of(
        new TensorInfo(0, "q", DataType.INT8, new int[] {1, 4}, Quantization.of(0.5f, 3)),
        new TensorInfo(1, "f", DataType.FLOAT32, new int[] {2, 3}, Quantization.NONE)));
    // Same recipe as the golden data: one Random(42), nextBytes for int8, nextFloat for float32.
    java.util.Random rnd = new java.util.Random(42);
    byte[] q = new byte[4];
    rnd.nextBytes(q);
    assertArrayEquals(q, expected.get(0));
    assertEquals(rnd.nextFloat(),
        java.nio.ByteBuffer.wrap(expected.get(1)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(0));
    assertArrayEquals(expected.get(0), Files.readAllBytes(in.resolve("input_0.bin")));
    assertArrayEquals(expected.get(1), Files.readAllBytes(in.resolve("input_1.bin")));
    assertArrayEquals(expected.get(0), Files.readAllBytes(out.resolve("output_0.bin")));
    assertArrayEquals(expected.get(1), Files.readAllBytes(out.resolve("output_1.bin")));
    JsonNode meta = M.readTree(out.resolve("meta.json").toFile());
    JsonNode o0 = meta.get("outputs").get(0);
    assertEquals(0, o0.get("index").asInt());
    assertEquals("q", o0.get("name").asText());
    assertEquals("int8", o0.get("dtype").asText());
    assertEquals("[1,4]", o0.get("shape").toString());
    assertEquals(0.5, o0.get("scale").asDouble(), 1e-9);
    assertEquals(3, o0.get("zero_point").asInt());
    assertEquals("output_0.bin", o0.get("file").asText());
    JsonNode o1 = meta.get("outputs").get(1);
    assertEquals("float32", o1.get("dtype").asText());
    assertEquals(0, o1.get("scale").asDouble());
    assertEquals(2, meta.get("inputs").size());
    assertEquals("input_1.bin", meta.get("inputs").get(1).get("file").asText());

    // Second run reads the inputs now present.
    Files.write(in.resolve("input_0.bin"), new byte[] {9, 8, 7, 6});
    r = run("run", "--model", m.toString(), "--input-dir", in.toString(), "--output-dir", out.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(new byte[] {9, 8, 7, 6}, Files.readAllBytes(out.resolve("output_0.bin")));
  }

  @Test
  void runKernelSetsGiveIdenticalInt8Outputs() throws Exception {
    Path m = io.tflited.runtime.testing.SharedModels.require("mlcommons-tiny/visual_wake_words/vww_96_int8.tflite");
    Path in = tmp.resolve("k-in");
    byte[] first = null;
    for (String k : new String[] {"scalar", "vector", "auto"}) {
      Path out = tmp.resolve("k-out-" + k);
      Result r = run("run", "--model", m.toString(), "--input-dir", in.toString(), "--output-dir",
          out.toString(), "--kernels", k);
      assertEquals(0, r.code(), r.err());
      byte[] o = Files.readAllBytes(out.resolve("output_0.bin"));
      if (first == null) {
        first = o;
      } else {
        assertArrayEquals(first, o, "--kernels " + k);
      }
    }
    Result bad = run("run", "--model", m.toString(), "--input-dir", in.toString(), "--output-dir",
        tmp.resolve("k-bad").toString(), "--kernels", "gpu");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--kernels"), bad.err());
  }

  @Test
  void runRejectsAWrongInputSizeNamingTheInput() throws Exception {
    Path m = TestModels.write(tmp, "ident", TestModels.identity());
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.write(in.resolve("input_0.bin"), new byte[4]);
    Files.write(in.resolve("input_1.bin"), new byte[7]);
    Result r = run("run", "--model", m.toString(), "--input-dir", in.toString(), "--output-dir",
        tmp.resolve("out").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("'f'") && r.err().contains("7 bytes") && r.err().contains("24"), r.err());
    assertEquals(1, r.err().strip().lines().count());
  }

  @Test
  void benchJsonIsTheLastLine() throws Exception {
    Path m = TestModels.write(tmp, "ident", TestModels.identity());
    Result r = run("bench", "--model", m.toString(), "--num-runs", "20", "--warmup-runs", "2", "--json");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    JsonNode o = M.readTree(lines.get(lines.size() - 1));
    for (String k : List.of("init_ms", "first_run_ms", "min_ms", "median_ms", "p90_ms", "mean_ms", "runs",
        "peak_rss_mb")) {
      assertTrue(o.has(k), k + " missing in " + o);
    }
    assertEquals(20, o.get("runs").asInt());
    assertTrue(o.get("min_ms").asDouble() <= o.get("median_ms").asDouble());
    assertTrue(o.get("median_ms").asDouble() <= o.get("p90_ms").asDouble());
    assertTrue(o.get("peak_rss_mb").asDouble() > 1);
  }
}
