package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PreluTest {
  @ParameterizedTest
  @CsvSource({"FLOAT32", "INT8", "UINT8"})
  void matchesTfLite(DataType type) throws Exception {
    Random r = new Random(type.ordinal() + 77);
    for (int i = 0; i < 60; i++) {
      BinaryDiff.Case c = new BinaryDiff.Case();
      c.op = BuiltinOperator.PRELU;
      c.type = type;
      c.outType = type;
      int[][] s = BinaryDiff.shapes(r, 4);
      c.shapeA = BinaryDiff.outShape(s);
      c.shapeB = s[1];
      if (r.nextInt(3) > 0) {
        // The usual form: the input is 4D and alpha covers its trailing dims.
        int[] in = {1 + r.nextInt(2), 1 + r.nextInt(5), 1 + r.nextInt(5), 1 + r.nextInt(9)};
        c.shapeA = in;
        c.shapeB = r.nextBoolean() ? new int[] {1, 1, in[3]} : Arrays.copyOfRange(in, 1, 4);
      }
      c.constB = r.nextBoolean();
      if (type != DataType.FLOAT32) {
        float si = BinaryDiff.scale(r, -10, 2);
        float sa = BinaryDiff.scale(r, -10, 0);
        float so = (float) (si * Math.pow(2, -3 + 6 * r.nextDouble()));
        c.qa = Quantization.of(si, BinaryDiff.zeroPoint(r, type));
        c.qb = Quantization.of(sa, BinaryDiff.zeroPoint(r, type));
        c.qo = Quantization.of(so, BinaryDiff.zeroPoint(r, type));
      }
      BinaryDiff.check(c, r.nextLong());
    }
  }
}
