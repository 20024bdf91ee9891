package io.tflited.runtime.ops.math;

import io.tflited.runtime.model.fb.CumsumOptions;
import static io.tflited.runtime.ops.math.SingleOp.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.GeluOptions;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** POW, SIN, COS, ELU, ADD_N, CUMSUM, GELU. */
class MathTest {
  static int cases;

  static byte[] unary(int op, DataType t, int[] s, Quantization qi, Quantization qo) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, s, qi);
    int y = b.addTensor("y", t, s, qo);
    b.addOperator(op, 1, new int[] {x}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  static byte[] gelu(int[] s, boolean approximate) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, s);
    int y = b.addTensor("y", DataType.FLOAT32, s);
    b.addOperator(BuiltinOperator.GELU, 1, new int[] {x}, new int[] {y},
        BuiltinOptions.GeluOptions, fbb -> GeluOptions.createGeluOptions(fbb, approximate));
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  static byte[] pow(DataType t, int[] a, int[] bs, int[] out) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, a);
    int e = b.addTensor("e", t, bs);
    int y = b.addTensor("y", t, out);
    b.addOperator(BuiltinOperator.POW, 1, new int[] {x, e}, new int[] {y});
    return b.setInputs(x, e).setOutputs(y).buildBytes();
  }

  static byte[] addN(DataType t, int[] s, int n) {
    ModelBuilder b = new ModelBuilder();
    int[] ins = new int[n];
    for (int i = 0; i < n; i++) {
      ins[i] = b.addTensor("x" + i, t, s);
    }
    int y = b.addTensor("y", t, s);
    b.addOperator(BuiltinOperator.ADD_N, 1, ins, new int[] {y});
    return b.setInputs(ins).setOutputs(y).buildBytes();
  }

  static byte[] cumsum(DataType t, int[] s, int axis, boolean exclusive, boolean reverse) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, s);
    int a = b.addInt32Constant("axis", new int[0], axis);
    int y = b.addTensor("y", t, s);
    b.addOperator(BuiltinOperator.CUMSUM, 1, new int[] {x, a}, new int[] {y},
        BuiltinOptions.CumsumOptions, fbb -> CumsumOptions.createCumsumOptions(fbb, exclusive, reverse));
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    float[] g = toF(run(gelu(new int[] {4}, false), bytes(DataType.FLOAT32, 1, -1, 0, -6))[0]);
    assertEquals(0.8413447f, g[0], 1e-6);
    assertEquals(-0.1586553f, g[1], 1e-6);
    assertEquals(0f, g[2], 0);
    assertEquals(-6 * 0.5 * 1.973175290848e-9, g[3], 1e-13);
    float[] ga = toF(run(gelu(new int[] {3}, true), bytes(DataType.FLOAT32, 1, -1, 3))[0]);
    assertEquals(0.8411920f, ga[0], 1e-6);
    assertEquals(-0.1588080f, ga[1], 1e-6);
    assertEquals(2.9963627f, ga[2], 1e-6);
    assertArrayEquals(bytes(DataType.INT32, 1, -8, 0, 1 << 30, Integer.MIN_VALUE),
        run(pow(DataType.INT32, new int[] {5}, new int[] {5}, new int[] {5}),
            bytes(DataType.INT32, 7, -2, 0, 2, 2), bytes(DataType.INT32, 0, 3, 5, 30, 32))[0]);
    // Broadcast scalar exponent: 2.4.1 multiplies and wraps (3^25 mod 2^32).
    assertArrayEquals(bytes(DataType.INT32, 1180052131, -1180052131),
        run(pow(DataType.INT32, new int[] {2}, new int[] {1}, new int[] {2}),
            bytes(DataType.INT32, 3, -3), bytes(DataType.INT32, 25))[0]);
    assertThrows(InvocationException.class,
        () -> run(pow(DataType.INT32, new int[] {1}, new int[] {1}, new int[] {1}),
            bytes(DataType.INT32, 2), bytes(DataType.INT32, -1)));
    assertArrayEquals(bytes(DataType.INT64, 5, 3, 0),
        run(cumsum(DataType.INT64, new int[] {3}, 0, true, true),
            bytes(DataType.INT64, 1, 2, 3))[0]);
    assertArrayEquals(bytes(DataType.INT32, 1, 2, 4, 6),
        run(cumsum(DataType.INT32, new int[] {2, 2}, -2, false, false),
            bytes(DataType.INT32, 1, 2, 3, 4))[0]);
  }

  static float[] toF(byte[] b) {
    double[] d = values(DataType.FLOAT32, b);
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Test
  void differentialUnary() throws Exception {
    Random r = new Random(21);
    for (int trial = 0; trial < 30; trial++) {
      int[] s = randomShape(r, 1 + r.nextInt(4), 5);
      diff(unary(BuiltinOperator.SIN, DataType.FLOAT32, s, Quantization.NONE, Quantization.NONE),
          trial, 20);
      diff(unary(BuiltinOperator.COS, DataType.FLOAT32, s, Quantization.NONE, Quantization.NONE),
          trial, 20);
      diff(unary(BuiltinOperator.ELU, DataType.FLOAT32, s, Quantization.NONE, Quantization.NONE),
          trial, 5);
      cases += 3;
    }
  }

  @Test
  void differentialEluInt8() throws Exception {
    Random r = new Random(22);
    for (int trial = 0; trial < 40; trial++) {
      Quantization qi = Quantization.of(0.005f + r.nextFloat() * 0.2f, r.nextInt(256) - 128);
      Quantization qo = Quantization.of(0.002f + r.nextFloat() * 0.1f, r.nextInt(256) - 128);
      // Every int8 value once, then a random batch.
      byte[] m = unary(BuiltinOperator.ELU, DataType.INT8, new int[] {256}, qi, qo);
      byte[] all = new byte[256];
      for (int i = 0; i < 256; i++) {
        all[i] = (byte) i;
      }
      Differential.assertMatchesTfLite(m, new byte[][] {all});
      cases++;
    }
  }

  @Test
  void differentialPow() throws Exception {
    Random r = new Random(23);
    for (int trial = 0; trial < 40; trial++) {
      DataType t = trial % 2 == 0 ? DataType.FLOAT32 : DataType.INT32;
      int rank = 1 + r.nextInt(4);
      int[] out = randomShape(r, rank, 4);
      int[] a = out.clone();
      int[] e = out.clone();
      if (trial % 5 == 3) {
        e = new int[] {1};
      }
      for (int i = 0; i < rank && e.length == rank; i++) {
        int p = r.nextInt(3);
        if (p == 1) {
          a[i] = 1;
        } else if (p == 2) {
          e[i] = 1;
        }
      }
      byte[] m = pow(t, a, e, out);
      byte[][] in;
      if (t == DataType.FLOAT32) {
        double[] x = new double[prod(a)];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextFloat() * 4 * (r.nextInt(4) == 0 ? -1 : 1);
        }
        double[] y = new double[prod(e)];
        for (int i = 0; i < y.length; i++) {
          y[i] = r.nextBoolean() ? r.nextInt(7) - 3 : (r.nextFloat() - 0.5) * 6;
        }
        in = new byte[][] {bytes(t, x), bytes(t, y)};
      } else {
        double[] x = new double[prod(a)];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextInt(trial % 4 == 1 ? 2000 : 21) - (trial % 4 == 1 ? 1000 : 10);
        }
        double[] y = new double[prod(e)];
        for (int i = 0; i < y.length; i++) {
          y[i] = r.nextInt(trial % 4 == 1 ? 40 : 9);
        }
        in = new byte[][] {bytes(t, x), bytes(t, y)};
      }
      Differential.assertMatchesTfLite(m, in);
      cases++;
    }
  }

  @Test
  void differentialAddN() throws Exception {
    Random r = new Random(24);
    for (int trial = 0; trial < 30; trial++) {
      DataType t = trial % 2 == 0 ? DataType.FLOAT32 : DataType.INT32;
      diff(addN(t, randomShape(r, 1 + r.nextInt(4), 5), 2 + r.nextInt(4)), trial, 100);
      cases++;
    }
  }

  @Test
  void differentialCumsum() throws Exception {
    Random r = new Random(25);
    DataType[] types = {DataType.FLOAT32, DataType.INT32, DataType.INT64};
    for (int trial = 0; trial < 48; trial++) {
      DataType t = types[trial % 3];
      int rank = 1 + r.nextInt(4);
      int[] s = randomShape(r, rank, 5);
      int axis = r.nextInt(2 * rank) - rank;
      diff(cumsum(t, s, axis, r.nextBoolean(), r.nextBoolean()), trial, 10);
      cases++;
    }
    System.out.println("MathTest oracle cases so far: " + cases);
  }
}
