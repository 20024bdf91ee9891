package io.tflited.runtime.kernels.sequence;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.model.fb.ActivationFunctionType;

/**
 * One float or hybrid LSTM step for one batch row (TFLite lstm_eval.cc LstmStepFloat and
 * LstmStepHybrid), with TFLite's order of float operations: gate = bias (+ input matmul)
 * (+ recurrent matmul) (+ peephole), each matmul summed from zero before it is added.
 */
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
    /** Peephole weights as floats (hybrid: int8 times scale, as TFLite recovers them). */
    public final float[][] cellWeights = new float[4][];
    public final float[][] bias = new float[4][];
    public final float[][] layerNormWeights = new float[4][];
    public float[] projectionWeights;
    public float[] projectionBias;
    /** Hybrid: int8 weights with per-tensor scales; inputs quantized on the fly. */
    public boolean hybrid;
    public boolean asymmetric;
    public final byte[][] inputWeightsQ = new byte[4][];
    public final byte[][] recurrentWeightsQ = new byte[4][];
    public final float[] inputScales = new float[4];
    public final float[] recurrentScales = new float[4];
    public final int[][] inputRowSums = new int[4][];
    public final int[][] recurrentRowSums = new int[4][];
    public byte[] projectionWeightsQ;
    public float projectionScale;
    public int[] projectionRowSums;
    /** Optional auxiliary input (bidirectional LSTM cross-linking): nAux 0 when absent. */
    public int nAux;
    public final float[][] auxWeights = new float[4][];
    public final byte[][] auxWeightsQ = new byte[4][];
    public final float[] auxScales = new float[4];
    public final int[][] auxRowSums = new int[4][];
  }

  private LstmFloat() {}

  private static int align4(int n) {
    return (n + 3) & ~3;
  }

  public static int scratchBytes(Params p) {
    return 4 * 5 * p.nCell + align4(Math.max(p.nInput, p.nAux)) + align4(p.nOutput) + align4(p.nCell) + 32;
  }

  public static void step(
      Params p,
      byte[] in, int inOff,
      byte[] state, int stateOff,
      byte[] cell, int cellOff,
      byte[] out, int outOff,
      byte[] s, int so) {
    step(p, in, inOff, null, 0, state, stateOff, cell, cellOff, out, outOff, s, so);
  }

  /** A step with the auxiliary input row at aux[auxOff] (ignored when p.nAux == 0). */
  public static void step(
      Params p,
      byte[] in, int inOff,
      byte[] aux, int auxOff,
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
    final int qIn = so + 20 * nCell;
    final int qState = qIn + align4(Math.max(p.nInput, p.nAux));
    final int qHidden = qState + align4(p.nOutput);
    final int meta = qHidden + align4(p.nCell);

    for (int g = 0; g < 4; g++) {
      if (g == INPUT && p.useCifg) {
        continue;
      }
      int go = so + 4 * g * nCell;
      for (int c = 0; c < nCell; c++) {
        set(s, go, c, p.useLayerNorm ? 0f : p.bias[g][c]);
      }
    }
    if (p.hybrid) {
      HybridQuant.quantizeRow(in, inOff, p.nInput, s, qIn, p.asymmetric, s, meta);
      float inScale = LittleEndian.getFloat(s, meta);
      int inZp = LittleEndian.getInt(s, meta + 4);
      HybridQuant.quantizeRow(state, stateOff, p.nOutput, s, qState, p.asymmetric, s, meta + 8);
      float stScale = LittleEndian.getFloat(s, meta + 8);
      int stZp = LittleEndian.getInt(s, meta + 12);
      for (int g = 0; g < 4; g++) {
        if (g == INPUT && p.useCifg) {
          continue;
        }
        HybridQuant.matVecAccumulate(p.inputWeightsQ[g], nCell, p.nInput, s, qIn, inZp,
            p.inputRowSums[g], inScale * p.inputScales[g], s, so + 4 * g * nCell);
      }
      if (p.nAux > 0) {
        HybridQuant.quantizeRow(aux, auxOff, p.nAux, s, qIn, p.asymmetric, s, meta);
        float auxScale = LittleEndian.getFloat(s, meta);
        int auxZp = LittleEndian.getInt(s, meta + 4);
        for (int g = 0; g < 4; g++) {
          if (g == INPUT && p.useCifg) {
            continue;
          }
          HybridQuant.matVecAccumulate(p.auxWeightsQ[g], nCell, p.nAux, s, qIn, auxZp,
              p.auxRowSums[g], auxScale * p.auxScales[g], s, so + 4 * g * nCell);
        }
      }
      for (int g = 0; g < 4; g++) {
        if (g == INPUT && p.useCifg) {
          continue;
        }
        HybridQuant.matVecAccumulate(p.recurrentWeightsQ[g], nCell, p.nOutput, s, qState, stZp,
            p.recurrentRowSums[g], stScale * p.recurrentScales[g], s, so + 4 * g * nCell);
      }
    } else {
      for (int g = 0; g < 4; g++) {
        if (g == INPUT && p.useCifg) {
          continue;
        }
        matVec(p.inputWeights[g], nCell, p.nInput, in, inOff, s, so + 4 * g * nCell);
      }
      for (int g = 0; g < 4 && p.nAux > 0; g++) {
        if (g == INPUT && p.useCifg) {
          continue;
        }
        matVec(p.auxWeights[g], nCell, p.nAux, aux, auxOff, s, so + 4 * g * nCell);
      }
      for (int g = 0; g < 4; g++) {
        if (g == INPUT && p.useCifg) {
          continue;
        }
        matVec(p.recurrentWeights[g], nCell, p.nOutput, state, stateOff, s, so + 4 * g * nCell);
      }
    }
    if (!p.useCifg) {
      finishGate(p, INPUT, cell, cellOff, s, iOff);
      for (int c = 0; c < nCell; c++) {
        set(s, iOff, c, sigmoid(get(s, iOff, c)));
      }
    }
    finishGate(p, FORGET, cell, cellOff, s, fOff);
    for (int c = 0; c < nCell; c++) {
      set(s, fOff, c, sigmoid(get(s, fOff, c)));
    }
    // Cell: c = f * c; g = act(g); c += g * i (i = 1 - f with CIFG); clip.
    if (p.useLayerNorm) {
      layerNorm(p, CELL, s, gOff);
    }
    for (int c = 0; c < nCell; c++) {
      float f = get(s, fOff, c);
      float i = p.useCifg ? 1.0f - f : get(s, iOff, c);
      float g = activate(get(s, gOff, c), p.activation);
      float cs = f * get(cell, cellOff, c);
      cs += g * i;
      if (p.cellClip > 0) {
        cs = Math.max(-p.cellClip, Math.min(p.cellClip, cs));
      }
      set(cell, cellOff, c, cs);
    }
    finishGate(p, OUTPUT, cell, cellOff, s, oOff);
    for (int c = 0; c < nCell; c++) {
      float o = sigmoid(get(s, oOff, c));
      set(s, hOff, c, o * activate(get(cell, cellOff, c), p.activation));
    }
    final int nOutput = p.nOutput;
    if (p.useProjection) {
      for (int r = 0; r < nOutput; r++) {
        set(out, outOff, r, p.projectionBias == null ? 0f : p.projectionBias[r]);
      }
      if (p.hybrid) {
        HybridQuant.quantizeRow(s, hOff, nCell, s, qHidden, p.asymmetric, s, meta);
        float hScale = LittleEndian.getFloat(s, meta);
        int hZp = LittleEndian.getInt(s, meta + 4);
        HybridQuant.matVecAccumulate(p.projectionWeightsQ, nOutput, nCell, s, qHidden, hZp,
            p.projectionRowSums, hScale * p.projectionScale, out, outOff);
      } else {
        matVec(p.projectionWeights, nOutput, nCell, s, hOff, out, outOff);
      }
      if (p.projClip > 0) {
        for (int r = 0; r < nOutput; r++) {
          set(out, outOff, r, Math.max(-p.projClip, Math.min(p.projClip, get(out, outOff, r))));
        }
      }
    } else {
      System.arraycopy(s, hOff, out, outOff, 4 * nOutput);
    }
    System.arraycopy(out, outOff, state, stateOff, 4 * nOutput);
  }

  /** result[r] += dot(w[r], x) with the dot summed from zero. */
  private static void matVec(float[] w, int rows, int cols, byte[] x, int xOff, byte[] res, int resOff) {
    for (int r = 0; r < rows; r++) {
      float dot = 0f;
      int wo = r * cols;
      for (int k = 0; k < cols; k++) {
        dot += w[wo + k] * get(x, xOff, k);
      }
      set(res, resOff, r, get(res, resOff, r) + dot);
    }
  }

  /** Peephole and layer norm of a gate's pre-activation. */
  private static void finishGate(Params p, int g, byte[] cell, int cellOff, byte[] s, int go) {
    final float[] wc = p.usePeephole ? p.cellWeights[g] : null;
    if (wc != null) {
      for (int c = 0; c < p.nCell; c++) {
        set(s, go, c, get(s, go, c) + wc[c] * get(cell, cellOff, c));
      }
    }
    if (p.useLayerNorm) {
      layerNorm(p, g, s, go);
    }
  }

  /** MeanStddevNormalization, times the coefficients, plus the gate bias. */
  private static void layerNorm(Params p, int g, byte[] s, int go) {
    final int nCell = p.nCell;
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
    float inv = 1.0f / (float) Math.sqrt(variance + 1e-8f);
    float[] lw = p.layerNormWeights[g];
    float[] b = p.bias[g];
    for (int c = 0; c < nCell; c++) {
      float v = (get(s, go, c) - mean) * inv;
      v = lw[c] * v;
      set(s, go, c, v + b[c]);
    }
  }

  private static float get(byte[] a, int off, int i) {
    return LittleEndian.getFloat(a, off + 4 * i);
  }

  private static void set(byte[] a, int off, int i, float v) {
    LittleEndian.setFloat(a, off + 4 * i, v);
  }

  private static float sigmoid(float x) {
    return 1.0f / (1.0f + (float) Math.exp(-x));
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
      default -> sigmoid(x);
    };
  }
}
