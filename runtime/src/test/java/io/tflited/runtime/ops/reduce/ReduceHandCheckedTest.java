package io.tflited.runtime.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ReducerOptions;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Hand-computed cases for the reducers: shapes, rounding, saturation, wraparound, axes. */
class ReduceHandCheckedTest {

  static byte[] run(byte[] model, byte[] input) throws Exception {
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    return Differential.run(m, new byte[][] {input})[0];
  }

  static byte[] int8Model(
      int op, int[] shape, float sIn, int zIn, float sOut, int zOut, int[] axes, boolean keep) {
    return ReduceDifferentialTest.model(
        op,
        DataType.INT8,
        shape,
        Quantization.of(sIn, zIn),
        Quantization.of(sOut, zOut),
        axes,
        keep);
  }

  @Test
  void int8GlobalMeanRoundsHalfAwayFromZero() throws Exception {
    byte[] model =
        int8Model(
            BuiltinOperator.MEAN, new int[] {1, 2, 2, 2}, 1f, 0, 1f, 0, new int[] {1, 2}, true);
    // Channel 0: mean(-128,-128,-128,-127) = -127.75 -> -128; channel 1: mean(1,2,2,2) = 1.75 -> 2.
    byte[] out = run(model, new byte[] {-128, 1, -128, 2, -128, 2, -127, 2});
    assertArrayEquals(new byte[] {-128, 2}, out);
  }

  @Test
  void int8GlobalMeanSaturatesAndHandlesExtremeZeroPoints() throws Exception {
    // Output scale half the input's: 100 -> 200, saturates to 127; -100 -> -128.
    byte[] model =
        int8Model(
            BuiltinOperator.MEAN, new int[] {1, 1, 2, 2}, 1f, 0, 0.5f, 0, new int[] {2, 1}, true);
    assertArrayEquals(new byte[] {127, -128}, run(model, new byte[] {100, -100, 100, -100}));
    // Zero points at the extremes: real value (q + 128) * 1 -> output q' = real - 127 ... saturated
    // at 127.
    model =
        int8Model(
            BuiltinOperator.MEAN,
            new int[] {1, 2, 1, 1},
            1f,
            -128,
            1f,
            127,
            new int[] {1, 2},
            true);
    assertArrayEquals(new byte[] {127}, run(model, new byte[] {-128, -126}));
    model =
        int8Model(
            BuiltinOperator.MEAN,
            new int[] {1, 2, 1, 1},
            1f,
            127,
            1f,
            -128,
            new int[] {1, 2},
            true);
    // Real values -255 and -254: mean -254.5 -> q' = -382.5 -> saturates at -128.
    assertArrayEquals(new byte[] {-128}, run(model, new byte[] {-128, -127}));
  }

  @Test
  void int8MeanWithSameQuantizationTruncates() throws Exception {
    // General path, same scale and zero point: integer mean truncated toward zero (as 2.4.1).
    byte[] model =
        int8Model(BuiltinOperator.MEAN, new int[] {2, 3}, 0.1f, 5, 0.1f, 5, new int[] {1}, false);
    // -5/3 = -1.67 -> -1 and 5/3 = 1.67 -> 1 (rounding would give -2 and 2).
    assertArrayEquals(new byte[] {-1, 1}, run(model, new byte[] {-2, -2, -1, 2, 2, 1}));
  }

  @Test
  void uint8SumWithSameQuantizationWrapsLikeTfLite() throws Exception {
    byte[] model =
        ReduceDifferentialTest.model(
            BuiltinOperator.SUM,
            DataType.UINT8,
            new int[] {2},
            Quantization.of(1f, 0),
            Quantization.of(1f, 0),
            new int[] {0},
            false);
    assertArrayEquals(new byte[] {44}, run(model, new byte[] {(byte) 200, 100}));
  }

  @Test
  void negativeAndDuplicateAxesAndKeepDims() throws Exception {
    float[] values = new float[24];
    for (int i = 0; i < 24; i++) {
      values[i] = i;
    }
    byte[] in = floats(values);
    for (boolean keep : new boolean[] {false, true}) {
      byte[] model =
          ReduceDifferentialTest.model(
              BuiltinOperator.SUM,
              DataType.FLOAT32,
              new int[] {2, 3, 4},
              Quantization.NONE,
              Quantization.NONE,
              new int[] {-1, 2, 0},
              keep);
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      assertArrayEquals(keep ? new int[] {1, 3, 1} : new int[] {3}, m.outputs().get(0).shape());
      // Row j sums 4j..4j+3 and 12+4j..12+4j+3: 32j + 60.
      byte[] out = Differential.run(m, new byte[][] {in})[0];
      assertArrayEquals(floats(60f, 92f, 124f), out);
    }
  }

  @Test
  void int64AxisEqualsInt32Axis() throws Exception {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {2, 3});
    ByteBuffer axis = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-2);
    int a = b.addConstant("axis", DataType.INT64, new int[] {1}, Quantization.NONE, axis.array());
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {3});
    b.addOperator(
        BuiltinOperator.REDUCE_MAX,
        1,
        new int[] {x, a},
        new int[] {y},
        BuiltinOptions.ReducerOptions,
        fbb -> ReducerOptions.createReducerOptions(fbb, false));
    b.setInputs(x).setOutputs(y);
    byte[] out = run(b.buildBytes(), floats(1, -5, 3, -2, 7, 0));
    assertArrayEquals(floats(1, 7, 3), out);
  }

  @Test
  void anyAndAll() throws Exception {
    for (int op : new int[] {BuiltinOperator.REDUCE_ANY, BuiltinOperator.REDUCE_ALL}) {
      byte[] model =
          ReduceDifferentialTest.model(
              op,
              DataType.BOOL,
              new int[] {3, 2},
              Quantization.NONE,
              Quantization.NONE,
              new int[] {0},
              false);
      byte[] out = run(model, new byte[] {1, 0, 1, 0, 1, 1});
      assertArrayEquals(
          op == BuiltinOperator.REDUCE_ANY ? new byte[] {1, 1} : new byte[] {1, 0}, out);
    }
  }

  @Test
  void maxOfInt8RequiresSameQuantization() {
    byte[] model =
        int8Model(
            BuiltinOperator.REDUCE_MAX, new int[] {2, 2}, 0.1f, 0, 0.2f, 0, new int[] {0}, false);
    assertThrows(
        ModelException.class,
        () -> CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults()));
  }

  @Test
  void outOfRangeAxisIsRejected() {
    byte[] model =
        ReduceDifferentialTest.model(
            BuiltinOperator.MEAN,
            DataType.FLOAT32,
            new int[] {2, 2},
            Quantization.NONE,
            Quantization.NONE,
            new int[] {0},
            false);
    // Patch nothing: a valid model loads; an axis of 2 on a rank-2 input does not.
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {2, 2});
    int a = b.addInt32Constant("axis", new int[] {1}, 2);
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {2});
    b.addOperator(
        BuiltinOperator.MEAN,
        1,
        new int[] {x, a},
        new int[] {y},
        BuiltinOptions.ReducerOptions,
        fbb -> ReducerOptions.createReducerOptions(fbb, false));
    b.setInputs(x).setOutputs(y);
    byte[] bad = b.buildBytes();
    assertThrows(
        ModelException.class,
        () -> CompiledModel.fromBuffer(ByteBuffer.wrap(bad), InterpreterOptions.defaults()));
    org.junit.jupiter.api.Assertions.assertDoesNotThrow(
        () -> CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults()));
  }

  static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }
}
