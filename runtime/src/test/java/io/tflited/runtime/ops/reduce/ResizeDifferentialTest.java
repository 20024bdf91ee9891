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
      boolean bilinear, DataType type, int[] shape, int outH, int outW, boolean align, boolean half) {
    ModelBuilder b = new ModelBuilder();
    Quantization q = type == DataType.INT8 || type == DataType.UINT8
        ? Quantization.of(0.05f, type == DataType.UINT8 ? 128 : 0) : Quantization.NONE;
    int x = b.addTensor("x", type, shape, q);
    int s = b.addInt32Constant("size", new int[] {2}, outH, outW);
    int y = b.addTensor("y", type, new int[] {shape[0], outH, outW, shape[3]}, q);
    if (bilinear) {
      b.addOperator(BuiltinOperator.RESIZE_BILINEAR, 1, new int[] {x, s}, new int[] {y},
          BuiltinOptions.ResizeBilinearOptions,
          fbb -> ResizeBilinearOptions.createResizeBilinearOptions(fbb, align, half));
    } else {
      b.addOperator(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, 1, new int[] {x, s}, new int[] {y},
          BuiltinOptions.ResizeNearestNeighborOptions,
          fbb -> ResizeNearestNeighborOptions.createResizeNearestNeighborOptions(fbb, align, half));
    }
    b.setInputs(x).setOutputs(y);
    return b.buildBytes();
  }

  /**
   * {@code int8Safe}: only cases where TFLite 2.4.1's int8 bilinear kernel is right (inputs
   * >= 0, so no negative rounding or wrap; half-pixel only when downscaling, so no
   * extrapolation at the first row/column).
   */
  static List<String> run(boolean bilinear, DataType[] types, int n, long seed, boolean int8Safe)
      throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(seed);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DataType t = types[r.nextInt(types.length)];
      int[] shape = {1 + r.nextInt(2), 1 + r.nextInt(9), 1 + r.nextInt(9), 1 + r.nextInt(5)};
      int outH = 1 + r.nextInt(20);
      int outW = 1 + r.nextInt(20);
      int flags = r.nextInt(3);
      boolean align = flags == 1;
      boolean half = flags == 2;
      if (int8Safe && half) {
        outH = 1 + r.nextInt(shape[1]);
        outW = 1 + r.nextInt(shape[2]);
      }
      byte[] model = model(bilinear, t, shape, outH, outW, align, half);
      CompiledModel m = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      byte[][] in = Differential.randomInputs(m.inputs(), seed * 1000 + i, 5f);
      if (int8Safe) {
        for (int k = 0; k < in[0].length; k++) {
          in[0][k] &= 0x7f;
        }
      }
      try {
        Differential.assertMatchesTfLite(model, in);
      } catch (AssertionError e) {
        failures.add((bilinear ? "BILINEAR " : "NEAREST ") + t + " " + Arrays.toString(shape)
            + " -> " + outH + "x" + outW + " align " + align + " half " + half + ": " + e.getMessage());
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
    List<String> f = run(false,
        new DataType[] {DataType.FLOAT32, DataType.UINT8, DataType.INT8}, 300, 32, false);
    assertTrue(f.isEmpty(), f.size() + " differ:\n" + String.join("\n", f));
  }

  @Test
  void bilinearInt8MatchesTfLiteWhereItsKernelIsRight() throws Exception {
    List<String> f = run(true, new DataType[] {DataType.INT8}, 200, 33, true);
    assertTrue(f.isEmpty(), f.size() + " differ:\n" + String.join("\n", f));
  }
}
