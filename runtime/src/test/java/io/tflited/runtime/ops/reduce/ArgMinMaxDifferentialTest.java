package io.tflited.runtime.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ArgMaxOptions;
import io.tflited.runtime.model.fb.ArgMinOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ARG_MAX / ARG_MIN: hand-checked ties and differential tests against TFLite 2.4.1. */
class ArgMinMaxDifferentialTest {

  static byte[] model(boolean max, DataType type, int[] shape, int axis, DataType outType) {
    return model(max, type, shape, axis, outType, false);
  }

  /** {@code int64Axis}: the axis as an int64 scalar instead of an int32 [1] tensor. */
  static byte[] model(
      boolean max, DataType type, int[] shape, int axis, DataType outType, boolean int64Axis) {
    ModelBuilder b = new ModelBuilder();
    Quantization q =
        type == DataType.INT8 || type == DataType.UINT8
            ? Quantization.of(0.1f, 3)
            : Quantization.NONE;
    int x = b.addTensor("x", type, shape, q);
    int a =
        int64Axis
            ? b.addConstant(
                "axis",
                DataType.INT64,
                new int[0],
                Quantization.NONE,
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(axis).array())
            : b.addInt32Constant("axis", new int[] {1}, axis);
    int r = shape.length;
    int ax = axis < 0 ? axis + r : axis;
    int[] outShape = new int[r - 1];
    for (int i = 0, k = 0; i < r; i++) {
      if (i != ax) {
        outShape[k++] = shape[i];
      }
    }
    int y = b.addTensor("y", outType, outShape);
    byte code = (byte) outType.code();
    if (max) {
      b.addOperator(
          BuiltinOperator.ARG_MAX,
          1,
          new int[] {x, a},
          new int[] {y},
          BuiltinOptions.ArgMaxOptions,
          fbb -> ArgMaxOptions.createArgMaxOptions(fbb, code));
    } else {
      b.addOperator(
          BuiltinOperator.ARG_MIN,
          1,
          new int[] {x, a},
          new int[] {y},
          BuiltinOptions.ArgMinOptions,
          fbb -> ArgMinOptions.createArgMinOptions(fbb, code));
    }
    b.setInputs(x).setOutputs(y);
    return b.buildBytes();
  }

  @Test
  void tiesPickTheFirstIndex() throws Exception {
    byte[] model = model(true, DataType.UINT8, new int[] {2, 4}, 1, DataType.INT64);
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    byte[][] out =
        Differential.run(m, new byte[][] {{1, 7, 7, 3, (byte) 200, 0, (byte) 200, (byte) 255}});
    ByteBuffer o = ByteBuffer.wrap(out[0]).order(ByteOrder.LITTLE_ENDIAN);
    assertArrayEquals(new long[] {1, 3}, new long[] {o.getLong(0), o.getLong(8)});

    model = model(false, DataType.INT8, new int[] {2, 3}, 0, DataType.INT32);
    m = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    out = Differential.run(m, new byte[][] {{-128, 5, 0, -128, 4, 0}});
    o = ByteBuffer.wrap(out[0]).order(ByteOrder.LITTLE_ENDIAN);
    assertArrayEquals(new int[] {0, 1, 0}, new int[] {o.getInt(0), o.getInt(4), o.getInt(8)});
  }

  @Test
  void randomCasesMatchTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    DataType[] types = {DataType.FLOAT32, DataType.UINT8, DataType.INT8, DataType.INT32};
    Random r = new Random(21);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      boolean max = r.nextBoolean();
      DataType t = types[r.nextInt(types.length)];
      int rank = 1 + r.nextInt(4);
      int[] shape = new int[rank];
      for (int k = 0; k < rank; k++) {
        shape[k] = 1 + r.nextInt(7);
      }
      int axis = r.nextInt(rank) - (r.nextBoolean() ? rank : 0);
      DataType outType = r.nextBoolean() ? DataType.INT32 : DataType.INT64;
      byte[] model = model(max, t, shape, axis, outType, r.nextInt(4) == 0);
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      byte[][] in = Differential.randomInputs(m.inputs(), 100 + i, 3f);
      if (t == DataType.INT32 || r.nextInt(3) == 0) {
        // Few distinct values, so ties are common.
        for (int k = 0; k < in[0].length; k++) {
          in[0][k] =
              t == DataType.FLOAT32 || t == DataType.INT32
                  ? (k % 4 == 0 ? (byte) r.nextInt(3) : 0)
                  : (byte) r.nextInt(3);
        }
      }
      try {
        Differential.assertMatchesTfLite(model, in);
      } catch (AssertionError e) {
        failures.add(
            (max ? "ARG_MAX " : "ARG_MIN ")
                + t
                + " "
                + Arrays.toString(shape)
                + " axis "
                + axis
                + " -> "
                + outType
                + ": "
                + e.getMessage());
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /** DeepLab's head: ARG_MAX uint8 [1,513,513,19] over the last axis to int64. */
  @Test
  void deeplabHeadMatchesTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    byte[] model = model(true, DataType.UINT8, new int[] {1, 65, 65, 19}, 3, DataType.INT64);
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    Differential.assertMatchesTfLite(model, Differential.randomInputs(m.inputs(), 9, 1f));
  }
}
