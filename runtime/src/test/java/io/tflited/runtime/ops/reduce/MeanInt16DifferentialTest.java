package io.tflited.runtime.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ReducerOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MEAN int16 against TFLite 2.4.1. Its Java API cannot feed or read int16 tensors, so the oracle
 * runs QUANTIZE(float to int16) -> MEAN -> DEQUANTIZE on inputs that are exact multiples of the
 * input scale, and the int16 result is recovered as round(y / out_scale) (exact: |q| <= 32767 keeps
 * the float error far below half a step). tflited runs MEAN alone.
 */
class MeanInt16DifferentialTest {

  @Test
  void randomCasesMatchTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(61);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      boolean fourD = r.nextInt(3) == 0;
      int[] shape;
      int[] axes;
      boolean keep;
      if (fourD) {
        shape = new int[] {1 + r.nextInt(2), 1 + r.nextInt(6), 1 + r.nextInt(6), 1 + r.nextInt(9)};
        axes = r.nextBoolean() ? new int[] {1, 2} : new int[] {2, 1};
        keep = r.nextInt(4) != 0;
      } else {
        shape = ReduceDifferentialTest.randomShape(r);
        axes = ReduceDifferentialTest.randomAxes(r, shape.length);
        keep = r.nextBoolean();
      }
      float inScale = 0.0005f + r.nextFloat() * 0.01f;
      float outScale = r.nextInt(4) == 0 ? inScale : 0.0005f + r.nextFloat() * 0.01f;
      int[] outShape = ReduceDifferentialTest.outShape(shape, axes, keep);
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      short[] q = new short[n];
      for (int k = 0; k < n; k++) {
        q[k] = (short) (r.nextInt(65536) - 32768);
      }
      // tflited: MEAN on int16 directly.
      byte[] mean =
          ReduceDifferentialTest.model(
              BuiltinOperator.MEAN,
              DataType.INT16,
              shape,
              Quantization.of(inScale, 0),
              Quantization.of(outScale, 0),
              axes,
              keep);
      ByteBuffer qin = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
      for (short v : q) {
        qin.putShort(v);
      }
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(mean), InterpreterOptions.defaults());
      ByteBuffer ours =
          ByteBuffer.wrap(Differential.run(m, new byte[][] {qin.array()})[0])
              .order(ByteOrder.LITTLE_ENDIAN);
      // Oracle: float -> QUANTIZE -> MEAN -> DEQUANTIZE.
      ModelBuilder b = new ModelBuilder();
      int x = b.addTensor("x", DataType.FLOAT32, shape);
      int xq = b.addTensor("xq", DataType.INT16, shape, Quantization.of(inScale, 0));
      int a = b.addInt32Constant("axis", new int[] {axes.length}, axes);
      int yq = b.addTensor("yq", DataType.INT16, outShape, Quantization.of(outScale, 0));
      int y = b.addTensor("y", DataType.FLOAT32, outShape);
      b.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {x}, new int[] {xq});
      b.addOperator(
          BuiltinOperator.MEAN,
          3,
          new int[] {xq, a},
          new int[] {yq},
          BuiltinOptions.ReducerOptions,
          fbb -> ReducerOptions.createReducerOptions(fbb, keep));
      b.addOperator(BuiltinOperator.DEQUANTIZE, 2, new int[] {yq}, new int[] {y});
      b.setInputs(x).setOutputs(y);
      ByteBuffer fin = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
      for (short v : q) {
        fin.putFloat(v * inScale);
      }
      byte[][] expected = TfLiteOracle.run(b.buildBytes(), new byte[][] {fin.array()});
      ByteBuffer e = ByteBuffer.wrap(expected[0]).order(ByteOrder.LITTLE_ENDIAN);
      int outCount = expected[0].length / 4;
      int diffs = 0;
      String first = null;
      for (int k = 0; k < outCount; k++) {
        long want = Math.round(e.getFloat(4 * k) / (double) outScale);
        short got = ours.getShort(2 * k);
        if (want != got) {
          diffs++;
          if (first == null) {
            first = "element " + k + ": got " + got + ", expected " + want;
          }
        }
      }
      if (diffs > 0) {
        failures.add(
            Arrays.toString(shape)
                + " axes "
                + Arrays.toString(axes)
                + " keep "
                + keep
                + " scales "
                + inScale
                + " -> "
                + outScale
                + ": "
                + diffs
                + " of "
                + outCount
                + " differ; "
                + first);
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " differ:\n" + String.join("\n", failures));
  }
}
