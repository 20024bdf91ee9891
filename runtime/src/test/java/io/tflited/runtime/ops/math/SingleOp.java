package io.tflited.runtime.ops.math;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

/** Test helpers shared by the math, generate, logical and new shape op tests. */
public final class SingleOp {
  private SingleOp() {}

  /** Compiles a model in tflited. */
  public static CompiledModel compile(byte[] model) throws Exception {
    return CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
  }

  /** Runs a model in tflited. */
  public static byte[][] run(byte[] model, byte[]... inputs) throws Exception {
    return Differential.run(compile(model), inputs);
  }

  public static List<TensorInfo> inputs(byte[] model) throws Exception {
    return compile(model).inputs();
  }

  /** Differential check against TFLite 2.4.1 on seeded random inputs. */
  public static void diff(byte[] model, long seed, float range) throws Exception {
    Differential.assertMatchesTfLite(model, Differential.randomInputs(inputs(model), seed, range));
  }

  /** Encodes values as the little-endian bytes of type t (bool: nonzero = 1). */
  public static byte[] bytes(DataType t, double... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      switch (t) {
        case FLOAT32 -> b.putFloat((float) x);
        case INT32 -> b.putInt((int) x);
        case INT64 -> b.putLong((long) x);
        case INT16 -> b.putShort((short) x);
        case INT8, UINT8 -> b.put((byte) (long) x);
        case BOOL -> b.put((byte) (x != 0 ? 1 : 0));
        default -> throw new IllegalArgumentException(t.toString());
      }
    }
    return b.array();
  }

  /** Decodes little-endian bytes of type t as doubles (uint8 unsigned). */
  public static double[] values(DataType t, byte[] a) {
    ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    double[] v = new double[a.length / t.byteSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = switch (t) {
        case FLOAT32 -> b.getFloat();
        case INT32 -> b.getInt();
        case INT64 -> b.getLong();
        case INT16 -> b.getShort();
        case INT8 -> b.get();
        case UINT8, BOOL -> b.get() & 0xff;
        default -> throw new IllegalArgumentException(t.toString());
      };
    }
    return v;
  }

  public static int[] randomShape(Random r, int rank, int maxDim) {
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) {
      s[i] = 1 + r.nextInt(maxDim);
    }
    return s;
  }

  public static int prod(int[] s) {
    int n = 1;
    for (int d : s) {
      n *= d;
    }
    return n;
  }
}
