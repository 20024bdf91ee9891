package io.tflited.runtime.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.SharedModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden in ../shared/models/golden: the first invocation after loading, on the stored
 * inputs, must equal the stored outputs. {@code tflite-2.4.1} references are bit-exact for
 * integers (floats within 1e-4 relative); {@code litert-2.5.3} references (int16 models TFLite
 * 2.4.1 cannot run) may differ by at most one quantization step where LiteRT's kernels round
 * differently, and the test prints how many elements do.
 */
class GoldenModelsTest {
  private static final Pattern REFERENCE = Pattern.compile("\"reference\"\\s*:\\s*\"([^\"]+)\"");

  static Stream<String> goldens() throws Exception {
    Path root = SharedModels.root();
    if (root == null) {
      return Stream.of("<no shared corpus>");
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root.resolve("golden"))) {
      s.filter(p -> p.getFileName().toString().equals("meta.json"))
          .map(p -> root.resolve("golden").relativize(p.getParent()).toString())
          .sorted()
          .forEach(out::add);
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldens")
  void matchesGolden(String name) throws Exception {
    Assumptions.assumeTrue(SharedModels.root() != null, "../shared/models not found");
    Path dir = SharedModels.require("golden/" + name);
    Path modelPath = SharedModels.require(name + ".tflite");
    String meta = Files.readString(dir.resolve("meta.json"));
    Matcher m = REFERENCE.matcher(meta);
    String reference = m.find() ? m.group(1) : "tflite-2.4.1";

    CompiledModel model = CompiledModel.open(modelPath);
    List<TensorInfo> ins = model.inputs();
    byte[][] inputs = new byte[ins.size()][];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = Files.readAllBytes(dir.resolve("input_" + i + ".bin"));
    }
    byte[][] actual = Differential.run(model, inputs);
    List<TensorInfo> outs = model.outputs();
    assertEquals(outs.size(), actual.length);
    byte[][] expected = new byte[outs.size()][];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Files.readAllBytes(dir.resolve("output_" + i + ".bin"));
    }
    if (reference.startsWith("tflite-2.4.1")) {
      Differential.assertOutputsMatch(outs, expected, actual, name);
      return;
    }
    // LiteRT 2.5.3 reference: at most one step apart, and say how often.
    for (int i = 0; i < outs.size(); i++) {
      int[] diff = stepDiff(outs.get(i), expected[i], actual[i]);
      System.out.printf(
          "golden %s (litert-2.5.3) output %d: %d of %d elements differ, max %d step(s)%n",
          name, i, diff[0], diff[2], diff[1]);
      assertTrue(diff[1] <= 1, name + " output " + i + " differs by " + diff[1] + " steps");
    }
  }

  /** {differing elements, max difference, element count} for integer outputs. */
  static int[] stepDiff(TensorInfo t, byte[] e, byte[] a) {
    assertEquals(e.length, a.length, "output byte size");
    ByteBuffer eb = ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer ab = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) t.elementCount();
    int count = 0;
    int max = 0;
    for (int k = 0; k < n; k++) {
      long ev;
      long av;
      switch (t.dataType()) {
        case INT8 -> {
          ev = eb.get(k);
          av = ab.get(k);
        }
        case UINT8 -> {
          ev = eb.get(k) & 0xff;
          av = ab.get(k) & 0xff;
        }
        case INT16 -> {
          ev = eb.getShort(2 * k);
          av = ab.getShort(2 * k);
        }
        case INT32 -> {
          ev = eb.getInt(4 * k);
          av = ab.getInt(4 * k);
        }
        case INT64 -> {
          ev = eb.getLong(8 * k);
          av = ab.getLong(8 * k);
        }
        default -> {
          float ef = eb.getFloat(4 * k);
          float af = ab.getFloat(4 * k);
          ev = Math.abs(ef - af) <= Math.max(1e-5, 1e-4 * Math.abs(ef)) ? 0 : 1_000_000;
          av = 0;
        }
      }
      if (ev != av) {
        count++;
        max = (int) Math.min(Integer.MAX_VALUE, Math.max(max, Math.abs(ev - av)));
      }
    }
    return new int[] {count, max, n};
  }
}
