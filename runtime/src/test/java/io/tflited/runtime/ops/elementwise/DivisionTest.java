package io.tflited.runtime.ops.elementwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.DivOptions;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DIV, FLOOR_DIV, FLOOR_MOD and SQUARED_DIFFERENCE. */
class DivisionTest {
  /** Nonzero divisors: floats away from 0, ints in [-range, range] \ {0}. */
  static BinaryDiff.Gen nonZero(int range) {
    return (r, type, n) -> {
      ByteBuffer bb = ByteBuffer.allocate(n * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        int v = 1 + r.nextInt(range);
        v = r.nextBoolean() ? v : -v;
        switch (type) {
          case INT32 -> bb.putInt(v);
          case INT64 -> bb.putLong(v);
          default -> bb.putFloat(v * (0.25f + r.nextFloat()));
        }
      }
      return bb.array();
    };
  }

  @ParameterizedTest
  @CsvSource({
    "DIV, FLOAT32", "DIV, INT32", "DIV, UINT8", "FLOOR_DIV, FLOAT32", "FLOOR_DIV, INT32",
    "FLOOR_MOD, FLOAT32", "FLOOR_MOD, INT32", "FLOOR_MOD, INT64",
    "SQUARED_DIFFERENCE, FLOAT32", "SQUARED_DIFFERENCE, INT32"
  })
  void matchesTfLite(String op, DataType type) throws Exception {
    int code =
        switch (op) {
          case "DIV" -> BuiltinOperator.DIV;
          case "FLOOR_DIV" -> BuiltinOperator.FLOOR_DIV;
          case "FLOOR_MOD" -> BuiltinOperator.FLOOR_MOD;
          default -> BuiltinOperator.SQUARED_DIFFERENCE;
        };
    Random r = new Random(code * 13L + type.ordinal());
    for (int i = 0; i < 40; i++) {
      BinaryDiff.Case c = new BinaryDiff.Case();
      c.op = code;
      if (code == BuiltinOperator.DIV) {
        byte act = (byte) r.nextInt(4);
        c.optionsType = BuiltinOptions.DivOptions;
        c.options = fbb -> DivOptions.createDivOptions(fbb, act);
      }
      c.type = type;
      c.outType = type;
      int[][] s = BinaryDiff.shapes(r, 4);
      c.shapeA = s[0];
      c.shapeB = s[1];
      c.constB = r.nextInt(4) == 0;
      int range = r.nextBoolean() ? 20 : 100000;
      c.genA = BinaryDiff.smallInts(range);
      if (type == DataType.FLOAT32) {
        c.genA = BinaryDiff.uniform(100);
      }
      c.genB = code == BuiltinOperator.SQUARED_DIFFERENCE ? c.genA : nonZero(r.nextBoolean() ? 7 : 1000);
      if (code == BuiltinOperator.SQUARED_DIFFERENCE && type == DataType.INT32) {
        c.genA = BinaryDiff.smallInts(20000);
        c.genB = c.genA;
      }
      if (type == DataType.UINT8) {
        float sa = BinaryDiff.scale(r, -10, 2);
        float sb = BinaryDiff.scale(r, -10, 2);
        float so = (float) (sa / sb * Math.pow(2, -2 + 8 * r.nextDouble()));
        int zb = (int) BinaryDiff.zeroPoint(r, type);
        c.qa = io.tflited.runtime.Quantization.of(sa, BinaryDiff.zeroPoint(r, type));
        c.qb = io.tflited.runtime.Quantization.of(sb, zb);
        c.qo = io.tflited.runtime.Quantization.of(so, BinaryDiff.zeroPoint(r, type));
        c.genA = BinaryDiff.uniform(1);
        c.genB = (rr, t, n) -> {
          byte[] v = new byte[n];
          for (int k = 0; k < n; k++) {
            int x;
            do {
              x = rr.nextInt(256);
            } while (x == zb);
            v[k] = (byte) x;
          }
          return v;
        };
      }
      BinaryDiff.check(c, r.nextLong());
    }
  }

  @Test
  void handChecked() throws Exception {
    assertArrayEquals(new int[] {-4, 3, -4, 3, 0}, run(BuiltinOperator.FLOOR_DIV,
        new int[] {-7, 7, 7, -7, 0}, new int[] {2, 2, -2, -2, 5}));
    assertArrayEquals(new int[] {1, 1, -1, -1, 0}, run(BuiltinOperator.FLOOR_MOD,
        new int[] {-7, 7, 7, -7, 0}, new int[] {2, 2, -2, -2, 5}));
    assertArrayEquals(new int[] {-3, 3, -3, 3, 0}, run(BuiltinOperator.DIV,
        new int[] {-7, 7, 7, -7, 0}, new int[] {2, 2, -2, -2, 5}));
  }

  @ParameterizedTest
  @CsvSource({"DIV", "FLOOR_DIV", "FLOOR_MOD"})
  void int32DivisionByZeroFailsTheInvocation(String op) {
    int code = java.util.Arrays.asList(BuiltinOperator.names).indexOf(op);
    assertThrows(
        InvocationException.class, () -> run(code, new int[] {1, 2, 3}, new int[] {1, 0, 1}));
  }

  private static int[] run(int op, int[] a, int[] b) throws Exception {
    ModelBuilder mb = new ModelBuilder();
    int ta = mb.addTensor("a", DataType.INT32, new int[] {a.length});
    int tb = mb.addTensor("b", DataType.INT32, new int[] {b.length});
    int to = mb.addTensor("o", DataType.INT32, new int[] {a.length});
    mb.addOperator(op, 1, new int[] {ta, tb}, new int[] {to});
    mb.setInputs(ta, tb).setOutputs(to);
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(mb.buildBytes()), InterpreterOptions.defaults());
    byte[] out = Differential.run(m, new byte[][] {ints(a), ints(b)})[0];
    int[] r = new int[a.length];
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(r);
    return r;
  }

  private static byte[] ints(int[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }
}
