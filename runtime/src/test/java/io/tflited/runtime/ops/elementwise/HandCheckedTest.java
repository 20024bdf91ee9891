package io.tflited.runtime.ops.elementwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.kernels.elementwise.BroadcastPlan;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.AddOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SubOptions;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Small cases whose results are worked out by hand. */
class HandCheckedTest {
  @Test
  void broadcastPlanVisitsInputsInNumpyOrder() {
    // a [2,1,3] + b [4,1] -> out [2,4,3]; record the element indices each output reads.
    BroadcastPlan p = BroadcastPlan.of(new int[] {2, 1, 3}, 1, new int[] {4, 1}, 1,
        new int[] {2, 4, 3}, 1);
    List<String> seen = new ArrayList<>();
    p.run((a, ai, as, b, bi, bs, o, oi, n) -> {
      for (int k = 0; k < n; k++) {
        seen.add(oi + k + ":" + (ai + k * as) + "," + (bi + k * bs));
      }
    }, null, 0, null, 0, null, 0);
    assertEquals(24, seen.size());
    for (int i = 0; i < 24; i++) {
      int x = i / 12;
      int y = (i / 3) % 4;
      int z = i % 3;
      assertEquals(i + ":" + (x * 3 + z) + "," + y, seen.get(i));
    }
  }

  @Test
  void scalarPlanRunsOnce() {
    BroadcastPlan p = BroadcastPlan.of(new int[0], 4, new int[] {1, 1}, 4, new int[] {1, 1}, 4);
    int[] calls = new int[1];
    p.run((a, ai, as, b, bi, bs, o, oi, n) -> calls[0] += n, null, 0, null, 0, null, 0);
    assertEquals(1, calls[0]);
  }

  @Test
  void int8AddSaturatesAtBothEnds() throws Exception {
    // Scales 1, zero points 0: 127 + 127 = 254 -> 127; -128 + -128 -> -128; 100 + -30 = 70.
    byte[] out = run(BuiltinOperator.ADD, DataType.INT8, q(1f, 0), q(1f, 0), q(1f, 0),
        ActivationFunctionType.NONE, new byte[] {127, -128, 100}, new byte[] {127, -128, -30});
    assertArrayEquals(new byte[] {127, -128, 70}, out);
  }

  @Test
  void uint8AddWithExtremeZeroPointsAndRelu6() throws Exception {
    // a: zp 255 scale 0.5 -> 255 is 0.0, 251 is -2.0; b: zp 0 scale 0.25 -> 40 is 10.0;
    // out zp 0 scale 0.1 with RELU6: clamp(sum, 0, 6) / 0.1.
    byte[] out = run(BuiltinOperator.ADD, DataType.UINT8, q(0.5f, 255), q(0.25f, 0),
        q(0.1f, 0), ActivationFunctionType.RELU6, new byte[] {(byte) 255, (byte) 251, (byte) 251},
        new byte[] {40, 4, 12});
    // 0 + 10 = 10 -> 6.0 -> 60; -2 + 1 = -1 -> 0; -2 + 3 = 1.0 -> 10.
    assertArrayEquals(new byte[] {60, 0, 10}, out);
  }

  @Test
  void int16PowerOfTwoAddRoundsTheShiftedInput() throws Exception {
    // in1 at the output scale 2^-10, in2 at 2^-12: in2 is divided by 4, rounding half away.
    byte[] out = run(BuiltinOperator.ADD, DataType.INT16, q(0x1p-10f, 0), q(0x1p-12f, 0),
        q(0x1p-10f, 0), ActivationFunctionType.NONE, shorts(1000, 1000, 32767, -1000),
        shorts(6, -6, 4, -5));
    // 1000 + 1.5 -> 1002; 1000 - 1.5 -> 998; 32767 + 1 saturates; -1000 - 1.25 -> -1001.
    assertArrayEquals(shorts(1002, 998, 32767, -1001), out);
  }

  @Test
  void int16PowerOfTwoSubSaturates() throws Exception {
    byte[] out = run(BuiltinOperator.SUB, DataType.INT16, q(0x1p-8f, 0), q(0x1p-8f, 0),
        q(0x1p-8f, 0), ActivationFunctionType.NONE, shorts(-32768, 100), shorts(1, -50));
    assertArrayEquals(shorts(-32768, 150), out);
  }

  @Test
  void int16PowerOfTwoNeedsOneInputAtTheOutputScale() {
    assertThrows(ModelException.class, () -> run(BuiltinOperator.ADD, DataType.INT16,
        q(0x1p-12f, 0), q(0x1p-12f, 0), q(0x1p-10f, 0), ActivationFunctionType.NONE,
        shorts(1), shorts(1)));
  }

  @Test
  void addRejectsInt64LikeTfLite241() {
    assertThrows(ModelException.class, () -> run(BuiltinOperator.ADD, DataType.INT64,
        Quantization.NONE, Quantization.NONE, Quantization.NONE, 0, new byte[8], new byte[8]));
  }

  @Test
  void floatMaximumAndMinimumFollowTfLiteWithNaN() throws Exception {
    float nan = Float.NaN;
    assertArrayEquals(new float[] {1f, nan, 2f},
        floats(run(BuiltinOperator.MAXIMUM, DataType.FLOAT32, Quantization.NONE,
            Quantization.NONE, Quantization.NONE, -1, floatBytes(nan, 1f, 2f),
            floatBytes(1f, nan, -2f))));
    assertArrayEquals(new float[] {1f, nan, -2f},
        floats(run(BuiltinOperator.MINIMUM, DataType.FLOAT32, Quantization.NONE,
            Quantization.NONE, Quantization.NONE, -1, floatBytes(nan, 1f, 2f),
            floatBytes(1f, nan, -2f))));
  }

  @Test
  void floatAddClampsInfinityToFloatMax() throws Exception {
    float inf = Float.POSITIVE_INFINITY;
    assertArrayEquals(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, 3f},
        floats(run(BuiltinOperator.ADD, DataType.FLOAT32, Quantization.NONE, Quantization.NONE,
            Quantization.NONE, ActivationFunctionType.NONE, floatBytes(inf, -inf, 1f),
            floatBytes(1f, 1f, 2f))));
  }

  @Test
  void preluFloatBroadcastsAlpha() throws Exception {
    ModelBuilder mb = new ModelBuilder();
    int x = mb.addTensor("x", DataType.FLOAT32, new int[] {2, 2});
    int a = mb.addFloatConstant("alpha", new int[] {2}, 0.5f, 2f);
    int o = mb.addTensor("o", DataType.FLOAT32, new int[] {2, 2});
    mb.addOperator(BuiltinOperator.PRELU, 1, new int[] {x, a}, new int[] {o});
    mb.setInputs(x).setOutputs(o);
    byte[] out = BinaryDiff.runTflited(mb.buildBytes(), new byte[][] {floatBytes(-2, -2, 3, 0)})[0];
    assertArrayEquals(new float[] {-1f, -4f, 3f, 0f}, floats(out));
  }

  @Test
  void selectWithRankOneConditionPicksRows() throws Exception {
    ModelBuilder mb = new ModelBuilder();
    int c = mb.addTensor("c", DataType.BOOL, new int[] {2});
    int x = mb.addTensor("x", DataType.INT32, new int[] {2, 2});
    int y = mb.addTensor("y", DataType.INT32, new int[] {2, 2});
    int o = mb.addTensor("o", DataType.INT32, new int[] {2, 2});
    mb.addOperator(BuiltinOperator.SELECT, 1, new int[] {c, x, y}, new int[] {o});
    mb.setInputs(c, x, y).setOutputs(o);
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(mb.buildBytes()), InterpreterOptions.defaults());
    byte[] out = Differential.run(m, new byte[][] {
      {0, 1}, ints(1, 2, 3, 4), ints(-1, -2, -3, -4)})[0];
    assertArrayEquals(ints(-1, -2, 3, 4), out);
  }

  private static Quantization q(float s, long zp) {
    return Quantization.of(s, zp);
  }

  private static byte[] run(int op, DataType type, Quantization qa, Quantization qb,
      Quantization qo, int act, byte[] a, byte[] b) throws Exception {
    int n = a.length / type.byteSize();
    ModelBuilder mb = new ModelBuilder();
    int ta = mb.addTensor("a", type, new int[] {n}, qa);
    int tb = mb.addTensor("b", type, new int[] {n}, qb);
    int to = mb.addTensor("o", type, new int[] {n}, qo);
    byte f = (byte) act;
    if (op == BuiltinOperator.ADD) {
      mb.addOperator(op, 1, new int[] {ta, tb}, new int[] {to}, BuiltinOptions.AddOptions,
          fbb -> AddOptions.createAddOptions(fbb, f, true));
    } else if (op == BuiltinOperator.SUB) {
      mb.addOperator(op, 1, new int[] {ta, tb}, new int[] {to}, BuiltinOptions.SubOptions,
          fbb -> SubOptions.createSubOptions(fbb, f, true));
    } else {
      mb.addOperator(op, 1, new int[] {ta, tb}, new int[] {to});
    }
    mb.setInputs(ta, tb).setOutputs(to);
    return BinaryDiff.runTflited(mb.buildBytes(), new byte[][] {a, b})[0];
  }

  private static byte[] shorts(int... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putShort((short) x);
    }
    return b.array();
  }

  private static byte[] ints(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  private static byte[] floatBytes(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  private static float[] floats(byte[] b) {
    float[] f = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }

  @Test
  void quantizedComparisonAcceptsScalesAboveOne() throws Exception {
    // uint8 with scale 2 (TFLite 2.4.1 aborts here): 3 vs 2 with zp 1 -> 4.0 > 2.0.
    byte[] out = runCmp(BuiltinOperator.GREATER, q(2f, 1), q(1f, 0), new byte[] {3, 1},
        new byte[] {2, 0});
    assertArrayEquals(new byte[] {1, 0}, out);
  }

  @Test
  void incompatibleShapesAndTypesAreRejected() {
    assertThrows(ModelException.class, () -> {
      ModelBuilder mb = new ModelBuilder();
      int a = mb.addTensor("a", DataType.FLOAT32, new int[] {2, 3});
      int b = mb.addTensor("b", DataType.FLOAT32, new int[] {4});
      int o = mb.addTensor("o", DataType.FLOAT32, new int[] {2, 3});
      mb.addOperator(BuiltinOperator.ADD, 1, new int[] {a, b}, new int[] {o});
      mb.setInputs(a, b).setOutputs(o);
      CompiledModel.fromBuffer(ByteBuffer.wrap(mb.buildBytes()), InterpreterOptions.defaults());
    });
    assertThrows(ModelException.class, () -> {
      ModelBuilder mb = new ModelBuilder();
      int a = mb.addTensor("a", DataType.FLOAT32, new int[] {2});
      int b = mb.addTensor("b", DataType.INT32, new int[] {2});
      int o = mb.addTensor("o", DataType.FLOAT32, new int[] {2});
      mb.addOperator(BuiltinOperator.MUL, 1, new int[] {a, b}, new int[] {o});
      mb.setInputs(a, b).setOutputs(o);
      CompiledModel.fromBuffer(ByteBuffer.wrap(mb.buildBytes()), InterpreterOptions.defaults());
    });
  }

  private static byte[] runCmp(int op, Quantization qa, Quantization qb, byte[] a, byte[] b)
      throws Exception {
    ModelBuilder mb = new ModelBuilder();
    int ta = mb.addTensor("a", DataType.UINT8, new int[] {a.length}, qa);
    int tb = mb.addTensor("b", DataType.UINT8, new int[] {b.length}, qb);
    int to = mb.addTensor("o", DataType.BOOL, new int[] {a.length});
    mb.addOperator(op, 1, new int[] {ta, tb}, new int[] {to});
    mb.setInputs(ta, tb).setOutputs(to);
    return BinaryDiff.runTflited(mb.buildBytes(), new byte[][] {a, b})[0];
  }
}
