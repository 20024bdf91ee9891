package io.tflited.runtime.kernels.elementwise;

import static io.tflited.runtime.kernels.LittleEndian.getInt;
import static io.tflited.runtime.kernels.LittleEndian.getLong;
import static io.tflited.runtime.kernels.LittleEndian.getShort;
import static io.tflited.runtime.kernels.LittleEndian.setInt;
import static io.tflited.runtime.kernels.LittleEndian.setLong;
import static io.tflited.runtime.kernels.LittleEndian.setShort;

import io.tflited.runtime.DataType;

/**
 * Integer binary rows on raw values (no requantization): int32/int64 arithmetic wraps like
 * TFLite's on x86, results clamped to an activation range; int8/uint8/int16 for ops that
 * only compare or select raw values (MAXIMUM, MINIMUM).
 */
public final class IntRows {
  private IntRows() {}

  @FunctionalInterface
  public interface IntFn {
    int apply(int x, int y);
  }

  @FunctionalInterface
  public interface LongFn {
    long apply(long x, long y);
  }

  /** int32 op, clamped to [lo, hi]. */
  public static BinaryRow int32(IntFn f, int lo, int hi) {
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
        int v = f.apply(getInt(a, ai), getInt(b, bi));
        setInt(o, oi, Math.min(Math.max(v, lo), hi));
      }
    };
  }

  /** int32 op without clamp. */
  public static BinaryRow int32(IntFn f) {
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 4) {
        setInt(o, oi, f.apply(getInt(a, ai), getInt(b, bi)));
      }
    };
  }

  /** int64 op, clamped to [lo, hi]. */
  public static BinaryRow int64(LongFn f, long lo, long hi) {
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 8) {
        long v = f.apply(getLong(a, ai), getLong(b, bi));
        setLong(o, oi, Math.min(Math.max(v, lo), hi));
      }
    };
  }

  /** int64 op without clamp. */
  public static BinaryRow int64(LongFn f) {
    return (a, ai, as, b, bi, bs, o, oi, n) -> {
      for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 8) {
        setLong(o, oi, f.apply(getLong(a, ai), getLong(b, bi)));
      }
    };
  }

  /** Raw small-integer op (values stay in the type's range): int8, uint8 or int16. */
  public static BinaryRow small(DataType t, IntFn f) {
    return switch (t) {
      case INT8 -> (a, ai, as, b, bi, bs, o, oi, n) -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          o[oi] = (byte) f.apply(a[ai], b[bi]);
        }
      };
      case UINT8 -> (a, ai, as, b, bi, bs, o, oi, n) -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi++) {
          o[oi] = (byte) f.apply(a[ai] & 0xff, b[bi] & 0xff);
        }
      };
      case INT16 -> (a, ai, as, b, bi, bs, o, oi, n) -> {
        for (int k = 0; k < n; k++, ai += as, bi += bs, oi += 2) {
          setShort(o, oi, (short) f.apply(getShort(a, ai), getShort(b, bi)));
        }
      };
      default -> throw new IllegalArgumentException("not a small integer type: " + t);
    };
  }

  /** Reads element {@code off} (byte offset) of a small integer type as an int. */
  public static int load(DataType t, byte[] a, int off) {
    return switch (t) {
      case INT8 -> a[off];
      case UINT8 -> a[off] & 0xff;
      case INT16 -> getShort(a, off);
      case INT32 -> getInt(a, off);
      default -> throw new IllegalArgumentException("not an integer type: " + t);
    };
  }
}
