package io.tflited.runtime.kernels.sequence;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.model.fb.ActivationFunctionType;

/**
 * One basic RNN step for one batch row (TFLite kernel_utils RnnBatchStep, float and hybrid):
 * out = act(bias + W x + R h), then h = out. Hybrid: x and h are quantized per row to int8 on the
 * fly (symmetric or asymmetric) and multiplied with int8 weights of per-tensor scale.
 */
public final class RnnCell {
  /** Packed weights and options; shared, read-only. */
  public static final class Params {
    public int nInput;
    public int nUnits;
    public int activation;
    public float[] inputWeights;
    public float[] recurrentWeights;
    public float[] bias;
    public boolean hybrid;
    public boolean asymmetric;
    public byte[] inputWeightsQ;
    public byte[] recurrentWeightsQ;
    public float inputScale;
    public float recurrentScale;
    public int[] inputRowSums;
    public int[] recurrentRowSums;
    /** Optional auxiliary input (bidirectional RNN): size 0 when absent. */
    public int nAux;
    public float[] auxWeights;
    public byte[] auxWeightsQ;
    public float auxScale;
    public int[] auxRowSums;
  }

  private RnnCell() {}

  private static int align4(int n) {
    return (n + 3) & ~3;
  }

  public static int scratchBytes(Params p) {
    return align4(Math.max(p.nInput, p.nAux)) + align4(p.nUnits) + 16;
  }

  public static void step(
      Params p, byte[] in, int inOff, byte[] h, int hOff, byte[] out, int outOff, byte[] s, int so) {
    step(p, in, inOff, null, 0, h, hOff, out, outOff, s, so);
  }

  /** A step with the auxiliary input row at aux[auxOff] (ignored when p.nAux == 0). */
  public static void step(Params p, byte[] in, int inOff, byte[] aux, int auxOff, byte[] h, int hOff,
      byte[] out, int outOff, byte[] s, int so) {
    final int n = p.nUnits;
    for (int u = 0; u < n; u++) {
      LittleEndian.setFloat(out, outOff + 4 * u, p.bias[u]);
    }
    if (p.hybrid) {
      final int qIn = so;
      final int qH = so + align4(Math.max(p.nInput, p.nAux));
      final int meta = qH + align4(n);
      if (!isZero(in, inOff, p.nInput)) {
        HybridQuant.quantizeRow(in, inOff, p.nInput, s, qIn, p.asymmetric, s, meta);
        float scale = LittleEndian.getFloat(s, meta) * p.inputScale;
        int zp = LittleEndian.getInt(s, meta + 4);
        HybridQuant.matVecAccumulate(p.inputWeightsQ, n, p.nInput, s, qIn, zp, p.inputRowSums, scale, out, outOff);
      }
      if (p.nAux > 0 && !isZero(aux, auxOff, p.nAux)) {
        HybridQuant.quantizeRow(aux, auxOff, p.nAux, s, qIn, p.asymmetric, s, meta);
        float scale = LittleEndian.getFloat(s, meta) * p.auxScale;
        int zp = LittleEndian.getInt(s, meta + 4);
        HybridQuant.matVecAccumulate(p.auxWeightsQ, n, p.nAux, s, qIn, zp, p.auxRowSums, scale, out, outOff);
      }
      if (!isZero(h, hOff, n)) {
        HybridQuant.quantizeRow(h, hOff, n, s, qH, p.asymmetric, s, meta);
        float scale = LittleEndian.getFloat(s, meta) * p.recurrentScale;
        int zp = LittleEndian.getInt(s, meta + 4);
        HybridQuant.matVecAccumulate(p.recurrentWeightsQ, n, n, s, qH, zp, p.recurrentRowSums, scale, out, outOff);
      }
    } else {
      matVec(p.inputWeights, n, p.nInput, in, inOff, out, outOff);
      if (p.nAux > 0) {
        matVec(p.auxWeights, n, p.nAux, aux, auxOff, out, outOff);
      }
      matVec(p.recurrentWeights, n, n, h, hOff, out, outOff);
    }
    for (int u = 0; u < n; u++) {
      float v = activate(LittleEndian.getFloat(out, outOff + 4 * u), p.activation);
      LittleEndian.setFloat(out, outOff + 4 * u, v);
      LittleEndian.setFloat(h, hOff + 4 * u, v);
    }
  }

  private static boolean isZero(byte[] a, int off, int n) {
    for (int i = 0; i < n; i++) {
      if (LittleEndian.getFloat(a, off + 4 * i) != 0f) {
        return false;
      }
    }
    return true;
  }

  /** res[r] += dot(w[r], x), the dot summed from zero. */
  private static void matVec(float[] w, int rows, int cols, byte[] x, int xOff, byte[] res, int resOff) {
    for (int r = 0; r < rows; r++) {
      float dot = 0f;
      int wo = r * cols;
      for (int k = 0; k < cols; k++) {
        dot += w[wo + k] * LittleEndian.getFloat(x, xOff + 4 * k);
      }
      int o = resOff + 4 * r;
      LittleEndian.setFloat(res, o, LittleEndian.getFloat(res, o) + dot);
    }
  }

  /** TFLite ApplyActivationToVector (SIGN_BIT: std::signbit, 1 for negative values). */
  public static float activate(float x, int activation) {
    return switch (activation) {
      case ActivationFunctionType.NONE -> x;
      case ActivationFunctionType.RELU -> Math.max(0f, x);
      case ActivationFunctionType.RELU6 -> Math.max(0f, Math.min(6f, x));
      case ActivationFunctionType.RELU_N1_TO_1 -> Math.max(-1f, Math.min(1f, x));
      case ActivationFunctionType.TANH -> (float) Math.tanh(x);
      case ActivationFunctionType.SIGN_BIT -> (Float.floatToRawIntBits(x) < 0) ? 1f : 0f;
      default -> 1.0f / (1.0f + (float) Math.exp(-x));
    };
  }
}
