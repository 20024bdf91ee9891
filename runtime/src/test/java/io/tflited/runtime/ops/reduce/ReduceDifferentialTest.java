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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** MEAN, SUM, REDUCE_MAX/MIN/PROD/ANY against TFLite 2.4.1 over seeded random cases. */
class ReduceDifferentialTest {

  /** One single-op model. */
  static byte[] model(
      int op,
      DataType type,
      int[] shape,
      Quantization qin,
      Quantization qout,
      int[] axes,
      boolean keepDims) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", type, shape, qin);
    int a = b.addInt32Constant("axis", new int[] {axes.length}, axes);
    int y = b.addTensor("y", type, outShape(shape, axes, keepDims), qout);
    b.addOperator(
        op,
        1,
        new int[] {x, a},
        new int[] {y},
        BuiltinOptions.ReducerOptions,
        fbb -> ReducerOptions.createReducerOptions(fbb, keepDims));
    b.setInputs(x).setOutputs(y);
    return b.buildBytes();
  }

  static int[] outShape(int[] shape, int[] axes, boolean keepDims) {
    boolean[] red = new boolean[shape.length];
    for (int a : axes) {
      red[a < 0 ? a + shape.length : a] = true;
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      if (red[i]) {
        if (keepDims) {
          out.add(1);
        }
      } else {
        out.add(shape[i]);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  static Quantization randomQuant(Random r, DataType t) {
    float scale = 0.002f + r.nextFloat() * 0.2f;
    int zp =
        switch (t) {
          case INT8 -> r.nextInt(256) - 128;
          case UINT8 -> r.nextInt(256);
          default -> 0;
        };
    return Quantization.of(scale, zp);
  }

  static int[] randomShape(Random r) {
    int rank = 1 + r.nextInt(4);
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) {
      s[i] = 1 + r.nextInt(6);
    }
    return s;
  }

  static int[] randomAxes(Random r, int rank) {
    int n = 1 + r.nextInt(Math.min(rank + 1, 4));
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      int v = r.nextInt(rank);
      a[i] = r.nextBoolean() ? v - rank : v;
    }
    return a;
  }

  static final DataType[] NUMERIC = {
    DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.INT8, DataType.UINT8
  };

  /**
   * Runs {@code n} seeded random cases of one op against TFLite 2.4.1; returns the failures. {@code
   * sameQuant} forces equal input/output quantization (MAX/MIN/PROD require it).
   */
  static List<String> run(int op, DataType[] types, int n, long seed, boolean sameQuant)
      throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(seed);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DataType t = types[r.nextInt(types.length)];
      int kind = r.nextInt(3);
      int[] shape;
      int[] axes;
      boolean keep;
      if (kind == 0) {
        // The classifier head: 4D mean over height and width, as [1,2] or [2,1].
        shape = new int[] {1 + r.nextInt(2), 1 + r.nextInt(8), 1 + r.nextInt(8), 1 + r.nextInt(40)};
        axes = r.nextBoolean() ? new int[] {1, 2} : new int[] {2, 1};
        keep = r.nextInt(4) != 0;
      } else {
        shape = randomShape(r);
        axes = randomAxes(r, shape.length);
        keep = r.nextBoolean();
      }
      Quantization qin = Quantization.NONE;
      Quantization qout = Quantization.NONE;
      if (t == DataType.INT8 || t == DataType.UINT8) {
        qin = randomQuant(r, t);
        qout = sameQuant || r.nextInt(4) == 0 ? qin : randomQuant(r, t);
      }
      byte[] model = model(op, t, shape, qin, qout, axes, keep);
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      byte[][] inputs = Differential.randomInputs(m.inputs(), seed * 1000 + i, 4f);
      try {
        Differential.assertMatchesTfLite(model, inputs);
      } catch (AssertionError e) {
        failures.add(
            BuiltinOperator.name(op)
                + " "
                + t
                + " shape "
                + Arrays.toString(shape)
                + " axes "
                + Arrays.toString(axes)
                + " keep "
                + keep
                + " "
                + qin
                + " -> "
                + qout
                + ": "
                + e.getMessage());
      }
    }
    return failures;
  }

  static void assertNone(List<String> failures) {
    assertTrue(
        failures.isEmpty(), failures.size() + " cases differ:\n" + String.join("\n", failures));
  }

  @Test
  void meanMatchesTfLite() throws Exception {
    assertNone(run(BuiltinOperator.MEAN, NUMERIC, 300, 11, false));
  }

  @Test
  void quantizedMeanMatchesTfLite() throws Exception {
    assertNone(
        run(BuiltinOperator.MEAN, new DataType[] {DataType.INT8, DataType.UINT8}, 300, 12, false));
  }

  @Test
  void sumMatchesTfLite() throws Exception {
    assertNone(run(BuiltinOperator.SUM, NUMERIC, 250, 13, false));
  }

  @Test
  void maxMatchesTfLite() throws Exception {
    assertNone(run(BuiltinOperator.REDUCE_MAX, NUMERIC, 120, 14, true));
  }

  @Test
  void minMatchesTfLite() throws Exception {
    assertNone(run(BuiltinOperator.REDUCE_MIN, NUMERIC, 120, 15, true));
  }

  @Test
  void prodMatchesTfLite() throws Exception {
    assertNone(run(BuiltinOperator.REDUCE_PROD, NUMERIC, 120, 16, true));
  }

  @Test
  void anyMatchesTfLite() throws Exception {
    assertNone(run(BuiltinOperator.REDUCE_ANY, new DataType[] {DataType.BOOL}, 60, 17, true));
  }

  /** tf2_mobilenet_v2's head: MEAN int8 [1,7,7,1280] over [1,2], keep_dims (and without). */
  @Test
  void mobilenetHeadMatchesTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    for (boolean keep : new boolean[] {false, true}) {
      byte[] model =
          model(
              BuiltinOperator.MEAN,
              DataType.INT8,
              new int[] {1, 7, 7, 1280},
              Quantization.of(0.023529412f, -128),
              Quantization.of(0.019077832f, -128),
              new int[] {1, 2},
              keep);
      CompiledModel m =
          CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      Differential.assertMatchesTfLite(model, Differential.randomInputs(m.inputs(), 5, 1f));
    }
  }
}
