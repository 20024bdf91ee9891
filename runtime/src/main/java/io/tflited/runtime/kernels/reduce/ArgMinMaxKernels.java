package io.tflited.runtime.kernels.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;

/**
 * TFLite reference ArgMinMax: for every (outer, inner) position the index along the axis of the
 * first strictly greatest (or smallest) value; ties keep the first index.
 */
public final class ArgMinMaxKernels {
  private ArgMinMaxKernels() {}

  public static void argMinMax(
      boolean max,
      DataType inType,
      byte[] in,
      int inOff,
      boolean outLong,
      byte[] out,
      int outOff,
      int outer,
      int axisSize,
      int inner) {
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int first = o * axisSize * inner + i;
        int best = 0;
        if (inType == DataType.FLOAT32) {
          float bestValue = LittleEndian.getFloat(in, inOff + 4 * first);
          for (int k = 1; k < axisSize; k++) {
            float v = LittleEndian.getFloat(in, inOff + 4 * (first + k * inner));
            if (max ? v > bestValue : v < bestValue) {
              bestValue = v;
              best = k;
            }
          }
        } else {
          long bestValue = ReduceKernels.load(in, inOff + inType.byteSize() * first, inType);
          for (int k = 1; k < axisSize; k++) {
            long v =
                ReduceKernels.load(in, inOff + inType.byteSize() * (first + k * inner), inType);
            if (max ? v > bestValue : v < bestValue) {
              bestValue = v;
              best = k;
            }
          }
        }
        int idx = o * inner + i;
        if (outLong) {
          LittleEndian.setLong(out, outOff + 8 * idx, best);
        } else {
          LittleEndian.setInt(out, outOff + 4 * idx, best);
        }
      }
    }
  }
}
