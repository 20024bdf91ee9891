package io.tflited.runtime.kernels.sequence;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.vector.DotVector;
import io.tflited.runtime.kernels.vector.VectorWarmup;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.InverseSqrt;
import io.tflited.runtime.quant.SequenceFixedPoint;

/**
 * One step of TFLite's fully quantized LSTM (8x8_16: int8 activations and weights, int16 cell
 * state and gates) for one batch row, as lstm_eval.cc LstmStepInteger8x8_16 with the portable
 * tensor_utils kernels.
 */
public final class LstmInteger {
  /** Gate order inside the arrays below. */
  public static final int INPUT = 0;
  public static final int FORGET = 1;
  public static final int CELL = 2;
  public static final int OUTPUT = 3;

  /** Everything precomputed at prepare; shared, read-only. */
  public static final class Params {
    public int nInput;
    public int nCell;
    public int nOutput;
    public boolean useCifg;
    public boolean usePeephole;
    public boolean useLayerNorm;
    public boolean useProjection;
    /** input-to-gate and recurrent-to-gate weights, row-major [nCell][nInput|nOutput]. */
    public final byte[][] inputWeights = new byte[4][];
    public final byte[][] recurrentWeights = new byte[4][];
    /** Bias (when no layer norm) plus zero-point times weights. */
    public final int[][] inputEffectiveBias = new int[4][];
    public final int[][] recurrentEffectiveBias = new int[4][];
    public final int[] inputScaleA = new int[4];
    public final int[] inputScaleB = new int[4];
    public final int[] recurrentScaleA = new int[4];
    public final int[] recurrentScaleB = new int[4];
    /** Peephole weights (int16), FORGET/INPUT/OUTPUT. */
    public final short[][] cellWeights = new short[4][];
    public final int[] cellScaleA = new int[4];
    public final int[] cellScaleB = new int[4];
    /** Layer norm coefficients (int16), gate biases (int32) for layer norm. */
    public final short[][] layerNormWeights = new short[4][];
    public final int[][] gateBias = new int[4][];
    public final int[] layerNormScaleA = new int[4];
    public final int[] layerNormScaleB = new int[4];
    public final int[] varianceGuard = new int[4];
    public byte[] projectionWeights;
    public int[] projectionEffectiveBias;
    public int projScaleA;
    public int projScaleB;
    public int hiddenScaleA;
    public int hiddenScaleB;
    public int hiddenZp;
    public int outputStateZp;
    public int cellScale;
    public int quantizedCellClip;
    public int quantizedProjClip;
    /** TFLite 2.4.1 stores hidden as value - zp; later releases as value + zp. */
    public boolean hiddenZpSubtracts = true;
    /** Dot products with the Vector API ({@link DotVector}; same int32 sums). */
    public boolean vectorDot;
  }

  private LstmInteger() {}

  /** Scratch bytes needed for one step: 4 int16 gate rows and one int8 hidden row. */
  public static int scratchBytes(Params p, int nBatch) {
    return (4 * 2 * p.nCell + p.nCell) * nBatch + 8;
  }

  /**
   * Runs one step for {@code nBatch} consecutive batch rows (input, state, cell and output rows
   * contiguous). Gates live in {@code s} at {@code so} (int16, gate g at so + 2*g*nBatch*nCell),
   * hidden int8 after them.
   */
  public static void step(
      Params p, int nBatch,
      byte[] in, int inOff,
      byte[] state, int stateOff,
      byte[] cell, int cellOff,
      byte[] out, int outOff,
      byte[] s, int so) {
    final int nCell = p.nCell;
    final int n = nBatch * nCell;
    final int fOff = so + 2 * FORGET * n;
    final int gOff = so + 2 * CELL * n;
    final int iOff = so + 2 * INPUT * n;
    final int oOff = so + 2 * OUTPUT * n;
    final int hOff = so + 8 * n;

    // Forget gate.
    gate(p, FORGET, nBatch, in, inOff, state, stateOff, cell, cellOff, s, fOff);
    sigmoid(s, fOff, n);
    // Cell gate.
    gate(p, CELL, nBatch, in, inOff, state, stateOff, cell, cellOff, s, gOff);
    for (int c = 0; c < n; c++) {
      int o = gOff + 2 * c;
      LittleEndian.setShort(s, o, (short) SequenceFixedPoint.tanh16(LittleEndian.getShort(s, o), 3));
    }
    // Input gate.
    if (p.useCifg) {
      for (int c = 0; c < n; c++) {
        LittleEndian.setShort(s, iOff + 2 * c, (short) (32767 - LittleEndian.getShort(s, fOff + 2 * c)));
      }
    } else {
      gate(p, INPUT, nBatch, in, inOff, state, stateOff, cell, cellOff, s, iOff);
      sigmoid(s, iOff, n);
    }
    // New cell state.
    final int shift2 = 30 + p.cellScale;
    for (int c = 0; c < n; c++) {
      int f = LittleEndian.getShort(s, fOff + 2 * c);
      int i = LittleEndian.getShort(s, iOff + 2 * c);
      int g = LittleEndian.getShort(s, gOff + 2 * c);
      int co = cellOff + 2 * c;
      int cs = LittleEndian.getShort(cell, co);
      int a = (short) FixedPoint.roundingDivideByPot(f * cs, 15);
      int b = (short) FixedPoint.roundingDivideByPot(i * g, shift2);
      int sum = Math.max(-32768, Math.min(32767, a + b));
      if (p.quantizedCellClip > 0) {
        sum = Math.max(-p.quantizedCellClip, Math.min(p.quantizedCellClip, sum));
      }
      LittleEndian.setShort(cell, co, (short) sum);
    }
    // Output gate (peephole sees the new cell state).
    gate(p, OUTPUT, nBatch, in, inOff, state, stateOff, cell, cellOff, s, oOff);
    sigmoid(s, oOff, n);
    // Hidden = output_gate * tanh(cell), requantized to int8.
    final int tanhBits = 15 + p.cellScale;
    for (int c = 0; c < n; c++) {
      int t = SequenceFixedPoint.tanh16(LittleEndian.getShort(cell, cellOff + 2 * c), tanhBits);
      int o = LittleEndian.getShort(s, oOff + 2 * c);
      int v = FixedPoint.multiplyByQuantizedMultiplier(o * t, p.hiddenScaleA, p.hiddenScaleB);
      v = p.hiddenZpSubtracts ? v - p.hiddenZp : v + p.hiddenZp;
      s[hOff + c] = (byte) Math.max(-128, Math.min(127, v));
    }
    final int nOutput = p.nOutput;
    if (p.useProjection) {
      final byte[] w = p.projectionWeights;
      final int[] bias = p.projectionEffectiveBias;
      for (int b = 0; b < nBatch; b++) {
        int ho = hOff + b * nCell;
        for (int r = 0; r < nOutput; r++) {
          int acc = bias[r] + dot(p, s, ho, w, r * nCell, nCell);
          acc = FixedPoint.multiplyByQuantizedMultiplier(acc, p.projScaleA, p.projScaleB);
          acc += p.outputStateZp;
          acc = Math.max(-128, Math.min(127, acc));
          if (p.quantizedProjClip > 0) {
            acc = Math.max(-p.quantizedProjClip, Math.min(p.quantizedProjClip, acc));
          }
          out[outOff + b * nOutput + r] = (byte) acc;
        }
      }
    } else {
      System.arraycopy(s, hOff, out, outOff, nBatch * nOutput);
    }
    System.arraycopy(out, outOff, state, stateOff, nBatch * nOutput);
  }

  /** Gate pre-activation for all rows: matmuls, peephole, layer norm; int16 at s[go]. */
  private static void gate(
      Params p, int g, int nBatch,
      byte[] in, int inOff,
      byte[] state, int stateOff,
      byte[] cell, int cellOff,
      byte[] s, int go) {
    final int nCell = p.nCell;
    final int nInput = p.nInput;
    final int nOutput = p.nOutput;
    final byte[] wi = p.inputWeights[g];
    final byte[] wr = p.recurrentWeights[g];
    final int[] bi = p.inputEffectiveBias[g];
    final int[] br = p.recurrentEffectiveBias[g];
    for (int b = 0; b < nBatch; b++) {
      final int xo = inOff + b * nInput;
      final int ho = stateOff + b * nOutput;
      final int rowOff = go + 2 * b * nCell;
      for (int c = 0; c < nCell; c++) {
        int acc = bi[c] + dot(p, in, xo, wi, c * nInput, nInput);
        int v = FixedPoint.multiplyByQuantizedMultiplier(acc, p.inputScaleA[g], p.inputScaleB[g]);
        v = Math.max(-32768, Math.min(32767, v));
        acc = br[c] + dot(p, state, ho, wr, c * nOutput, nOutput);
        v += FixedPoint.multiplyByQuantizedMultiplier(acc, p.recurrentScaleA[g], p.recurrentScaleB[g]);
        v = Math.max(-32768, Math.min(32767, v));
        LittleEndian.setShort(s, rowOff + 2 * c, (short) v);
      }
    }
    if (p.usePeephole && p.cellWeights[g] != null) {
      // TFLite 2.4.1 passes n_output (not n_cell) as the peephole vector length: it walks the
      // first nBatch*nOutput elements of the flat gate/cell arrays with weight index j % nOutput.
      final short[] wc = p.cellWeights[g];
      final int v = nOutput;
      // (With nOutput > nCell TFLite reads past the arrays; we stop at their end.)
      final int count = Math.min(nBatch * v, nBatch * nCell);
      for (int j = 0; j < count; j++) {
        int prod = wc[j % v] * LittleEndian.getShort(cell, cellOff + 2 * j);
        int o = go + 2 * j;
        int r = LittleEndian.getShort(s, o)
            + FixedPoint.multiplyByQuantizedMultiplier(prod, p.cellScaleA[g], p.cellScaleB[g]);
        LittleEndian.setShort(s, o, (short) Math.max(-32768, Math.min(32767, r)));
      }
    }
    if (p.useLayerNorm) {
      for (int b = 0; b < nBatch; b++) {
        layerNorm(p, g, s, go + 2 * b * nCell);
      }
    }
  }

  /** int8 dot product in int32 (wrapping like TFLite's accumulators). */
  private static int dot(Params p, byte[] x, int xo, byte[] w, int wo, int n) {
    if (p.vectorDot && VectorWarmup.ready()) {
      return DotVector.dotS8(x, xo, w, wo, n);
    }
    int acc = 0;
    for (int k = 0; k < n; k++) {
      acc += x[xo + k] * w[wo + k];
    }
    return acc;
  }

  private static void sigmoid(byte[] s, int off, int n) {
    for (int c = 0; c < n; c++) {
      int o = off + 2 * c;
      LittleEndian.setShort(s, o, (short) SequenceFixedPoint.logistic16(LittleEndian.getShort(s, o), 3));
    }
  }

  /** tensor_utils::ApplyLayerNorm (portable) on one row, in place. */
  private static void layerNorm(Params p, int g, byte[] s, int go) {
    final int n = p.nCell;
    final short[] w = p.layerNormWeights[g];
    final int[] bias = p.gateBias[g];
    long sum = 0;
    long sumSq = 0;
    for (int j = 0; j < n; j++) {
      int val = LittleEndian.getShort(s, go + 2 * j);
      sum += val;
      sumSq += val * val;
    }
    int mean = (int) (sum * 1024 / n);
    int temp = (1 << 20) / n;
    long variance = sumSq * temp - (long) mean * (long) mean;
    int variance2 = (int) (variance / (1 << 20));
    if (variance2 < 1) {
      variance2 = p.varianceGuard[g];
    }
    long inv = InverseSqrt.multiplierExp(variance2, -1);
    int invMultiplier = InverseSqrt.multiplier(inv);
    int invShift = InverseSqrt.shift(inv);
    for (int j = 0; j < n; j++) {
      int val = LittleEndian.getShort(s, go + 2 * j);
      int shifted = 1024 * val - mean;
      int rescaled = FixedPoint.multiplyByQuantizedMultiplier(shifted, invMultiplier, invShift);
      long val3 = rescaled * w[j] + bias[j];
      int val4 = (int) ((val3 > 0 ? val3 + 512 : val3 - 512) / 1024);
      int val5 =
          FixedPoint.multiplyByQuantizedMultiplier(
              val4, p.layerNormScaleA[g], p.layerNormScaleB[g] + 12);
      val5 = Math.max(-32768, Math.min(32767, val5));
      LittleEndian.setShort(s, go + 2 * j, (short) val5);
    }
  }
}
