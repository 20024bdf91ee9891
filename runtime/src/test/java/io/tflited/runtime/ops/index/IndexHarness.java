package io.tflited.runtime.ops.index;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Helpers of the index-op tests: typed buffers, random data, running in tflited. */
final class IndexHarness {
  private IndexHarness() {}

  static Quantization quant(DataType t) {
    return switch (t) {
      case UINT8 -> Quantization.of(0.5f, 128);
      case INT8 -> Quantization.of(0.25f, -3);
      default -> Quantization.NONE;
    };
  }

  static byte[][] run(byte[] model, byte[]... inputs) throws Exception {
    CompiledModel m = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    return Differential.run(m, inputs);
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

  /** n elements of type t drawn from {lo..hi} (ints) — small ranges make ties. */
  static byte[] randomValues(Random r, DataType t, int n, int lo, int hi) {
    ByteBuffer b = ByteBuffer.allocate(n * t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      int v = lo + r.nextInt(hi - lo + 1);
      switch (t) {
        case FLOAT32 -> b.putFloat(v * 0.5f);
        case INT32 -> b.putInt(v);
        case INT64 -> b.putLong(v * 1_000_000_007L);
        case INT16 -> b.putShort((short) v);
        case BOOL -> b.put((byte) (v & 1));
        default -> b.put((byte) v);
      }
    }
    return b.array();
  }

  /** n elements of type t over the whole range (floats uniform in [-10, 10]). */
  static byte[] randomFull(Random r, DataType t, int n) {
    byte[] out = new byte[n * t.byteSize()];
    if (t == DataType.FLOAT32) {
      ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        b.putFloat((r.nextFloat() * 2 - 1) * 10f);
      }
    } else if (t == DataType.BOOL) {
      for (int i = 0; i < n; i++) {
        out[i] = (byte) r.nextInt(2);
      }
    } else {
      r.nextBytes(out);
    }
    return out;
  }

  static int[] randomShape(Random r, int rank, int maxDim) {
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) {
      s[i] = 1 + r.nextInt(maxDim);
    }
    return s;
  }

  static int prod(int[] s) {
    int n = 1;
    for (int d : s) {
      n *= d;
    }
    return n;
  }
}
