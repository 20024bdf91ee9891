package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.MulOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MulTest {
  static BinaryDiff.Case base(int act, int version) {
    BinaryDiff.Case c = new BinaryDiff.Case();
    c.op = BuiltinOperator.MUL;
    c.version = version;
    c.optionsType = BuiltinOptions.MulOptions;
    byte a = (byte) act;
    c.options = fbb -> MulOptions.createMulOptions(fbb, a);
    return c;
  }

  @ParameterizedTest
  @CsvSource({"FLOAT32, 1", "INT32, 1", "INT8, 2", "UINT8, 1"})
  void matchesTfLite(DataType type, int version) throws Exception {
    Random r = new Random(type.ordinal() * 17 + 3);
    for (int i = 0; i < 60; i++) {
      BinaryDiff.Case c = base(r.nextInt(4), version);
      c.type = type;
      c.outType = type;
      int[][] s = BinaryDiff.shapes(r, 4);
      c.shapeA = s[0];
      c.shapeB = s[1];
      c.constB = r.nextInt(4) == 0;
      if (type == DataType.INT8 || type == DataType.UINT8) {
        float sa = BinaryDiff.scale(r, -12, 2);
        float sb = BinaryDiff.scale(r, -12, 2);
        float so = (float) (sa * sb * Math.pow(2, -4 + 12 * r.nextDouble()));
        c.qa = Quantization.of(sa, BinaryDiff.zeroPoint(r, type));
        c.qb = Quantization.of(sb, BinaryDiff.zeroPoint(r, type));
        c.qo = Quantization.of(so, BinaryDiff.zeroPoint(r, type));
      }
      BinaryDiff.check(c, r.nextLong());
    }
  }

  @Test
  void int16MatchesTfLite() throws Exception {
    Random r = new Random(99);
    for (int i = 0; i < 40; i++) {
      BinaryDiff.Case c = base(r.nextInt(4), 4);
      c.type = DataType.INT16;
      c.outType = DataType.INT16;
      int[][] s = BinaryDiff.shapes(r, 4);
      c.shapeA = s[0];
      c.shapeB = s[1];
      float sa = BinaryDiff.scale(r, -16, 0);
      float sb = BinaryDiff.scale(r, -16, 0);
      float so = (float) (sa * sb * Math.pow(2, 8 + 12 * r.nextDouble()));
      // TFLite 2.4.1 requires int16 MUL zero points of 0.
      c.qa = Quantization.of(sa, 0);
      c.qb = Quantization.of(sb, 0);
      c.qo = Quantization.of(so, 0);
      BinaryDiff.checkInt16(c, r.nextLong());
    }
  }

  /** Multipliers from far below to far above one, zero points at the type's ends. */
  @ParameterizedTest
  @CsvSource({"INT8", "UINT8"})
  void extremeScalesMatchTfLite(DataType type) throws Exception {
    Random r = new Random(type.ordinal() * 7 + 1);
    for (int i = 0; i < 30; i++) {
      BinaryDiff.Case c = base(r.nextInt(4), 2);
      c.type = type;
      c.outType = type;
      int[][] s = BinaryDiff.shapes(r, 3);
      c.shapeA = s[0];
      c.shapeB = s[1];
      float sa = BinaryDiff.scale(r, -30, 10);
      float sb = BinaryDiff.scale(r, -30, 10);
      float so = (float) (sa * sb * Math.pow(2, -14 + 44 * r.nextDouble()));
      int min = type == DataType.INT8 ? -128 : 0;
      int max = type == DataType.INT8 ? 127 : 255;
      c.qa = Quantization.of(sa, r.nextBoolean() ? min : max);
      c.qb = Quantization.of(sb, r.nextBoolean() ? min : max);
      c.qo = Quantization.of(so, r.nextBoolean() ? min : max);
      BinaryDiff.check(c, r.nextLong());
    }
  }
}
