package io.tflited.runtime.ops.elementwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.testing.SharedModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The int16 ADD (v2, same shapes) and SUB (v2, broadcast of a [64] bias) models of the
 * seanet set against (1) the LiteRT 2.5.3 goldens made with Random(42) inputs and (2) the
 * TFLite Micro goldens shipped beside the models (CSV). TFLite 2.4.1's Java API cannot feed
 * int16 inputs, so these are the whole-model references; the general int16 path itself is
 * checked against TFLite 2.4.1 in {@link AddSubTest}.
 */
class SeanetInt16Test {
  @ParameterizedTest
  @ValueSource(strings = {"add/add0", "sub/sub0"})
  void matchesLiteRtGolden(String name) throws Exception {
    Path model = SharedModels.require("tflite-micro/seanet/" + name + ".tflite");
    Path g = SharedModels.require("golden/tflite-micro/seanet/" + name);
    byte[][] in = {
      Files.readAllBytes(g.resolve("input_0.bin")), Files.readAllBytes(g.resolve("input_1.bin"))
    };
    byte[] out = BinaryDiff.runTflited(Files.readAllBytes(model), in)[0];
    assertArrayEquals(shorts(Files.readAllBytes(g.resolve("output_0.bin"))), shorts(out));
  }

  @ParameterizedTest
  @ValueSource(strings = {"add/add0", "sub/sub0"})
  void matchesTfLiteMicroGolden(String name) throws Exception {
    Path dir = SharedModels.require("tflite-micro/seanet/" + name + ".tflite").getParent();
    String base = name.substring(name.indexOf('/') + 1);
    byte[][] in = {
      csv(dir.resolve(base + "_input0_int16.csv")), csv(dir.resolve(base + "_input1_int16.csv"))
    };
    byte[] out =
        BinaryDiff.runTflited(Files.readAllBytes(dir.resolve(base + ".tflite")), in)[0];
    assertArrayEquals(shorts(csv(dir.resolve(base + "_golden_int16.csv"))), shorts(out));
  }

  private static byte[] csv(Path p) throws Exception {
    String[] parts = Files.readString(p).trim().split("[,\\s]+");
    ByteBuffer b = ByteBuffer.allocate(parts.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (String s : parts) {
      b.putShort(Short.parseShort(s));
    }
    return b.array();
  }

  private static short[] shorts(byte[] b) {
    short[] s = new short[b.length / 2];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
    return s;
  }

  @SuppressWarnings("unused")
  private static String head(short[] s) {
    return Arrays.toString(Arrays.copyOf(s, Math.min(8, s.length)));
  }
}
