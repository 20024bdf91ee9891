package io.tflited.runtime.ops.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

/** Builds single-op two-input models and compares tflited with TFLite 2.4.1 on them. */
final class BinaryDiff {
  private BinaryDiff() {}

  /** Input value generator: fills {@code n} elements of {@code type} into a new array. */
  interface Gen {
    byte[] make(Random r, DataType type, int n);
  }

  /** Floats uniform in [-range, range]; integers from random bytes. */
  static Gen uniform(float range) {
    return (r, type, n) -> {
      byte[] b = new byte[n * type.byteSize()];
      if (type == DataType.FLOAT32) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          bb.putFloat((r.nextFloat() * 2 - 1) * range);
        }
      } else if (type == DataType.BOOL) {
        for (int i = 0; i < n; i++) {
          b[i] = (byte) r.nextInt(2);
        }
      } else {
        r.nextBytes(b);
      }
      return b;
    };
  }

  /** Small integers in [-range, range] (int32/int64) or floats as uniform. */
  static Gen smallInts(int range) {
    return (r, type, n) -> {
      ByteBuffer bb = ByteBuffer.allocate(n * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        int v = r.nextInt(2 * range + 1) - range;
        switch (type) {
          case INT32 -> bb.putInt(v);
          case INT64 -> bb.putLong(v);
          case FLOAT32 -> bb.putFloat(v);
          case INT16 -> bb.putShort((short) v);
          default -> bb.put((byte) v);
        }
      }
      return bb.array();
    };
  }

  /** One configuration. */
  static final class Case {
    int op;
    int version = 1;
    int optionsType;
    ModelBuilder.OptionsWriter options;
    DataType type;
    DataType outType;
    int[] shapeA;
    int[] shapeB;
    boolean constB;
    Quantization qa = Quantization.NONE;
    Quantization qb = Quantization.NONE;
    Quantization qo = Quantization.NONE;
    Gen genA = uniform(10);
    Gen genB = uniform(10);

    @Override
    public String toString() {
      return BuiltinOperator.name(op) + " " + type + "->" + outType + " " + Shapes.str(shapeA)
          + (constB ? " const " : " ") + Shapes.str(shapeB) + " qa=" + qa + " qb=" + qb
          + " qo=" + qo;
    }
  }

  /** Output shape of a case. */
  static int[] outShape(Case c) {
    return Shapes.broadcast(c.shapeA, c.shapeB);
  }

  /** Broadcast shape of a pair from {@link #shapes}. */
  static int[] outShape(int[][] pair) {
    return Shapes.broadcast(pair[0], pair[1]);
  }

  static int count(int[] s) {
    return (int) Shapes.elementCount(s);
  }

  /** Runs one case through tflited and TFLite 2.4.1 and asserts equal outputs. */
  static void check(Case c, long seed) throws Exception {
    Random r = new Random(seed);
    byte[] a = c.genA.make(r, c.type, count(c.shapeA));
    byte[] b = c.genB.make(r, c.type, count(c.shapeB));
    ModelBuilder mb = new ModelBuilder();
    int ta = mb.addTensor("a", c.type, c.shapeA, c.qa);
    int tb =
        c.constB
            ? mb.addConstant("b", c.type, c.shapeB, c.qb, b)
            : mb.addTensor("b", c.type, c.shapeB, c.qb);
    int to = mb.addTensor("out", c.outType, outShape(c), c.qo);
    mb.addOperator(c.op, c.version, new int[] {ta, tb}, new int[] {to}, c.optionsType, c.options);
    mb.setInputs(c.constB ? new int[] {ta} : new int[] {ta, tb}).setOutputs(to);
    byte[] model = mb.buildBytes();
    byte[][] inputs = c.constB ? new byte[][] {a} : new byte[][] {a, b};
    try {
      Differential.assertMatchesTfLite(model, inputs);
    } catch (AssertionError e) {
      throw new AssertionError(c + " seed " + seed + ": " + e.getMessage(), e);
    }
  }

  /** Random broadcast-compatible shapes with output rank <= maxRank. */
  static int[][] shapes(Random r, int maxRank) {
    int rank = 1 + r.nextInt(maxRank);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = r.nextInt(8) == 0 ? 5 + r.nextInt(6) : 1 + r.nextInt(4);
    }
    int[] a = derive(r, out);
    int[] b;
    int p = r.nextInt(10);
    if (p == 0) {
      b = new int[0];
    } else if (p == 1) {
      b = a.clone();
    } else if (p == 2) {
      b = out.clone();
      a = new int[0];
    } else {
      b = derive(r, out);
    }
    if (r.nextInt(2) == 0) {
      return new int[][] {a, b};
    }
    return new int[][] {b, a};
  }

  private static int[] derive(Random r, int[] out) {
    int keep = r.nextInt(4) == 0 ? r.nextInt(out.length + 1) : out.length;
    int[] s = Arrays.copyOfRange(out, out.length - keep, out.length);
    for (int i = 0; i < s.length; i++) {
      if (r.nextInt(3) == 0) {
        s[i] = 1;
      }
    }
    return s;
  }

  /** A random scale, log-uniform in [2^lo, 2^hi]. */
  static float scale(Random r, double lo, double hi) {
    return (float) Math.pow(2, lo + (hi - lo) * r.nextDouble());
  }

  /** A random zero point for the type, with extremes often. */
  static long zeroPoint(Random r, DataType t) {
    int min = t == DataType.UINT8 ? 0 : t == DataType.INT8 ? -128 : -32768;
    int max = t == DataType.UINT8 ? 255 : t == DataType.INT8 ? 127 : 32767;
    return switch (r.nextInt(5)) {
      case 0 -> min;
      case 1 -> max;
      case 2 -> t == DataType.UINT8 ? 128 : 0;
      default -> min + r.nextInt(max - min + 1);
    };
  }

  /** tflited's outputs for a model and inputs. */
  static byte[][] runTflited(byte[] model, byte[][] inputs) throws Exception {
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    return Differential.run(m, inputs);
  }

  /**
   * int16 cases: TFLite 2.4.1's Java API cannot feed int16 tensors, so the oracle runs the op
   * between QUANTIZE (float to int16) and DEQUANTIZE (int16 to float) while tflited runs the
   * bare int16 op; the oracle's float outputs are mapped back to int16 exactly.
   */
  static void checkInt16(Case c, long seed) throws Exception {
    TfLiteOracle.assumeAvailable();
    Random r = new Random(seed);
    byte[] a = c.genA.make(r, DataType.INT16, count(c.shapeA));
    byte[] b = c.genB.make(r, DataType.INT16, count(c.shapeB));
    int[] os = outShape(c);
    // tflited: bare op.
    ModelBuilder mb = new ModelBuilder();
    int ta = mb.addTensor("a", DataType.INT16, c.shapeA, c.qa);
    int tb = mb.addTensor("b", DataType.INT16, c.shapeB, c.qb);
    int to = mb.addTensor("out", DataType.INT16, os, c.qo);
    mb.addOperator(c.op, c.version, new int[] {ta, tb}, new int[] {to}, c.optionsType, c.options);
    mb.setInputs(ta, tb).setOutputs(to);
    byte[] mine = runTflited(mb.buildBytes(), new byte[][] {a, b})[0];
    // oracle: float -> QUANTIZE -> op -> DEQUANTIZE.
    ModelBuilder ob = new ModelBuilder();
    int fa = ob.addTensor("fa", DataType.FLOAT32, c.shapeA);
    int fb = ob.addTensor("fb", DataType.FLOAT32, c.shapeB);
    int qa = ob.addTensor("a", DataType.INT16, c.shapeA, c.qa);
    int qb = ob.addTensor("b", DataType.INT16, c.shapeB, c.qb);
    int qo = ob.addTensor("out", DataType.INT16, os, c.qo);
    int fo = ob.addTensor("fo", DataType.FLOAT32, os);
    ob.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {fa}, new int[] {qa});
    ob.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {fb}, new int[] {qb});
    ob.addOperator(c.op, c.version, new int[] {qa, qb}, new int[] {qo}, c.optionsType, c.options);
    ob.addOperator(BuiltinOperator.DEQUANTIZE, 2, new int[] {qo}, new int[] {fo});
    ob.setInputs(fa, fb).setOutputs(fo);
    byte[] ofa = toFloat(a, c.qa);
    byte[] ofb = toFloat(b, c.qb);
    byte[] oracle = TfLiteOracle.run(ob.buildBytes(), new byte[][] {ofa, ofb})[0];
    ByteBuffer m = ByteBuffer.wrap(mine).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer e = ByteBuffer.wrap(oracle).order(ByteOrder.LITTLE_ENDIAN);
    double s = c.qo.scale();
    long zp = c.qo.zeroPoint();
    int n = count(os);
    int diffs = 0;
    String first = null;
    for (int i = 0; i < n; i++) {
      long expected = Math.round(e.getFloat(4 * i) / s) + zp;
      int got = m.getShort(2 * i);
      if (expected != got) {
        if (first == null) {
          first = "element " + i + ": got " + got + ", expected " + expected;
        }
        diffs++;
      }
    }
    assertEquals(0, diffs, c + " seed " + seed + ": " + diffs + " of " + n + " differ; " + first);
  }

  /** Quantized int16 values to floats that QUANTIZE maps back to the same values. */
  private static byte[] toFloat(byte[] q, Quantization qp) {
    ByteBuffer in = ByteBuffer.wrap(q).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.allocate(q.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < q.length / 2; i++) {
      out.putFloat((float) ((in.getShort(2 * i) - qp.zeroPoint()) * (double) qp.scale()));
    }
    return out.array();
  }
}
