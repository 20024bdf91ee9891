package io.tflited.runtime.kernels.sequence;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.model.fb.ActivationFunctionType;

/** One float LSTM step for one batch row (TFLite lstm_eval.cc LstmStepFloat). */
public final class LstmFloat {
  public static final int INPUT = 0;
  public static final int FORGET = 1;
  public static final int CELL = 2;
  public static final int OUTPUT = 3;

  /** Packed weights and options; shared, read-only. */
  public static final class Params {
    public int nInput;
    public int nCell;
    public int nOutput;
    public boolean useCifg;
    public boolean usePeephole;
    public boolean useLayerNorm;
    public boolean useProjection;
    public int activation;
    public float cellClip;
    public float projClip;
    public final float[][] inputWeights = new float[4][];
    public final float[][] recurrentWeights = new float[4][];
    public final float[][] cellWeights = new float[4][];
    public final float[][] bias = new float[4][];
    public final float[][] layerNormWeights = new float[4][];
    public float[] projectionWeights;
    public float[] projectionBias;
  }

  private LstmFloat() {}

  public static int scratchBytes(Params p) {
    return 4 * 5 * p.nCell + 8;
  }

  public static void step(
      Params p,
      byte[] in, int inOff,
      byte[] state, int stateOff,
      byte[] cell, int cellOff,
      byte[] out, int outOff,
      byte[] s, int so) {
    final int nCell = p.nCell;
    final int iOff = so;
    final int fOff = so + 4 * nCell;
    final int gOff = so + 8 * nCell;
    final int oOff = so + 12 * nCell;
    final int hOff = so + 16 * nCell;
    if (!p.useCifg) {
      gate(p, INPUT, in, inOff, state, stateOff, cell, cellOff, s, iOff);
      for (int c = 0; c < nCell; c++) {
        set(s, iOff, c, sigmoid(get(s, iOff, c)));
      }
    }
    gate(p, FORGET, in, inOff, state, stateOff, cell, cellOff, s, fOff);
    for (int c = 0; c < nCell; c++) {
      set(s, fOff, c, sigmoid(get(s, fOff, c)));
    }
    gate(p, CELL, in, inOff, state, stateOff, cell, cellOff, s, gOff);
    for (int c = 0; c < nCell; c++) {
      float f = get(s, fOff, c);
      float i = p.useCifg ? 1.0f - f : get(s, iOff, c);
      float g = activate(get(s, gOff, c), p.activation);
      float cs = f * get(cell, cellOff, c) + i * g;
      if (p.cellClip > 0) {
        cs = Math.max(-p.cellClip, Math.min(p.cellClip, cs));
      }
      set(cell, cellOff, c, cs);
    }
    gate(p, OUTPUT, in, inOff, state, stateOff, cell, cellOff, s, oOff);
    for (int c = 0; c < nCell; c++) {
      float o = sigmoid(get(s, oOff, c));
      set(s, hOff, c, o * activate(get(cell, cellOff, c), p.activation));
    }
    final int nOutput = p.nOutput;
    if (p.useProjection) {
      final float[] w = p.projectionWeights;
      for (int r = 0; r < nOutput; r++) {
        float acc = p.projectionBias == null ? 0f : p.projectionBias[r];
        int wo = r * nCell;
        for (int c = 0; c < nCell; c++) {
          acc += w[wo + c] * get(s, hOff, c);
        }
        if (p.projClip > 0) {
          acc = Math.max(-p.projClip, Math.min(p.projClip, acc));
        }
        set(out, outOff, r, acc);
      }
    } else {
      System.arraycopy(s, hOff, out, outOff, 4 * nOutput);
    }
    System.arraycopy(out, outOff, state, stateOff, 4 * nOutput);
  }

  private static void gate(
      Params p, int g,
      byte[] in, int inOff,
      byte[] state, int stateOff,
      byte[] cell, int cellOff,
      byte[] s, int go) {
    final int nCell = p.nCell;
    final int nInput = p.nInput;
    final int nOutput = p.nOutput;
    final float[] wi = p.inputWeights[g];
    final float[] wr = p.recurrentWeights[g];
    final float[] b = p.bias[g];
    final float[] wc = p.usePeephole ? p.cellWeights[g] : null;
    for (int c = 0; c < nCell; c++) {
      float acc = p.useLayerNorm ? 0f : b[c];
      int wo = c * nInput;
      for (int k = 0; k < nInput; k++) {
        acc += wi[wo + k] * get(in, inOff, k);
      }
      wo = c * nOutput;
      for (int k = 0; k < nOutput; k++) {
        acc += wr[wo + k] * get(state, stateOff, k);
      }
      if (wc != null) {
        acc += wc[c] * get(cell, cellOff, c);
      }
      set(s, go, c, acc);
    }
    if (p.useLayerNorm) {
      float sum = 0f;
      for (int c = 0; c < nCell; c++) {
        sum += get(s, go, c);
      }
      float mean = sum / nCell;
      float sumDiffSq = 0f;
      for (int c = 0; c < nCell; c++) {
        float d = get(s, go, c) - mean;
        sumDiffSq += d * d;
      }
      float variance = sumDiffSq / nCell;
      float inv = (float) (1.0 / Math.sqrt(variance + 1e-8f));
      float[] lw = p.layerNormWeights[g];
      for (int c = 0; c < nCell; c++) {
        set(s, go, c, (get(s, go, c) - mean) * inv * lw[c] + b[c]);
      }
    }
  }

  private static float get(byte[] a, int off, int i) {
    return LittleEndian.getFloat(a, off + 4 * i);
  }

  private static void set(byte[] a, int off, int i, float v) {
    LittleEndian.setFloat(a, off + 4 * i, v);
  }

  private static float sigmoid(float x) {
    return (float) (1.0 / (1.0 + Math.exp(-x)));
  }

  /** TFLite ApplyActivationToVector for the LSTM's cell activation. */
  public static float activate(float x, int activation) {
    return switch (activation) {
      case ActivationFunctionType.NONE -> x;
      case ActivationFunctionType.RELU -> Math.max(0f, x);
      case ActivationFunctionType.RELU6 -> Math.max(0f, Math.min(6f, x));
      case ActivationFunctionType.RELU_N1_TO_1 -> Math.max(-1f, Math.min(1f, x));
      case ActivationFunctionType.TANH -> (float) Math.tanh(x);
      case ActivationFunctionType.SIGN_BIT -> Math.signum(x);
      default -> (float) (1.0 / (1.0 + Math.exp(-x)));
    };
  }
}
