package io.tflited.runtime.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ResizeBilinearOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.SharedModels;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * int8 RESIZE_BILINEAR with half_pixel_centers, the path where TFLite 2.4.1 is wrong
 * (golden/README.md): tflited follows current LiteRT, which clamps at the borders.
 */
class ResizeBilinearInt8HalfPixelTest {

  static byte[] run(byte[] model, byte[] input) throws Exception {
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    return Differential.run(m, new byte[][] {input})[0];
  }

  /** 2x upscale of a 1x2 image: the border pixels replicate the input, no extrapolation. */
  @Test
  void bordersClampInsteadOfExtrapolating() throws Exception {
    byte[] model =
        ResizeDifferentialTest.model(
            true, DataType.INT8, new int[] {1, 1, 2, 1}, 1, 4, false, true);
    // Input x positions for the outputs: -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    byte[] out = run(model, new byte[] {-128, 127});
    // 0.25: -128 + 255/4 = -64.25 -> -64; 0.75: -128 + 3*255/4 = 63.25 -> 63.
    assertArrayEquals(new byte[] {-128, -64, 63, 127}, out);
    // TFLite 2.4.1 would extrapolate to -191.75 and 190.75 and wrap; stay saturated-free here.
    out = run(model, new byte[] {100, -100});
    assertArrayEquals(new byte[] {100, 50, -50, -100}, out);
  }

  /** A constant image stays constant (weights sum to one). */
  @Test
  void constantImageStaysConstant() throws Exception {
    byte[] model =
        ResizeDifferentialTest.model(
            true, DataType.INT8, new int[] {1, 3, 5, 2}, 7, 13, false, true);
    byte[] in = new byte[30];
    Arrays.fill(in, (byte) -77);
    for (byte b : run(model, in)) {
      assertEquals(-77, b);
    }
  }

  /**
   * Bit-exact against LiteRT 2.5.3 (../shared/tools/oracle/litert-ref, Node) on seeded random
   * shapes, up- and downscaling: one model with 12 independent resizes, so one tool run; skipped
   * when the tool is not there.
   */
  @Test
  void matchesLiteRt() throws Exception {
    Path models = SharedModels.root();
    Assumptions.assumeTrue(models != null, "../shared not found");
    Path tool = models.getParent().resolve("tools/oracle/litert-ref");
    Assumptions.assumeTrue(Files.isExecutable(tool), "litert-ref not found at " + tool);
    Random r = new Random(41);
    int cases = 12;
    ModelBuilder b = new ModelBuilder();
    int[] ins = new int[cases];
    int[] outs = new int[cases];
    String[] desc = new String[cases];
    Quantization q = Quantization.of(0.05f, 0);
    for (int i = 0; i < cases; i++) {
      int[] shape = {1 + r.nextInt(2), 1 + r.nextInt(7), 1 + r.nextInt(7), 1 + r.nextInt(5)};
      int outH = 1 + r.nextInt(16);
      int outW = 1 + r.nextInt(16);
      ins[i] = b.addTensor("x" + i, DataType.INT8, shape, q);
      int size = b.addInt32Constant("size" + i, new int[] {2}, outH, outW);
      outs[i] = b.addTensor("y" + i, DataType.INT8, new int[] {shape[0], outH, outW, shape[3]}, q);
      b.addOperator(
          BuiltinOperator.RESIZE_BILINEAR,
          3,
          new int[] {ins[i], size},
          new int[] {outs[i]},
          BuiltinOptions.ResizeBilinearOptions,
          fbb -> ResizeBilinearOptions.createResizeBilinearOptions(fbb, false, true));
      desc[i] = Arrays.toString(shape) + " -> " + outH + "x" + outW;
    }
    b.setInputs(ins).setOutputs(outs);
    byte[] model = b.buildBytes();
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    byte[][] inputs = Differential.randomInputs(m.inputs(), 42, 1f);
    Path dir = Files.createTempDirectory("litert-rb");
    Files.createDirectories(dir.resolve("in"));
    Files.write(dir.resolve("model.tflite"), model);
    for (int i = 0; i < cases; i++) {
      Files.write(dir.resolve("in/input_" + i + ".bin"), inputs[i]);
    }
    Process p =
        new ProcessBuilder(
                tool.toString(),
                dir.resolve("model.tflite").toString(),
                dir.resolve("in").toString(),
                dir.resolve("out").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log.txt").toFile())
            .start();
    Assumptions.assumeTrue(
        p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0,
        "litert-ref failed: " + Files.readString(dir.resolve("log.txt")));
    byte[][] actual = Differential.run(m, inputs);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      byte[] expected = Files.readAllBytes(dir.resolve("out/output_" + i + ".bin"));
      String d = Differential.describeMismatch(DataType.INT8, expected, actual[i]);
      if (d != null) {
        failures.add(desc[i] + ": " + d);
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }
}
