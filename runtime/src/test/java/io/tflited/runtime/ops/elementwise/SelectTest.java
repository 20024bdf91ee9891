package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectTest {
  @ParameterizedTest
  @CsvSource({
    "false, FLOAT32", "false, INT32", "false, INT64", "false, INT8", "false, UINT8",
    "false, BOOL", "true, FLOAT32", "true, INT32", "true, INT64", "true, INT8", "true, UINT8",
    "true, BOOL"
  })
  void matchesTfLite(boolean v2, DataType type) throws Exception {
    Random r = new Random(type.ordinal() * 3 + (v2 ? 1 : 0));
    for (int i = 0; i < 30; i++) {
      int[] cs;
      int[] xs;
      int[] ys;
      if (v2) {
        int[][] p = BinaryDiff.shapes(r, 4);
        int[] out = BinaryDiff.outShape(p);
        // x and y from a random pair; the condition broadcasts onto their shape.
        cs = r.nextBoolean() ? new int[0] : derive(r, out);
        xs = p[0];
        ys = p[1];
      } else {
        int rank = 1 + r.nextInt(4);
        xs = new int[rank];
        for (int k = 0; k < rank; k++) {
          xs[k] = 1 + r.nextInt(5);
        }
        ys = xs;
        cs = switch (r.nextInt(3)) {
          case 0 -> new int[0];
          case 1 -> new int[] {xs[0]};
          default -> xs;
        };
      }
      Quantization q =
          type == DataType.INT8 || type == DataType.UINT8
              ? Quantization.of(0.5f, type == DataType.UINT8 ? 128 : 0)
              : Quantization.NONE;
      ModelBuilder mb = new ModelBuilder();
      int tc = mb.addTensor("c", DataType.BOOL, cs);
      int tx = mb.addTensor("x", type, xs, q);
      int ty = mb.addTensor("y", type, ys, q);
      int[] os = v2 ? io.tflited.runtime.graph.Shapes.broadcast(cs,
          io.tflited.runtime.graph.Shapes.broadcast(xs, ys)) : xs;
      int to = mb.addTensor("o", type, os, q);
      mb.addOperator(v2 ? BuiltinOperator.SELECT_V2 : BuiltinOperator.SELECT, 1,
          new int[] {tc, tx, ty}, new int[] {to});
      mb.setInputs(tc, tx, ty).setOutputs(to);
      BinaryDiff.Gen g = BinaryDiff.uniform(10);
      byte[][] in = {
        g.make(r, DataType.BOOL, BinaryDiff.count(cs)), g.make(r, type, BinaryDiff.count(xs)),
        g.make(r, type, BinaryDiff.count(ys))
      };
      Differential.assertMatchesTfLite(mb.buildBytes(), in);
    }
  }

  private static int[] derive(Random r, int[] out) {
    int keep = r.nextInt(out.length + 1);
    int[] s = java.util.Arrays.copyOfRange(out, out.length - keep, out.length);
    for (int i = 0; i < s.length; i++) {
      if (r.nextInt(3) == 0) {
        s[i] = 1;
      }
    }
    return s;
  }
}
