package io.tflited.runtime.ops.generate;

import io.tflited.runtime.DataType;

/** Shared constants of the generating ops. */
final class GenerateSupport {
  private GenerateSupport() {}

  /** Fixed-size element types these ops produce by copying bytes. */
  static final DataType[] NUMERIC = {
    DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16, DataType.INT32,
    DataType.INT64, DataType.BOOL
  };

  /** Fills {@code count} elements of {@code size} bytes at {@code off} with the element at src. */
  static void fill(byte[] src, int srcOff, int size, byte[] dst, int off, int count) {
    if (count == 0) {
      return;
    }
    System.arraycopy(src, srcOff, dst, off, size);
    int done = 1;
    while (done < count) {
      int n = Math.min(done, count - done);
      System.arraycopy(dst, off, dst, off + done * size, n * size);
      done += n;
    }
  }
}
