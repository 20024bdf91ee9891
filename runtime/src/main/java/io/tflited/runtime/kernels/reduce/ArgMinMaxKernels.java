package io.tflited.runtime.kernels.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;

/**
 * TFLite reference ArgMinMax: for every (outer, inner) position the index along the axis of the
 * first strictly greatest (or smallest) value; ties keep the first index. Works on a range of
 * outer positions, so the op can split them over threads.
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
      int outerFrom,
      int outerTo,
      int axisSize,
      int inner) {
    if (inner == 1 && (inType == DataType.UINT8 || inType == DataType.INT8)) {
      lastAxis8(max, inType == DataType.UINT8, in, inOff, outLong, out, outOff, outerFrom, outerTo,
          axisSize);
      return;
    }
    for (int o = outerFrom; o < outerTo; o++) {
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

  /** 8-bit values along the last axis (a segmentation map's class scores): bytes compared directly. */
  private static void lastAxis8(boolean max, boolean unsigned, byte[] in, int inOff,
      boolean outLong, byte[] out, int outOff, int outerFrom, int outerTo, int axisSize) {
    int mask = unsigned ? 0xff : -1;
    for (int o = outerFrom; o < outerTo; o++) {
      int p = inOff + o * axisSize;
      int best = 0;
      int bestValue = in[p] & mask;
      for (int k = 1; k < axisSize; k++) {
        int v = in[p + k] & mask;
        if (max ? v > bestValue : v < bestValue) {
          bestValue = v;
          best = k;
        }
      }
      if (outLong) {
        LittleEndian.setLong(out, outOff + 8 * o, best);
      } else {
        LittleEndian.setInt(out, outOff + 4 * o, best);
      }
    }
  }
}
