package io.tflited.runtime.kernels.index;

import io.tflited.runtime.InvocationException;
import io.tflited.runtime.kernels.LittleEndian;

/**
 * Scalar loop of UNSORTED_SEGMENT_SUM/PROD/MAX/MIN (TFLite reference UnsortedSegmentRef):
 * fill the output with the reduction's identity, then fold each data row into the output row
 * its segment id names, skipping negative ids.
 */
public final class UnsortedSegmentKernels {
  public enum Reduction {
    SUM,
    PROD,
    MAX,
    MIN
  }

  private UnsortedSegmentKernels() {}

  public static void run(String op, Reduction r, boolean isFloat, byte[] d, int dOff, byte[] ids,
      int iOff, byte[] o, int oOff, int rows, int rowLen, int numSegments, int outCount)
      throws InvocationException {
    // Validate every id before writing, so a bad id leaves no half-reduced output.
    for (int row = 0; row < rows; row++) {
      int id = LittleEndian.getInt(ids, iOff + 4 * row);
      if (id >= numSegments) {
        throw new InvocationException(op + ": segment_ids[" + row + "] = " + id
            + " is out of range for num_segments " + numSegments);
      }
    }
    if (isFloat) {
      float init = switch (r) {
        case SUM -> 0f;
        case PROD -> 1f;
        case MAX -> -Float.MAX_VALUE;
        case MIN -> Float.MAX_VALUE;
      };
      for (int k = 0; k < outCount; k++) {
        LittleEndian.setFloat(o, oOff + 4 * k, init);
      }
    } else {
      int init = switch (r) {
        case SUM -> 0;
        case PROD -> 1;
        case MAX -> Integer.MIN_VALUE;
        case MIN -> Integer.MAX_VALUE;
      };
      for (int k = 0; k < outCount; k++) {
        LittleEndian.setInt(o, oOff + 4 * k, init);
      }
    }
    for (int row = 0; row < rows; row++) {
      int id = LittleEndian.getInt(ids, iOff + 4 * row);
      if (id < 0) {
        continue;
      }
      int src = dOff + 4 * row * rowLen;
      int dst = oOff + 4 * id * rowLen;
      if (isFloat) {
        reduceFloat32(r, d, src, o, dst, rowLen);
      } else {
        reduceInt32(r, d, src, o, dst, rowLen);
      }
    }
  }

  private static void reduceFloat32(Reduction r, byte[] d, int src, byte[] o, int dst, int n) {
    for (int j = 0; j < n; j++, src += 4, dst += 4) {
      float acc = LittleEndian.getFloat(o, dst);
      float x = LittleEndian.getFloat(d, src);
      float v = switch (r) {
        case SUM -> acc + x;
        case PROD -> acc * x;
        case MAX -> acc < x ? x : acc;
        case MIN -> x < acc ? x : acc;
      };
      LittleEndian.setFloat(o, dst, v);
    }
  }

  private static void reduceInt32(Reduction r, byte[] d, int src, byte[] o, int dst, int n) {
    for (int j = 0; j < n; j++, src += 4, dst += 4) {
      int acc = LittleEndian.getInt(o, dst);
      int x = LittleEndian.getInt(d, src);
      int v = switch (r) {
        case SUM -> acc + x;
        case PROD -> acc * x;
        case MAX -> Math.max(acc, x);
        case MIN -> Math.min(acc, x);
      };
      LittleEndian.setInt(o, dst, v);
    }
  }
}
