package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaximumMinimumTest {
  @ParameterizedTest
  @CsvSource({
    "true, FLOAT32", "false, FLOAT32", "true, INT32", "false, INT32", "true, INT64",
    "false, INT64", "true, INT8", "false, INT8", "true, UINT8", "false, UINT8", "true, INT16",
    "false, INT16"
  })
  void matchesTfLite(boolean max, DataType type) throws Exception {
    Random r = new Random(type.ordinal() * 5 + (max ? 1 : 0));
    for (int i = 0; i < 40; i++) {
      BinaryDiff.Case c = new BinaryDiff.Case();
      c.op = max ? BuiltinOperator.MAXIMUM : BuiltinOperator.MINIMUM;
      c.type = type;
      c.outType = type;
      int[][] s = BinaryDiff.shapes(r, 4);
      c.shapeA = s[0];
      c.shapeB = s[1];
      c.constB = type != DataType.INT16 && r.nextInt(4) == 0;
      if (type == DataType.INT8 || type == DataType.UINT8 || type == DataType.INT16) {
        Quantization q = Quantization.of(BinaryDiff.scale(r, -10, 0),
            type == DataType.INT16 ? 0 : BinaryDiff.zeroPoint(r, type));
        c.qa = q;
        c.qb = q;
        c.qo = q;
      }
      if (type == DataType.INT16) {
        BinaryDiff.checkInt16(c, r.nextLong());
      } else {
        BinaryDiff.check(c, r.nextLong());
      }
    }
  }
}
