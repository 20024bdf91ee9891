package io.tflited.runtime.ops.conv;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Random tensors and quantization parameters for the conv-family differential tests. */
final class ConvTestSupport {
  private ConvTestSupport() {}

  static final DataType F32 = DataType.FLOAT32;
  static final DataType I8 = DataType.INT8;
  static final DataType U8 = DataType.UINT8;
  static final DataType I16 = DataType.INT16;

  static byte[] floats(Random r, int n, float range) {
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat((r.nextFloat() * 2 - 1) * range);
    }
    return b.array();
  }

  static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  static byte[] ints(Random r, int n, int bound) {
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putInt(r.nextInt(2 * bound + 1) - bound);
    }
    return b.array();
  }

  static byte[] ints(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  static byte[] longs(Random r, int n, long bound) {
    ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putLong((long) ((r.nextDouble() * 2 - 1) * bound));
    }
    return b.array();
  }

  /** Random int8 weights in [-127, 127]. */
  static byte[] weightsS8(Random r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (r.nextInt(255) - 127);
    }
    return b;
  }

  static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** A zero point for the type, often at an extreme. */
  static int zeroPoint(Random r, DataType t) {
    int lo = t == U8 ? 0 : -128;
    int hi = t == U8 ? 255 : 127;
    if (t == I16) {
      return 0;
    }
    return switch (r.nextInt(5)) {
      case 0 -> lo;
      case 1 -> hi;
      default -> lo + r.nextInt(hi - lo + 1);
    };
  }

  static float scale(Random r) {
    return (float) Math.exp(r.nextDouble() * 6 - 5); // ~0.007 .. 2.7
  }

  static Quantization q(float scale, long zp) {
    return Quantization.of(scale, zp);
  }

  static Quantization perChannel(float[] scales, int dim) {
    return new Quantization(scales, new long[scales.length], dim);
  }

  static int product(int... d) {
    int p = 1;
    for (int x : d) {
      p *= x;
    }
    return p;
  }

  /** Runs the model in tflited and in TFLite 2.4.1 on random inputs and compares. */
  static void check(ModelBuilder b, long seed, String label) throws Exception {
    byte[] model = b.buildBytes();
    CompiledModel compiled;
    try {
      compiled = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    } catch (Exception e) {
      throw new AssertionError(label + ": " + e.getMessage(), e);
    }
    byte[][] inputs = Differential.randomInputs(compiled.inputs(), seed, 3f);
    try {
      Differential.assertMatchesTfLite(model, inputs);
    } catch (AssertionError e) {
      throw new AssertionError(label + "\n" + e.getMessage(), e);
    }
  }
}
