package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.kernels.LittleEndian;

/** Element-wise float32 functions, one loop per function. */
public final class FloatUnaryKernels {
  public static final int LOGISTIC = 0;
  public static final int TANH = 1;
  public static final int EXP = 2;
  public static final int LOG = 3;
  public static final int SQRT = 4;
  public static final int RSQRT = 5;
  public static final int ABS = 6;
  public static final int NEG = 7;
  public static final int FLOOR = 8;
  public static final int CEIL = 9;
  public static final int ROUND = 10;
  public static final int SQUARE = 11;
  public static final int RELU = 12;
  public static final int RELU6 = 13;
  public static final int RELU_N1_TO_1 = 14;
  public static final int HARD_SWISH = 15;

  private FloatUnaryKernels() {}

  /** out[i] = f(in[i]) for the function {@code op}. */
  public static void apply(int op, byte[] in, int inOff, byte[] out, int outOff, int n) {
    switch (op) {
      case LOGISTIC -> {
        for (int i = 0; i < n; i++) {
          float x = get(in, inOff, i);
          set(out, outOff, i, (float) (1.0 / (1.0 + Math.exp(-(double) x))));
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, (float) Math.tanh(get(in, inOff, i)));
        }
      }
      case EXP -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, (float) Math.exp(get(in, inOff, i)));
        }
      }
      case LOG -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, (float) Math.log(get(in, inOff, i)));
        }
      }
      case SQRT -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, (float) Math.sqrt(get(in, inOff, i)));
        }
      }
      case RSQRT -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, 1f / (float) Math.sqrt(get(in, inOff, i)));
        }
      }
      case ABS -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, Math.abs(get(in, inOff, i)));
        }
      }
      case NEG -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, -get(in, inOff, i));
        }
      }
      case FLOOR -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, (float) Math.floor(get(in, inOff, i)));
        }
      }
      case CEIL -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, (float) Math.ceil(get(in, inOff, i)));
        }
      }
      case ROUND -> {
        // TFLite RoundToNearest: halves to even.
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, (float) Math.rint(get(in, inOff, i)));
        }
      }
      case SQUARE -> {
        for (int i = 0; i < n; i++) {
          float x = get(in, inOff, i);
          set(out, outOff, i, x * x);
        }
      }
      case RELU -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, Math.max(0f, get(in, inOff, i)));
        }
      }
      case RELU6 -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, Math.min(6f, Math.max(0f, get(in, inOff, i))));
        }
      }
      case RELU_N1_TO_1 -> {
        for (int i = 0; i < n; i++) {
          set(out, outOff, i, Math.min(1f, Math.max(-1f, get(in, inOff, i))));
        }
      }
      case HARD_SWISH -> {
        for (int i = 0; i < n; i++) {
          float x = get(in, inOff, i);
          set(out, outOff, i, x * Math.min(6f, Math.max(0f, x + 3f)) / 6f);
        }
      }
      default -> throw new IllegalArgumentException("unknown float function " + op);
    }
  }

  private static float get(byte[] a, int off, int i) {
    return LittleEndian.getFloat(a, off + 4 * i);
  }

  private static void set(byte[] a, int off, int i, float v) {
    LittleEndian.setFloat(a, off + 4 * i, v);
  }
}
