package io.tflited.runtime.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ResizeNearestNeighborOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RESIZE_NEAREST_NEIGHBOR int16 against TFLite 2.4.1, through QUANTIZE/DEQUANTIZE in the oracle
 * (its Java API cannot feed int16 tensors; see {@link MeanInt16DifferentialTest}).
 */
class ResizeNearestInt16DifferentialTest {

  @Test
  void randomCasesMatchTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(71);
    List<String> failures = new ArrayList<>();
    float scale = 0.001f;
    for (int i = 0; i < 60; i++) {
      int[] shape = {1 + r.nextInt(2), 1 + r.nextInt(7), 1 + r.nextInt(7), 1 + r.nextInt(4)};
      int outH = 1 + r.nextInt(15);
      int outW = 1 + r.nextInt(15);
      int flags = r.nextInt(3);
      boolean align = flags == 1;
      boolean half = flags == 2;
      int n = shape[0] * shape[1] * shape[2] * shape[3];
      ByteBuffer qin = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer fin = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
      for (int k = 0; k < n; k++) {
        short v = (short) (r.nextInt(65536) - 32768);
        qin.putShort(v);
        fin.putFloat(v * scale);
      }
      byte[] ours =
          ResizeDifferentialTest.model(false, DataType.INT16, shape, outH, outW, align, half);
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(ours), InterpreterOptions.defaults());
      ByteBuffer got =
          ByteBuffer.wrap(Differential.run(m, new byte[][] {qin.array()})[0])
              .order(ByteOrder.LITTLE_ENDIAN);

      int[] outShape = {shape[0], outH, outW, shape[3]};
      Quantization q = Quantization.of(scale, 0);
      ModelBuilder b = new ModelBuilder();
      int x = b.addTensor("x", DataType.FLOAT32, shape);
      int xq = b.addTensor("xq", DataType.INT16, shape, q);
      int s = b.addInt32Constant("size", new int[] {2}, outH, outW);
      int yq = b.addTensor("yq", DataType.INT16, outShape, q);
      int y = b.addTensor("y", DataType.FLOAT32, outShape);
      b.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {x}, new int[] {xq});
      b.addOperator(
          BuiltinOperator.RESIZE_NEAREST_NEIGHBOR,
          3,
          new int[] {xq, s},
          new int[] {yq},
          BuiltinOptions.ResizeNearestNeighborOptions,
          fbb -> ResizeNearestNeighborOptions.createResizeNearestNeighborOptions(fbb, align, half));
      b.addOperator(BuiltinOperator.DEQUANTIZE, 2, new int[] {yq}, new int[] {y});
      b.setInputs(x).setOutputs(y);
      ByteBuffer e =
          ByteBuffer.wrap(TfLiteOracle.run(b.buildBytes(), new byte[][] {fin.array()})[0])
              .order(ByteOrder.LITTLE_ENDIAN);
      for (int k = 0; k < outH * outW * shape[0] * shape[3]; k++) {
        long want = Math.round(e.getFloat(4 * k) / (double) scale);
        if (want != got.getShort(2 * k)) {
          failures.add(
              java.util.Arrays.toString(shape)
                  + " -> "
                  + outH
                  + "x"
                  + outW
                  + " align "
                  + align
                  + " half "
                  + half
                  + ": element "
                  + k
                  + " got "
                  + got.getShort(2 * k)
                  + " expected "
                  + want);
          break;
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }
}
