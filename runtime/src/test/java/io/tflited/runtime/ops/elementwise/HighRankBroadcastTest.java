package io.tflited.runtime.ops.elementwise;

import static org.junit.jupiter.api.Assertions.assertNull;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.AddOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.MulOptions;
import io.tflited.runtime.model.fb.SubOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Broadcasting at ranks 5 and 6, which TFLite 2.4.1's broadcast kernels (4D) cannot run:
 * tflited runs the broadcasting model while TFLite 2.4.1 runs the same op on inputs tiled to
 * the output shape by this test's own index arithmetic (its elementwise paths take any rank).
 */
class HighRankBroadcastTest {
  @ParameterizedTest
  @CsvSource({
    "ADD, FLOAT32", "ADD, INT8", "ADD, UINT8", "SUB, INT8", "SUB, INT32", "MUL, FLOAT32",
    "MUL, UINT8", "LESS, INT8", "EQUAL, INT32"
  })
  void matchesTiledTfLite(String op, DataType type) throws Exception {
    TfLiteOracle.assumeAvailable();
    int code = java.util.Arrays.asList(BuiltinOperator.names).indexOf(op);
    Random r = new Random(code * 11L + type.ordinal());
    for (int i = 0; i < 15; i++) {
      int rank = 5 + r.nextInt(2);
      int[] out = new int[rank];
      for (int k = 0; k < rank; k++) {
        out[k] = 1 + r.nextInt(3);
      }
      int[] a = derive(r, out);
      int[] b = derive(r, out);
      out = Shapes.broadcast(a, b);
      boolean cmp = code == BuiltinOperator.LESS || code == BuiltinOperator.EQUAL;
      Quantization qa = Quantization.NONE;
      Quantization qb = Quantization.NONE;
      Quantization qo = Quantization.NONE;
      if (type == DataType.INT8 || type == DataType.UINT8) {
        qa = Quantization.of(BinaryDiff.scale(r, -8, -1), BinaryDiff.zeroPoint(r, type));
        qb = Quantization.of(BinaryDiff.scale(r, -8, -1), BinaryDiff.zeroPoint(r, type));
        qo = cmp ? Quantization.NONE
            : Quantization.of(BinaryDiff.scale(r, -8, 0), BinaryDiff.zeroPoint(r, type));
      }
      DataType outType = cmp ? DataType.BOOL : type;
      BinaryDiff.Gen g = BinaryDiff.uniform(10);
      byte[] da = g.make(r, type, BinaryDiff.count(a));
      byte[] db = g.make(r, type, BinaryDiff.count(b));
      int act = cmp ? 0 : r.nextInt(4);
      byte[] mine =
          BinaryDiff.runTflited(
              model(code, act, type, outType, a, b, out, qa, qb, qo), new byte[][] {da, db})[0];
      byte[] expected =
          TfLiteOracle.run(
              model(code, act, type, outType, out, out, out, qa, qb, qo),
              new byte[][] {
                tile(da, a, out, type.byteSize()), tile(db, b, out, type.byteSize())
              })[0];
      assertNull(
          Differential.describeMismatch(outType, expected, mine),
          op + " " + type + " " + Shapes.str(a) + " " + Shapes.str(b));
    }
  }

  private static byte[] model(
      int code, int act, DataType type, DataType outType, int[] a, int[] b, int[] out,
      Quantization qa, Quantization qb, Quantization qo) {
    ModelBuilder mb = new ModelBuilder();
    int ta = mb.addTensor("a", type, a, qa);
    int tb = mb.addTensor("b", type, b, qb);
    int to = mb.addTensor("o", outType, out, qo);
    byte f = (byte) act;
    if (code == BuiltinOperator.ADD) {
      mb.addOperator(code, 2, new int[] {ta, tb}, new int[] {to}, BuiltinOptions.AddOptions,
          fbb -> AddOptions.createAddOptions(fbb, f, true));
    } else if (code == BuiltinOperator.SUB) {
      mb.addOperator(code, 2, new int[] {ta, tb}, new int[] {to}, BuiltinOptions.SubOptions,
          fbb -> SubOptions.createSubOptions(fbb, f, true));
    } else if (code == BuiltinOperator.MUL) {
      mb.addOperator(code, 2, new int[] {ta, tb}, new int[] {to}, BuiltinOptions.MulOptions,
          fbb -> MulOptions.createMulOptions(fbb, f));
    } else {
      mb.addOperator(code, 2, new int[] {ta, tb}, new int[] {to});
    }
    mb.setInputs(ta, tb).setOutputs(to);
    return mb.buildBytes();
  }

  /** Materializes {@code data} of shape {@code s} broadcast to {@code out}. */
  static byte[] tile(byte[] data, int[] s, int[] out, int size) {
    int n = BinaryDiff.count(out);
    byte[] t = new byte[n * size];
    int[] ext = Shapes.extend(s, out.length);
    int[] idx = new int[out.length];
    for (int i = 0; i < n; i++) {
      int rem = i;
      for (int d = out.length - 1; d >= 0; d--) {
        idx[d] = rem % out[d];
        rem /= out[d];
      }
      int src = 0;
      for (int d = 0; d < out.length; d++) {
        src = src * ext[d] + (ext[d] == 1 ? 0 : idx[d]);
      }
      System.arraycopy(data, src * size, t, i * size, size);
    }
    return t;
  }

  private static int[] derive(Random r, int[] out) {
    int keep = r.nextInt(3) == 0 ? r.nextInt(out.length + 1) : out.length;
    int[] s = java.util.Arrays.copyOfRange(out, out.length - keep, out.length);
    for (int i = 0; i < s.length; i++) {
      if (r.nextInt(3) == 0) {
        s[i] = 1;
      }
    }
    return s;
  }
}
