package io.tflited.runtime.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ResizeBilinearOptions;
import io.tflited.runtime.model.fb.ResizeNearestNeighborOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR against TFLite 2.4.1. */
class ResizeDifferentialTest {

  static byte[] model(
      boolean bilinear,
      DataType type,
      int[] shape,
      int outH,
      int outW,
      boolean align,
      boolean half) {
    ModelBuilder b = new ModelBuilder();
    Quantization q =
        type == DataType.INT8 || type == DataType.UINT8
            ? Quantization.of(0.05f, type == DataType.UINT8 ? 128 : 0)
            : Quantization.NONE;
    int x = b.addTensor("x", type, shape, q);
    int s = b.addInt32Constant("size", new int[] {2}, outH, outW);
    int y = b.addTensor("y", type, new int[] {shape[0], outH, outW, shape[3]}, q);
    if (bilinear) {
      b.addOperator(
          BuiltinOperator.RESIZE_BILINEAR,
          1,
          new int[] {x, s},
          new int[] {y},
          BuiltinOptions.ResizeBilinearOptions,
          fbb -> ResizeBilinearOptions.createResizeBilinearOptions(fbb, align, half));
    } else {
      b.addOperator(
          BuiltinOperator.RESIZE_NEAREST_NEIGHBOR,
          1,
          new int[] {x, s},
          new int[] {y},
          BuiltinOptions.ResizeNearestNeighborOptions,
          fbb -> ResizeNearestNeighborOptions.createResizeNearestNeighborOptions(fbb, align, half));
    }
    b.setInputs(x).setOutputs(y);
    return b.buildBytes();
  }

  /** {@code noHalfPixel}: only align_corners or no flag. */
  static List<String> run(boolean bilinear, DataType[] types, int n, long seed, boolean noHalfPixel)
      throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(seed);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DataType t = types[r.nextInt(types.length)];
      int[] shape = {1 + r.nextInt(2), 1 + r.nextInt(9), 1 + r.nextInt(9), 1 + r.nextInt(5)};
      int outH = 1 + r.nextInt(20);
      int outW = 1 + r.nextInt(20);
      int flags = r.nextInt(noHalfPixel ? 2 : 3);
      boolean align = flags == 1;
      boolean half = flags == 2;
      byte[] model = model(bilinear, t, shape, outH, outW, align, half);
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      byte[][] in = Differential.randomInputs(m.inputs(), seed * 1000 + i, 5f);
      try {
        Differential.assertMatchesTfLite(model, in);
      } catch (AssertionError e) {
        failures.add(
            (bilinear ? "BILINEAR " : "NEAREST ")
                + t
                + " "
                + Arrays.toString(shape)
                + " -> "
                + outH
                + "x"
                + outW
                + " align "
                + align
                + " half "
                + half
                + ": "
                + e.getMessage());
      }
    }
    return failures;
  }

  @Test
  void bilinearFloatAndUint8MatchTfLite() throws Exception {
    List<String> f = run(true, new DataType[] {DataType.FLOAT32, DataType.UINT8}, 300, 31, false);
    assertTrue(f.isEmpty(), f.size() + " differ:\n" + String.join("\n", f));
  }

  @Test
  void nearestMatchesTfLite() throws Exception {
    List<String> f =
        run(
            false,
            new DataType[] {DataType.FLOAT32, DataType.UINT8, DataType.INT8},
            300,
            32,
            false);
    assertTrue(f.isEmpty(), f.size() + " differ:\n" + String.join("\n", f));
  }

  /** Without half-pixel centers TFLite 2.4.1's int8 kernel is right: match it exactly. */
  @Test
  void bilinearInt8WithoutHalfPixelMatchesTfLite() throws Exception {
    List<String> f = run(true, new DataType[] {DataType.INT8}, 200, 33, true);
    assertTrue(f.isEmpty(), f.size() + " differ:\n" + String.join("\n", f));
  }

  /** DeepLab's two uint8 resizes: 33x33x19 to 33x33 and to 513x513, align_corners. */
  @Test
  void deeplabResizesMatchTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    for (int size : new int[] {33, 513}) {
      ModelBuilder b = new ModelBuilder();
      Quantization q = Quantization.of(0.20154354f, 82);
      int x = b.addTensor("x", DataType.UINT8, new int[] {1, 33, 33, 19}, q);
      int s = b.addInt32Constant("size", new int[] {2}, size, size);
      int y = b.addTensor("y", DataType.UINT8, new int[] {1, size, size, 19}, q);
      b.addOperator(
          BuiltinOperator.RESIZE_BILINEAR,
          1,
          new int[] {x, s},
          new int[] {y},
          BuiltinOptions.ResizeBilinearOptions,
          fbb -> ResizeBilinearOptions.createResizeBilinearOptions(fbb, true, false));
      b.setInputs(x).setOutputs(y);
      byte[] model = b.buildBytes();
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      Differential.assertMatchesTfLite(model, Differential.randomInputs(m.inputs(), size, 1f));
    }
  }
}
