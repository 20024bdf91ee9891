package io.tflited.runtime.kernels.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.quant.FixedPoint;

/**
 * Scalar reduction loops (TFLite reference_ops Reduce / Mean / QuantizedMeanOrSum semantics).
 * Offsets are in bytes for the arrays, element offsets come from a {@link ReducePlan}.
 */
public final class ReduceKernels {
  public static final int SUM = 0;
  public static final int PROD = 1;
  public static final int MAX = 2;
  public static final int MIN = 3;
  public static final int MEAN = 4;
  public static final int ANY = 5;
  public static final int ALL = 6;

  private ReduceKernels() {}

  /** Float sum/prod/max/min/mean, accumulating in float in TFLite's order. */
  public static void reduceFloat(
      int op, byte[] in, int inOff, byte[] out, int outOff, ReducePlan plan) {
    int[] base = plan.outBase();
    int[] rel = plan.rel();
    int n = rel.length;
    for (int o = 0; o < base.length; o++) {
      int b = inOff + 4 * base[o];
      float acc;
      switch (op) {
        case SUM, MEAN -> {
          acc = 0f;
          for (int r = 0; r < n; r++) {
            acc += LittleEndian.getFloat(in, b + 4 * rel[r]);
          }
          if (op == MEAN) {
            acc = n > 0 ? acc / (float) n : 0f;
          }
        }
        case PROD -> {
          acc = 1f;
          for (int r = 0; r < n; r++) {
            acc *= LittleEndian.getFloat(in, b + 4 * rel[r]);
          }
        }
        case MAX -> {
          acc = -Float.MAX_VALUE;
          for (int r = 0; r < n; r++) {
            float x = LittleEndian.getFloat(in, b + 4 * rel[r]);
            acc = x > acc ? x : acc;
          }
        }
        case MIN -> {
          acc = Float.MAX_VALUE;
          for (int r = 0; r < n; r++) {
            float x = LittleEndian.getFloat(in, b + 4 * rel[r]);
            acc = x < acc ? x : acc;
          }
        }
        default -> throw new IllegalArgumentException("op " + op);
      }
      LittleEndian.setFloat(out, outOff + 4 * o, acc);
    }
  }

  /**
   * Integer sum/prod/max/min/mean on raw values of any integer type, wrapping like the C++ code
   * (TFLite accumulates in the element type or a wider one; the result modulo the type's width is
   * the same). MEAN divides with truncation toward zero.
   */
  public static void reduceInteger(
      int op, DataType type, byte[] in, int inOff, byte[] out, int outOff, ReducePlan plan) {
    int[] base = plan.outBase();
    int[] rel = plan.rel();
    int n = rel.length;
    int size = type.byteSize();
    long lowest = lowest(type);
    long highest = highest(type);
    for (int o = 0; o < base.length; o++) {
      int b = inOff + size * base[o];
      long acc;
      switch (op) {
        case SUM, MEAN -> {
          acc = 0;
          for (int r = 0; r < n; r++) {
            acc += load(in, b + size * rel[r], type);
          }
          if (op == MEAN) {
            acc = n > 0 ? acc / n : 0;
          }
        }
        case PROD -> {
          acc = 1;
          for (int r = 0; r < n; r++) {
            acc *= load(in, b + size * rel[r], type);
          }
        }
        case MAX -> {
          acc = lowest;
          for (int r = 0; r < n; r++) {
            long x = load(in, b + size * rel[r], type);
            acc = x > acc ? x : acc;
          }
        }
        case MIN -> {
          acc = highest;
          for (int r = 0; r < n; r++) {
            long x = load(in, b + size * rel[r], type);
            acc = x < acc ? x : acc;
          }
        }
        default -> throw new IllegalArgumentException("op " + op);
      }
      store(out, outOff + size * o, type, acc);
    }
  }

  /** Boolean any/all (bytes 0/1). */
  public static void reduceBool(
      int op, byte[] in, int inOff, byte[] out, int outOff, ReducePlan plan) {
    int[] base = plan.outBase();
    int[] rel = plan.rel();
    boolean any = op == ANY;
    for (int o = 0; o < base.length; o++) {
      int b = inOff + base[o];
      boolean acc = !any;
      for (int r = 0; r < rel.length; r++) {
        boolean x = in[b + rel[r]] != 0;
        acc = any ? (acc || x) : (acc && x);
      }
      out[outOff + o] = (byte) (acc ? 1 : 0);
    }
  }

  /**
   * TFLite reference QuantizedMeanOrSum, mean branch: integer sum, float mean, float rescale with
   * {@code roundf}, clamp to the type's range. {@code bias} is precomputed by the op.
   */
  public static void quantizedMeanFloat(
      DataType type,
      byte[] in,
      int inOff,
      byte[] out,
      int outOff,
      ReducePlan plan,
      float scale,
      float bias,
      int outZeroPoint) {
    int[] base = plan.outBase();
    int[] rel = plan.rel();
    int n = rel.length;
    int size = type.byteSize();
    float lo = lowest(type);
    float hi = highest(type);
    for (int o = 0; o < base.length; o++) {
      int b = inOff + size * base[o];
      if (n == 0) {
        store(out, outOff + size * o, type, 0);
        continue;
      }
      int sum = 0;
      for (int r = 0; r < n; r++) {
        sum += (int) load(in, b + size * rel[r], type);
      }
      float mean = (float) sum / (float) n;
      float result = Math.min(roundf(mean * scale + bias) + outZeroPoint, hi);
      result = Math.max(result, lo);
      store(out, outOff + size * o, type, (long) result);
    }
  }

  /**
   * TFLite reference QuantizedMeanOrSum, sum branch: float rescale of the integer sum, no clamping
   * (the C++ code casts, so out-of-range results wrap).
   */
  public static void quantizedSumFloat(
      DataType type,
      byte[] in,
      int inOff,
      byte[] out,
      int outOff,
      ReducePlan plan,
      float scale,
      float bias,
      int outZeroPoint) {
    int[] base = plan.outBase();
    int[] rel = plan.rel();
    int n = rel.length;
    int size = type.byteSize();
    for (int o = 0; o < base.length; o++) {
      int b = inOff + size * base[o];
      if (n == 0) {
        store(out, outOff + size * o, type, 0);
        continue;
      }
      int sum = 0;
      for (int r = 0; r < n; r++) {
        sum += (int) load(in, b + size * rel[r], type);
      }
      int value = (int) roundf((float) sum * scale + bias) + outZeroPoint;
      store(out, outOff + size * o, type, value);
    }
  }

  /**
   * TFLite optimized 4D mean over height and width (optimized_ops / optimized_integer_ops Mean):
   * raw integer sum, one fixed-point multiply, add a bias that folds both zero points, clamp.
   */
  public static void quantizedMeanMultiplier(
      DataType type,
      byte[] in,
      int inOff,
      byte[] out,
      int outOff,
      ReducePlan plan,
      int multiplier,
      int shift,
      int bias) {
    int[] base = plan.outBase();
    int[] rel = plan.rel();
    int n = rel.length;
    int size = type.byteSize();
    int lo = (int) lowest(type);
    int hi = (int) highest(type);
    for (int o = 0; o < base.length; o++) {
      int b = inOff + size * base[o];
      int acc = 0;
      for (int r = 0; r < n; r++) {
        acc += (int) load(in, b + size * rel[r], type);
      }
      acc = FixedPoint.multiplyByQuantizedMultiplier(acc, multiplier, shift) + bias;
      acc = Math.min(Math.max(acc, lo), hi);
      store(out, outOff + size * o, type, acc);
    }
  }

  /**
   * TFLite reference_integer_ops::Mean (4D, height and width): zero-point-corrected sum, rescaled
   * by input/output scale, divided by the count rounding half away from zero.
   */
  public static void integerMeanReference(
      DataType type,
      byte[] in,
      int inOff,
      byte[] out,
      int outOff,
      ReducePlan plan,
      int multiplier,
      int shift,
      int inZeroPoint,
      int outZeroPoint) {
    int[] base = plan.outBase();
    int[] rel = plan.rel();
    int n = rel.length;
    int size = type.byteSize();
    int lo = (int) lowest(type);
    int hi = (int) highest(type);
    for (int o = 0; o < base.length; o++) {
      int b = inOff + size * base[o];
      int acc = 0;
      for (int r = 0; r < n; r++) {
        acc += (int) load(in, b + size * rel[r], type) - inZeroPoint;
      }
      acc = FixedPoint.multiplyByQuantizedMultiplier(acc, multiplier, shift);
      acc = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
      acc += outZeroPoint;
      acc = Math.min(Math.max(acc, lo), hi);
      store(out, outOff + size * o, type, acc);
    }
  }

  /** C roundf: half away from zero, exact for every float. */
  public static float roundf(float x) {
    double r = Math.floor(Math.abs((double) x) + 0.5);
    return (float) Math.copySign(r, x);
  }

  public static long load(byte[] a, int off, DataType type) {
    return switch (type) {
      case INT8 -> a[off];
      case UINT8 -> a[off] & 0xff;
      case INT16 -> LittleEndian.getShort(a, off);
      case INT32 -> LittleEndian.getInt(a, off);
      case INT64 -> LittleEndian.getLong(a, off);
      default -> throw new IllegalArgumentException("type " + type);
    };
  }

  /** Stores the low bits of {@code v} (C++ integer conversion: wraps). */
  public static void store(byte[] a, int off, DataType type, long v) {
    switch (type) {
      case INT8, UINT8 -> a[off] = (byte) v;
      case INT16 -> LittleEndian.setShort(a, off, (short) v);
      case INT32 -> LittleEndian.setInt(a, off, (int) v);
      case INT64 -> LittleEndian.setLong(a, off, v);
      default -> throw new IllegalArgumentException("type " + type);
    }
  }

  public static long lowest(DataType type) {
    return switch (type) {
      case INT8 -> Byte.MIN_VALUE;
      case UINT8 -> 0;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT64 -> Long.MIN_VALUE;
      default -> throw new IllegalArgumentException("type " + type);
    };
  }

  public static long highest(DataType type) {
    return switch (type) {
      case INT8 -> Byte.MAX_VALUE;
      case UINT8 -> 255;
      case INT16 -> Short.MAX_VALUE;
      case INT32 -> Integer.MAX_VALUE;
      case INT64 -> Long.MAX_VALUE;
      default -> throw new IllegalArgumentException("type " + type);
    };
  }
}
