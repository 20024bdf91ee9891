package io.tflited.runtime.ops.activation;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.TfLiteOracle;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/** Single-op models and inputs for this package's tests. */
final class UnaryModels {
  private UnaryModels() {}

  /** A model with one operator from tensor x to tensor y. */
  static byte[] unary(
      int op, int version, DataType inType, Quantization inQ, DataType outType,
      Quantization outQ, int[] shape, int optionsType, ModelBuilder.OptionsWriter options) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", inType, shape, inQ);
    int y = b.addTensor("y", outType, shape, outQ);
    b.addOperator(op, version, new int[] {x}, new int[] {y}, optionsType, options);
    b.setInputs(x).setOutputs(y);
    return b.buildBytes();
  }

  static byte[] unary(
      int op, int version, DataType inType, Quantization inQ, DataType outType,
      Quantization outQ, int[] shape) {
    return unary(op, version, inType, inQ, outType, outQ, shape, 0, null);
  }

  /**
   * Like {@link #unary} but usable with the TFLite 2.4.1 Java API, which cannot pass int16
   * tensors: an int16 input is fed as float32 through a QUANTIZE to int16 (exact for every
   * int16 value when fed {@link #int16AsFloats}), an int16 output leaves through a DEQUANTIZE
   * (exact, distinct floats per int16 value). Compare such outputs with {@link #assertExact}.
   */
  static byte[] wrapped(
      int op, int version, DataType inType, Quantization inQ, DataType outType,
      Quantization outQ, int[] shape, int optionsType, ModelBuilder.OptionsWriter options) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", inType, shape, inQ);
    int y = b.addTensor("y", outType, shape, outQ);
    int modelIn = x;
    int modelOut = y;
    if (inType == DataType.INT16) {
      modelIn = b.addTensor("xf", DataType.FLOAT32, shape);
      b.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {modelIn}, new int[] {x});
    }
    b.addOperator(op, version, new int[] {x}, new int[] {y}, optionsType, options);
    if (outType == DataType.INT16) {
      modelOut = b.addTensor("yf", DataType.FLOAT32, shape);
      b.addOperator(BuiltinOperator.DEQUANTIZE, 1, new int[] {y}, new int[] {modelOut});
    }
    b.setInputs(modelIn).setOutputs(modelOut);
    return b.buildBytes();
  }

  static byte[] wrapped(
      int op, int version, DataType inType, Quantization inQ, DataType outType,
      Quantization outQ, int[] shape) {
    return wrapped(op, version, inType, inQ, outType, outQ, shape, 0, null);
  }

  /** Every int16 value times {@code scale}, as floats (input of a wrapped int16 model). */
  static byte[] int16AsFloats(float scale) {
    float[] f = new float[65536];
    for (int v = -32768; v <= 32767; v++) {
      f[v + 32768] = v * scale;
    }
    return floats(f);
  }

  /** The input of a {@link #wrapped} model that feeds every value of the type once. */
  static byte[] allValuesWrapped(DataType t, Quantization q) {
    return t == DataType.INT16 ? int16AsFloats(q.scale()) : allValues(t);
  }

  /** Asserts tflited's outputs equal TFLite 2.4.1's byte for byte. */
  static void assertExact(byte[] model, byte[]... inputs) throws Exception {
    TfLiteOracle.assumeAvailable();
    byte[][] expected = TfLiteOracle.run(model, inputs);
    CompiledModel m = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    byte[][] actual = Differential.run(m, inputs);
    for (int i = 0; i < expected.length; i++) {
      if (!Arrays.equals(expected[i], actual[i])) {
        String d = Differential.describeMismatch(m.outputs().get(i).dataType(), expected[i], actual[i]);
        if (d == null) {
          d = "bytes differ within float tolerance";
          for (int k = 0; k < expected[i].length; k++) {
            if (expected[i][k] != actual[i][k]) {
              d += " at byte " + k;
              break;
            }
          }
        }
        fail("output " + i + ": " + d);
      }
    }
  }

  /** Every value of an 8-bit type once, or every int16 value once, as raw bytes. */
  static byte[] allValues(DataType t) {
    switch (t) {
      case INT8, UINT8 -> {
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
          b[i] = (byte) i;
        }
        return b;
      }
      case INT16 -> {
        ByteBuffer bb = ByteBuffer.allocate(2 * 65536).order(ByteOrder.LITTLE_ENDIAN);
        for (int v = -32768; v <= 32767; v++) {
          bb.putShort((short) v);
        }
        return bb.array();
      }
      default -> throw new IllegalArgumentException(t.toString());
    }
  }

  static int count(DataType t) {
    return t == DataType.INT16 ? 65536 : 256;
  }

  static byte[] floats(float... v) {
    ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      bb.putFloat(f);
    }
    return bb.array();
  }

  static float[] toFloats(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.length / 4];
    for (int i = 0; i < f.length; i++) {
      f[i] = bb.getFloat(4 * i);
    }
    return f;
  }

  static byte[] randomFloats(Random r, int n, float range) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (r.nextFloat() * 2 - 1) * range;
    }
    return floats(f);
  }

  /** Runs the model in tflited only. */
  static byte[] run(byte[] model, byte[] input) throws Exception {
    CompiledModel m = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    return Differential.run(m, new byte[][] {input})[0];
  }

  static Quantization q(double scale, long zp) {
    return Quantization.of((float) scale, zp);
  }

  /** A random zero point valid for the type. */
  static int randomZeroPoint(Random r, DataType t) {
    return switch (t) {
      case INT8 -> r.nextInt(256) - 128;
      case UINT8 -> r.nextInt(256);
      default -> 0;
    };
  }

  /** Case k of a sweep: the type's minimum zero point for k == 2, maximum for k == 3, else random. */
  static int sweepZeroPoint(Random r, DataType t, int k) {
    if (t == DataType.INT16 || t == DataType.INT32) {
      return 0;
    }
    if (k == 2) {
      return t == DataType.INT8 ? -128 : 0;
    }
    if (k == 3) {
      return t == DataType.INT8 ? 127 : 255;
    }
    return randomZeroPoint(r, t);
  }

  /** A log-uniform random scale in [2^lo, 2^hi]. */
  static float randomScale(Random r, int lo, int hi) {
    return (float) Math.pow(2, lo + r.nextDouble() * (hi - lo));
  }
}
