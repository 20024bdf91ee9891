package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.AddOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SubOptions;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddSubTest {
  static BinaryDiff.Case base(boolean sub, int act, boolean pot, int version) {
    BinaryDiff.Case c = new BinaryDiff.Case();
    c.op = sub ? BuiltinOperator.SUB : BuiltinOperator.ADD;
    c.version = version;
    c.optionsType = sub ? BuiltinOptions.SubOptions : BuiltinOptions.AddOptions;
    byte a = (byte) act;
    c.options =
        sub
            ? fbb -> SubOptions.createSubOptions(fbb, a, pot)
            : fbb -> AddOptions.createAddOptions(fbb, a, pot);
    return c;
  }

  @ParameterizedTest
  @CsvSource({
    "false, FLOAT32, 1", "true, FLOAT32, 1", "false, INT32, 1", "true, INT32, 1",
    "false, INT8, 2", "true, INT8, 2", "false, UINT8, 1", "true, UINT8, 1"
  })
  void matchesTfLite(boolean sub, DataType type, int version) throws Exception {
    Random r = new Random(type.ordinal() * 31 + (sub ? 7 : 0));
    for (int i = 0; i < 60; i++) {
      BinaryDiff.Case c = base(sub, r.nextInt(4), true, version);
      c.type = type;
      c.outType = type;
      int[][] s = BinaryDiff.shapes(r, 4);
      c.shapeA = s[0];
      c.shapeB = s[1];
      c.constB = r.nextInt(4) == 0;
      if (type == DataType.INT8 || type == DataType.UINT8) {
        float sa = BinaryDiff.scale(r, -12, 2);
        float sb = r.nextInt(4) == 0 ? sa : BinaryDiff.scale(r, -12, 2);
        float so = (float) (Math.max(sa, sb) * Math.pow(2, -4 + 8 * r.nextDouble()));
        c.qa = Quantization.of(sa, BinaryDiff.zeroPoint(r, type));
        c.qb = Quantization.of(sb, BinaryDiff.zeroPoint(r, type));
        c.qo = Quantization.of(so, BinaryDiff.zeroPoint(r, type));
      }
      BinaryDiff.check(c, r.nextLong());
    }
  }
}
