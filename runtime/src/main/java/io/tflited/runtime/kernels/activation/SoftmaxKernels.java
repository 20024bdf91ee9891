package io.tflited.runtime.kernels.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;

/**
 * SOFTMAX loops. The quantized variants reproduce TFLite 2.4.1's optimized kernel (the one its
 * default resolver runs on x86-64): a 256-entry float table of {@code expf(-scale*beta*d)},
 * float accumulation, and float rescaling, not the reference fixed-point algorithm.
 */
public final class SoftmaxKernels {
  private SoftmaxKernels() {}

  /** Float softmax over rows of length {@code depth}: exp((x - max) * beta) / sum. */
  public static void softmaxFloat(
      byte[] in, int inOff, byte[] out, int outOff, int rows, int depth, float beta) {
    for (int r = 0; r < rows; r++) {
      int ib = inOff + 4 * r * depth;
      int ob = outOff + 4 * r * depth;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < depth; j++) {
        max = Math.max(max, LittleEndian.getFloat(in, ib + 4 * j));
      }
      float sum = 0f;
      for (int j = 0; j < depth; j++) {
        float e = (float) Math.exp((LittleEndian.getFloat(in, ib + 4 * j) - max) * beta);
        LittleEndian.setFloat(out, ob + 4 * j, e);
        sum += e;
      }
      float inv = 1f / sum;
      for (int j = 0; j < depth; j++) {
        LittleEndian.setFloat(out, ob + 4 * j, LittleEndian.getFloat(out, ob + 4 * j) * inv);
      }
    }
  }

  /**
   * TFLite PopulateSoftmaxLookupTable: {@code table[255 - d] = expf(-inputScale * beta * d)}
   * for d in [0, 255], all in float.
   */
  public static float[] lookupTable(float inputScale, float beta) {
    float scale = -inputScale * beta;
    float[] table = new float[256];
    for (int d = 0; d <= 255; d++) {
      table[255 - d] = (float) Math.exp(scale * d);
    }
    return table;
  }

  /**
   * Quantized softmax of int8 or uint8 input to int8, uint8 or int16 output. For uint8
   * output TFLite (x86) adds 0.5 and truncates and ignores the zero point; otherwise it
   * rounds half away from zero and adds the zero point.
   */
  public static void softmaxQuantized(
      byte[] in, int inOff, DataType inType, byte[] out, int outOff, DataType outType,
      int rows, int depth, float[] table, float outScale, int outZeroPoint) {
    boolean signed = inType == DataType.INT8;
    int min = QuantizedElements.min(outType);
    int max = QuantizedElements.max(outType);
    for (int r = 0; r < rows; r++) {
      int ib = inOff + r * depth;
      int maxVal = signed ? -128 : 0;
      for (int j = 0; j < depth; j++) {
        int x = signed ? in[ib + j] : in[ib + j] & 0xff;
        maxVal = Math.max(maxVal, x);
      }
      int base = 255 - maxVal;
      float sum = 0f;
      for (int j = 0; j < depth; j++) {
        int x = signed ? in[ib + j] : in[ib + j] & 0xff;
        sum += table[base + x];
      }
      float inv = 1.0f / (sum * outScale);
      for (int j = 0; j < depth; j++) {
        int x = signed ? in[ib + j] : in[ib + j] & 0xff;
        float p = table[base + x] * inv;
        int q;
        if (outType == DataType.UINT8) {
          q = QuantizedElements.x86FloatToInt(p + 0.5f);
        } else {
          q = QuantizedElements.x86FloatToInt(roundf(p)) + outZeroPoint;
        }
        q = Math.max(Math.min(max, q), min);
        QuantizedElements.set(out, outOff + (outType == DataType.INT16 ? 2 * r * depth : r * depth),
            j, outType, q);
      }
    }
  }

  /** C's roundf: halves away from zero, exact for every float. */
  public static float roundf(float v) {
    if (Float.isNaN(v) || Float.isInfinite(v) || Math.abs(v) >= 0x1p23f) {
      return v;
    }
    float t = (float) Math.floor(Math.abs(v));
    if (Math.abs(v) - t >= 0.5f) {
      t += 1f;
    }
    return Math.copySign(t, v);
  }

  /** Entries of TFLite's int16 softmax tables (512 samples plus one for the last slope). */
  public static final int INT16_LUT_SIZE = 513;

  /**
   * TFLite gen_lut: samples of {@code f} on [min, max] in Q0.15, each nudged by half the
   * interpolation error at its interval's midpoint.
   */
  public static short[] int16Lut(java.util.function.DoubleUnaryOperator f, double min, double max) {
    int num = INT16_LUT_SIZE;
    short[] table = new short[num];
    double step = (max - min) / (num - 1);
    double halfStep = step / 2.0;
    for (int i = 0; i < num - 1; i++) {
      double sample = QuantizeKernels.roundHalfAwayFromZero(f.applyAsDouble(min + i * step) * 32768.0);
      double midpointInterp = QuantizeKernels.roundHalfAwayFromZero(
          (f.applyAsDouble(min + (i + 1) * step) * 32768.0
              + QuantizeKernels.roundHalfAwayFromZero(f.applyAsDouble(min + i * step) * 32768.0)) / 2.0);
      double midpoint = QuantizeKernels.roundHalfAwayFromZero(
          f.applyAsDouble(min + i * step + halfStep) * 32768.0);
      double bias = QuantizeKernels.roundHalfAwayFromZero((midpointInterp - midpoint) / 2.0);
      table[i] = (short) Math.min(Math.max(sample - bias, -32768.0), 32767.0);
    }
    table[num - 1] = (short) Math.min(Math.max(
        QuantizeKernels.roundHalfAwayFromZero(f.applyAsDouble(max) * 32768.0), -32768.0), 32767.0);
    return table;
  }

  /** TFLite generic_int16_table_lookup: linear interpolation between 512 Q0.15 samples. */
  static int int16Lookup(int value, short[] lut) {
    int index = 256 + (value >> 7);
    int offset = value & 0x7f;
    int base = lut[index];
    short slope = (short) (lut[index + 1] - lut[index]);
    int delta = (slope * offset + 64) >> 7;
    return (short) (base + delta);
  }

  private static int int16Exp(int x, int max, int multiplier, int shift, short[] expLut) {
    int scaled = io.tflited.runtime.quant.FixedPoint.multiplyByQuantizedMultiplier(x - max, multiplier, shift);
    int sym = Math.min(Math.max(scaled + 32767, -32768), 32767);
    return int16Lookup(sym, expLut);
  }

  /** TFLite SoftmaxInt16: int16 input, int16 output with scale 2^-15 and zero point 0. */
  public static void softmaxInt16(
      byte[] in, int inOff, byte[] out, int outOff, int rows, int depth, int multiplier,
      int shift, short[] expLut, short[] oneOverOnePlusXLut) {
    for (int r = 0; r < rows; r++) {
      int ib = inOff + 2 * r * depth;
      int ob = outOff + 2 * r * depth;
      int max = Short.MIN_VALUE;
      for (int j = 0; j < depth; j++) {
        max = Math.max(max, LittleEndian.getShort(in, ib + 2 * j));
      }
      int sum = 0;
      for (int j = 0; j < depth; j++) {
        sum += int16Exp(LittleEndian.getShort(in, ib + 2 * j), max, multiplier, shift, expLut);
      }
      int headroomPlusOne = Integer.numberOfLeadingZeros(sum);
      int shiftedSum = (int) ((((long) sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
      int symShiftedSum = shiftedSum - ((1 << 15) + (1 << 16));
      int sat = Math.min(Math.max(symShiftedSum, -32768), 32767);
      int reciprocal = int16Lookup(sat, oneOverOnePlusXLut);
      int rightShift = 31 - headroomPlusOne;
      long round = 1L << (rightShift - 1);
      for (int j = 0; j < depth; j++) {
        int e = int16Exp(LittleEndian.getShort(in, ib + 2 * j), max, multiplier, shift, expLut);
        int result = (int) (((long) e * reciprocal + round) >> rightShift);
        LittleEndian.setShort(out, ob + 2 * j, (short) Math.min(Math.max(result, 0), 32767));
      }
    }
  }
}
