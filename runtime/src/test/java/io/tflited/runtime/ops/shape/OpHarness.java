package io.tflited.runtime.ops.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/** Shared helpers of the shape-op tests: single-op models, running, differential checks. */
final class OpHarness {
  private OpHarness() {}

  static final DataType[] ORACLE_TYPES = {
    DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT32, DataType.INT64, DataType.BOOL
  };

  /** The quantization test tensors of type t get (uint8/int8 carry scale and zero point). */
  static Quantization quant(DataType t) {
    return switch (t) {
      case UINT8 -> Quantization.of(0.5f, 128);
      case INT8 -> Quantization.of(0.25f, -3);
      case INT16 -> Quantization.of(0.125f, 0);
      default -> Quantization.NONE;
    };
  }

  static byte[] model(ModelBuilder b) {
    return b.buildBytes();
  }

  /** Runs a model in tflited. */
  static byte[][] run(byte[] model, byte[]... inputs) throws Exception {
    CompiledModel m = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    return Differential.run(m, inputs);
  }

  static List<TensorInfo> inputInfos(byte[] model) throws Exception {
    return CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults()).inputs();
  }

  static List<TensorInfo> outputInfos(byte[] model) throws Exception {
    return CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults()).outputs();
  }

  /**
   * Differential check of a model family parameterized by element type. TFLite 2.4.1's Java
   * API cannot carry int16 tensors, so for INT16 the oracle runs the same model built with
   * INT32 on the sign-extended inputs and its outputs are narrowed back: data-movement ops
   * must move the same values either way.
   */
  static void assertMatches(DataType t, Function<DataType, byte[]> build, long seed)
      throws Exception {
    byte[] model = build.apply(t);
    byte[][] inputs = Differential.randomInputs(inputInfos(model), seed, 10f);
    assertMatches(t, build, inputs);
  }

  static void assertMatches(DataType t, Function<DataType, byte[]> build, byte[][] inputs)
      throws Exception {
    TfLiteOracle.assumeAvailable();
    byte[] model = build.apply(t);
    if (t != DataType.INT16) {
      Differential.assertMatchesTfLite(model, inputs);
      return;
    }
    byte[] wide = build.apply(DataType.INT32);
    List<TensorInfo> ins = inputInfos(model);
    byte[][] wideIn = new byte[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      wideIn[i] = ins.get(i).dataType() == DataType.INT16 ? widen(inputs[i]) : inputs[i];
    }
    byte[][] expected = TfLiteOracle.run(wide, wideIn);
    byte[][] actual = run(model, inputs);
    List<TensorInfo> outs = outputInfos(model);
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < outs.size(); i++) {
      byte[] e = outs.get(i).dataType() == DataType.INT16 ? narrow(expected[i]) : expected[i];
      assertArrayEquals(e, actual[i], "output " + i + " (" + outs.get(i) + ")");
    }
  }

  static byte[] widen(byte[] s16) {
    ByteBuffer in = ByteBuffer.wrap(s16).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.allocate(s16.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    while (in.remaining() >= 2) {
      out.putInt(in.getShort());
    }
    return out.array();
  }

  static byte[] narrow(byte[] s32) {
    ByteBuffer in = ByteBuffer.wrap(s32).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.allocate(s32.length / 2).order(ByteOrder.LITTLE_ENDIAN);
    while (in.remaining() >= 4) {
      int v = in.getInt();
      if (v != (short) v) {
        throw new AssertionError("oracle produced " + v + ", not an int16 value");
      }
      out.putShort((short) v);
    }
    return out.array();
  }

  /** Random shape of the given rank with dims in [1, maxDim]. */
  static int[] randomShape(Random r, int rank, int maxDim) {
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) {
      s[i] = 1 + r.nextInt(maxDim);
    }
    return s;
  }

  static byte[] ints(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  static byte[] longs(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  static byte[] shorts(int... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putShort((short) x);
    }
    return b.array();
  }

  static int[] toInts(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int[] out = new int[b.length / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = bb.getInt();
    }
    return out;
  }

  static float[] toFloats(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.length / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = bb.getFloat();
    }
    return out;
  }

  /** An int32 or int64 constant vector/tensor (index/shape operands). */
  static int intConstant(ModelBuilder b, String name, DataType t, int[] shape, int... values) {
    if (t == DataType.INT32) {
      return b.addInt32Constant(name, shape, values);
    }
    long[] l = new long[values.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = values[i];
    }
    return b.addConstant(name, DataType.INT64, shape, Quantization.NONE, longs(l));
  }

  static int[] iota(int n) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return v;
  }

  static int prod(int[] s) {
    int n = 1;
    for (int d : s) {
      n *= d;
    }
    return n;
  }
}
