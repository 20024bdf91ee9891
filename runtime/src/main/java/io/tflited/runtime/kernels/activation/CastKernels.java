package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;

/**
 * CAST between float32, int32, int64, uint8 and bool with C++ static_cast semantics as
 * TFLite 2.4.1 executes them on x86-64: float to integer truncates, out-of-range floats become
 * the "integer indefinite" value, narrowing integers keep the low bits, bool is {@code != 0}.
 */
public final class CastKernels {
  private CastKernels() {}

  public static void cast(
      byte[] in, int inOff, DataType from, byte[] out, int outOff, DataType to, int n) {
    if (from == DataType.FLOAT32) {
      for (int i = 0; i < n; i++) {
        float f = LittleEndian.getFloat(in, inOff + 4 * i);
        switch (to) {
          case FLOAT32 -> LittleEndian.setFloat(out, outOff + 4 * i, f);
          case INT32 -> LittleEndian.setInt(out, outOff + 4 * i, QuantizedElements.x86FloatToInt(f));
          case INT64 -> LittleEndian.setLong(out, outOff + 8 * i, QuantizedElements.x86FloatToLong(f));
          case UINT8 -> out[outOff + i] = (byte) QuantizedElements.x86FloatToInt(f);
          case BOOL -> out[outOff + i] = (byte) (f != 0f ? 1 : 0);
          default -> throw new IllegalArgumentException("cast to " + to);
        }
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      long v = switch (from) {
        case INT32 -> LittleEndian.getInt(in, inOff + 4 * i);
        case INT64 -> LittleEndian.getLong(in, inOff + 8 * i);
        case UINT8 -> in[inOff + i] & 0xff;
        case BOOL -> in[inOff + i] != 0 ? 1 : 0;
        default -> throw new IllegalArgumentException("cast from " + from);
      };
      switch (to) {
        case FLOAT32 -> LittleEndian.setFloat(out, outOff + 4 * i, (float) v);
        case INT32 -> LittleEndian.setInt(out, outOff + 4 * i, (int) v);
        case INT64 -> LittleEndian.setLong(out, outOff + 8 * i, v);
        case UINT8 -> out[outOff + i] = (byte) v;
        case BOOL -> out[outOff + i] = (byte) (v != 0 ? 1 : 0);
        default -> throw new IllegalArgumentException("cast to " + to);
      }
    }
  }
}
