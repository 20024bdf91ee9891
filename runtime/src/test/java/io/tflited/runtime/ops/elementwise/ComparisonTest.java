package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComparisonTest {
  @ParameterizedTest
  @CsvSource({
    "LESS, FLOAT32", "LESS, INT32", "LESS, INT64", "LESS, INT8", "LESS, UINT8",
    "GREATER, FLOAT32", "GREATER, INT32", "GREATER, INT64", "GREATER, INT8", "GREATER, UINT8",
    "LESS_EQUAL, FLOAT32", "LESS_EQUAL, INT32", "LESS_EQUAL, INT8", "LESS_EQUAL, UINT8",
    "GREATER_EQUAL, FLOAT32", "GREATER_EQUAL, INT64", "GREATER_EQUAL, INT8",
    "GREATER_EQUAL, UINT8",
    "EQUAL, FLOAT32", "EQUAL, INT32", "EQUAL, INT64", "EQUAL, INT8", "EQUAL, UINT8",
    "EQUAL, BOOL",
    "NOT_EQUAL, FLOAT32", "NOT_EQUAL, INT32", "NOT_EQUAL, INT8", "NOT_EQUAL, UINT8",
    "NOT_EQUAL, BOOL"
  })
  void matchesTfLite(String op, DataType type) throws Exception {
    int code = java.util.Arrays.asList(BuiltinOperator.names).indexOf(op);
    Random r = new Random(code * 7L + type.ordinal());
    for (int i = 0; i < 25; i++) {
      BinaryDiff.Case c = new BinaryDiff.Case();
      c.op = code;
      c.version = type == DataType.INT8 ? 2 : 1;
      c.type = type;
      c.outType = DataType.BOOL;
      int[][] s = BinaryDiff.shapes(r, 4);
      c.shapeA = s[0];
      c.shapeB = s[1];
      c.constB = r.nextInt(4) == 0;
      // Few distinct values so that equality happens often.
      if (type == DataType.FLOAT32 || type == DataType.INT32 || type == DataType.INT64) {
        c.genA = BinaryDiff.smallInts(3);
        c.genB = BinaryDiff.smallInts(3);
      }
      if (type == DataType.INT8 || type == DataType.UINT8) {
        float sa = BinaryDiff.scale(r, -10, -0.01);
        float sb = r.nextBoolean() ? sa : BinaryDiff.scale(r, -10, -0.01);
        c.qa = Quantization.of(sa, BinaryDiff.zeroPoint(r, type));
        c.qb = Quantization.of(sb, r.nextBoolean() ? c.qa.zeroPoint() : BinaryDiff.zeroPoint(r, type));
        if (r.nextBoolean()) {
          c.genA = BinaryDiff.smallInts(3);
          c.genB = BinaryDiff.smallInts(3);
        }
      }
      BinaryDiff.check(c, r.nextLong());
    }
  }
}
