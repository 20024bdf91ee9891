package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.sequence.HybridQuant;
import io.tflited.runtime.kernels.sequence.LstmFloat;
import io.tflited.runtime.kernels.sequence.LstmInteger;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.UnidirectionalSequenceLSTMOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;
import io.tflited.runtime.quant.SequenceFixedPoint;
import java.nio.ByteBuffer;

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM: float32, and full-integer 8x8_16 (int8 input/output/weights,
 * int16 cell state, five intermediates carrying the gate and hidden scales), time- or
 * batch-major, with optional CIFG, peephole, projection and layer norm.
 */
public final class UnidirectionalSequenceLstm implements OpKernel {
  public static final int INPUT = 0;
  public static final int INPUT_TO_INPUT_WEIGHTS = 1;
  public static final int INPUT_TO_FORGET_WEIGHTS = 2;
  public static final int INPUT_TO_CELL_WEIGHTS = 3;
  public static final int INPUT_TO_OUTPUT_WEIGHTS = 4;
  public static final int RECURRENT_TO_INPUT_WEIGHTS = 5;
  public static final int RECURRENT_TO_FORGET_WEIGHTS = 6;
  public static final int RECURRENT_TO_CELL_WEIGHTS = 7;
  public static final int RECURRENT_TO_OUTPUT_WEIGHTS = 8;
  public static final int CELL_TO_INPUT_WEIGHTS = 9;
  public static final int CELL_TO_FORGET_WEIGHTS = 10;
  public static final int CELL_TO_OUTPUT_WEIGHTS = 11;
  public static final int INPUT_GATE_BIAS = 12;
  public static final int FORGET_GATE_BIAS = 13;
  public static final int CELL_GATE_BIAS = 14;
  public static final int OUTPUT_GATE_BIAS = 15;
  public static final int PROJECTION_WEIGHTS = 16;
  public static final int PROJECTION_BIAS = 17;
  public static final int OUTPUT_STATE = 18;
  public static final int CELL_STATE = 19;
  public static final int INPUT_LAYER_NORM = 20;
  public static final int FORGET_LAYER_NORM = 21;
  public static final int CELL_LAYER_NORM = 22;
  public static final int OUTPUT_LAYER_NORM = 23;
  public static final int OUTPUT = 0;

  /** Gate order used by the kernels: input, forget, cell, output. */
  private static final int[] INPUT_WEIGHT_SLOTS = {
    INPUT_TO_INPUT_WEIGHTS, INPUT_TO_FORGET_WEIGHTS, INPUT_TO_CELL_WEIGHTS, INPUT_TO_OUTPUT_WEIGHTS
  };
  private static final int[] RECURRENT_WEIGHT_SLOTS = {
    RECURRENT_TO_INPUT_WEIGHTS,
    RECURRENT_TO_FORGET_WEIGHTS,
    RECURRENT_TO_CELL_WEIGHTS,
    RECURRENT_TO_OUTPUT_WEIGHTS
  };
  private static final int[] CELL_WEIGHT_SLOTS = {
    CELL_TO_INPUT_WEIGHTS, CELL_TO_FORGET_WEIGHTS, -1, CELL_TO_OUTPUT_WEIGHTS
  };
  private static final int[] BIAS_SLOTS = {
    INPUT_GATE_BIAS, FORGET_GATE_BIAS, CELL_GATE_BIAS, OUTPUT_GATE_BIAS
  };
  private static final int[] LAYER_NORM_SLOTS = {
    INPUT_LAYER_NORM, FORGET_LAYER_NORM, CELL_LAYER_NORM, OUTPUT_LAYER_NORM
  };

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    var opts =
        ctx.options(
            BuiltinOptions.UnidirectionalSequenceLSTMOptions,
            new UnidirectionalSequenceLSTMOptions());
    return prepareLstm(ctx, true, opts.timeMajor(), opts.fusedActivationFunction(), opts.cellClip(),
        opts.projClip(), opts.asymmetricQuantizeInputs());
  }

  /**
   * The LSTM shared by UNIDIRECTIONAL_SEQUENCE_LSTM (sequence: input rank 3) and LSTM (input
   * [batch, input], one time step), with the 20 or 24 inputs in the slot order of this class.
   */
  static PreparedOp prepareLstm(PrepareContext ctx, boolean sequence, boolean timeMajorOption,
      int activation, float cellClip, float projClip, boolean asymmetricOption)
      throws ModelException {
    if (ctx.inputCount() != 20 && ctx.inputCount() != 24) {
      throw ctx.error("expects 20 or 24 inputs, got " + ctx.inputCount());
    }
    ctx.checkOutputCount(1, 1);
    if (!(cellClip >= 0) || !(projClip >= 0)) {
      throw ctx.error("cell_clip and proj_clip must be >= 0");
    }
    TensorSpec input = ctx.input(INPUT);
    ctx.requireType(input, "input", DataType.FLOAT32, DataType.INT8);
    ctx.requireRank(input, "input", sequence ? 3 : 2);
    final boolean timeMajor = !sequence || timeMajorOption;
    final int maxTime = !sequence ? 1 : timeMajor ? input.dim(0) : input.dim(1);
    final int nBatch = !sequence ? input.dim(0) : timeMajor ? input.dim(1) : input.dim(0);
    final int nInput = input.dim(input.rank() - 1);
    TensorSpec i2o = ctx.input(INPUT_TO_OUTPUT_WEIGHTS);
    ctx.requireRank(i2o, "input_to_output_weights", 2);
    final int nCell = i2o.dim(0);
    if (i2o.dim(1) != nInput) {
      throw ctx.error("input_to_output_weights has " + i2o.dim(1) + " columns, input has " + nInput);
    }
    TensorSpec r2o = ctx.input(RECURRENT_TO_OUTPUT_WEIGHTS);
    ctx.requireRank(r2o, "recurrent_to_output_weights", 2);
    if (r2o.dim(0) != nCell) {
      throw ctx.error("recurrent_to_output_weights rows " + r2o.dim(0) + " != n_cell " + nCell);
    }
    final int nOutput = r2o.dim(1);

    boolean useLayerNorm = ctx.inputCount() == 24 && ctx.hasInput(FORGET_LAYER_NORM);
    boolean useCifg = !ctx.hasInput(INPUT_TO_INPUT_WEIGHTS);
    if (useCifg == ctx.hasInput(RECURRENT_TO_INPUT_WEIGHTS)) {
      throw ctx.error("input-gate weights must be all present or all absent (CIFG)");
    }
    boolean usePeephole = ctx.hasInput(CELL_TO_OUTPUT_WEIGHTS);
    if (usePeephole != ctx.hasInput(CELL_TO_FORGET_WEIGHTS)
        || (!useCifg && usePeephole != ctx.hasInput(CELL_TO_INPUT_WEIGHTS))
        || (useCifg && ctx.hasInput(CELL_TO_INPUT_WEIGHTS) && !usePeephole)) {
      throw ctx.error("peephole weights must be all present or all absent");
    }
    if (useCifg && ctx.hasInput(INPUT_GATE_BIAS)) {
      throw ctx.error("CIFG LSTM must not have an input gate bias");
    }
    boolean useProjection = ctx.hasInput(PROJECTION_WEIGHTS);
    if (!useProjection && ctx.hasInput(PROJECTION_BIAS)) {
      throw ctx.error("projection bias without projection weights");
    }
    if (!useProjection && nOutput != nCell) {
      throw ctx.error("n_output " + nOutput + " != n_cell " + nCell + " without projection");
    }
    for (int g = 0; g < 4; g++) {
      if (g == 0 && useCifg) {
        continue;
      }
      checkShape(ctx, INPUT_WEIGHT_SLOTS[g], nCell, nInput);
      checkShape(ctx, RECURRENT_WEIGHT_SLOTS[g], nCell, nOutput);
      checkShape(ctx, BIAS_SLOTS[g], nCell);
      if (usePeephole && CELL_WEIGHT_SLOTS[g] >= 0) {
        checkShape(ctx, CELL_WEIGHT_SLOTS[g], nCell);
      }
      if (useLayerNorm) {
        checkShape(ctx, LAYER_NORM_SLOTS[g], nCell);
      }
    }
    if (useProjection) {
      checkShape(ctx, PROJECTION_WEIGHTS, nOutput, nCell);
      if (ctx.hasInput(PROJECTION_BIAS)) {
        checkShape(ctx, PROJECTION_BIAS, nOutput);
      }
    }
    TensorSpec outputState = ctx.input(OUTPUT_STATE);
    TensorSpec cellState = ctx.input(CELL_STATE);
    if (!outputState.isVariable() || !cellState.isVariable()) {
      throw ctx.error("output_state and cell_state must be variable tensors");
    }
    if (outputState.elementCount() != (long) nBatch * nOutput) {
      throw ctx.error("output_state has " + outputState.elementCount() + " elements, expected " + nBatch * nOutput);
    }
    if (cellState.elementCount() != (long) nBatch * nCell) {
      throw ctx.error("cell_state has " + cellState.elementCount() + " elements, expected " + nBatch * nCell);
    }
    int[] outShape = input.shape();
    outShape[outShape.length - 1] = nOutput;
    ctx.setOutputShape(OUTPUT, outShape);
    TensorSpec output = ctx.output(OUTPUT);

    final int in = ctx.inputIndex(INPUT);
    final int st = ctx.inputIndex(OUTPUT_STATE);
    final int cs = ctx.inputIndex(CELL_STATE);
    final int out = ctx.outputIndex(OUTPUT);
    final int elem;
    final int stateElem;
    final int cellElem;
    final Step step;
    final int scratchBytes;
    if (input.type() == DataType.FLOAT32) {
      final boolean hybrid = i2o.type() != DataType.FLOAT32;
      if (hybrid) {
        ctx.requireType(i2o, "input_to_output_weights", DataType.INT8);
      }
      ctx.requireType(output, "output", DataType.FLOAT32);
      ctx.requireType(outputState, "output_state", DataType.FLOAT32);
      ctx.requireType(cellState, "cell_state", DataType.FLOAT32);
      LstmFloat.Params p = new LstmFloat.Params();
      p.nInput = nInput;
      p.nCell = nCell;
      p.nOutput = nOutput;
      p.useCifg = useCifg;
      p.usePeephole = usePeephole;
      p.useLayerNorm = useLayerNorm;
      p.useProjection = useProjection;
      p.activation = activation;
      p.cellClip = cellClip;
      p.projClip = projClip;
      p.hybrid = hybrid;
      p.asymmetric = hybrid && asymmetricOption;
      for (int g = 0; g < 4; g++) {
        if (g == 0 && useCifg) {
          continue;
        }
        if (hybrid) {
          p.inputWeightsQ[g] = int8s(ctx, INPUT_WEIGHT_SLOTS[g]);
          p.inputScales[g] = ctx.input(INPUT_WEIGHT_SLOTS[g]).scale();
          p.inputRowSums[g] = HybridQuant.rowSums(p.inputWeightsQ[g], nCell, nInput);
          p.recurrentWeightsQ[g] = int8s(ctx, RECURRENT_WEIGHT_SLOTS[g]);
          p.recurrentScales[g] = ctx.input(RECURRENT_WEIGHT_SLOTS[g]).scale();
          p.recurrentRowSums[g] = HybridQuant.rowSums(p.recurrentWeightsQ[g], nCell, nOutput);
        } else {
          p.inputWeights[g] = floats(ctx, INPUT_WEIGHT_SLOTS[g]);
          p.recurrentWeights[g] = floats(ctx, RECURRENT_WEIGHT_SLOTS[g]);
        }
        p.bias[g] = floats(ctx, BIAS_SLOTS[g]);
        if (usePeephole && CELL_WEIGHT_SLOTS[g] >= 0) {
          if (hybrid) {
            byte[] w = int8s(ctx, CELL_WEIGHT_SLOTS[g]);
            float scale = ctx.input(CELL_WEIGHT_SLOTS[g]).scale();
            p.cellWeights[g] = new float[w.length];
            for (int i = 0; i < w.length; i++) {
              p.cellWeights[g][i] = scale * w[i];
            }
          } else {
            p.cellWeights[g] = floats(ctx, CELL_WEIGHT_SLOTS[g]);
          }
        }
        if (useLayerNorm) {
          p.layerNormWeights[g] = floats(ctx, LAYER_NORM_SLOTS[g]);
        }
      }
      if (useProjection) {
        if (hybrid) {
          p.projectionWeightsQ = int8s(ctx, PROJECTION_WEIGHTS);
          p.projectionScale = ctx.input(PROJECTION_WEIGHTS).scale();
          p.projectionRowSums = HybridQuant.rowSums(p.projectionWeightsQ, nOutput, nCell);
        } else {
          p.projectionWeights = floats(ctx, PROJECTION_WEIGHTS);
        }
        if (ctx.hasInput(PROJECTION_BIAS)) {
          p.projectionBias = floats(ctx, PROJECTION_BIAS);
        }
      }
      elem = 4;
      stateElem = 4;
      cellElem = 4;
      scratchBytes = LstmFloat.scratchBytes(p);
      step = (nb, a, ao, s, so, c, co, o, oo, x, xo) -> {
        for (int b = 0; b < nb; b++) {
          LstmFloat.step(p, a, ao + 4 * b * nInput, s, so + 4 * b * nOutput, c, co + 4 * b * nCell,
              o, oo + 4 * b * nOutput, x, xo);
        }
      };
    } else {
      LstmInteger.Params p = integerParams(ctx, input, output, outputState, cellState, nInput, nCell, nOutput,
          useCifg, usePeephole, useLayerNorm, useProjection, cellClip, projClip);
      elem = 1;
      stateElem = 1;
      cellElem = 2;
      scratchBytes = LstmInteger.scratchBytes(p, timeMajor ? nBatch : 1);
      step = (nb, a, ao, s, so, c, co, o, oo, x, xo) -> LstmInteger.step(p, nb, a, ao, s, so, c, co, o, oo, x, xo);
    }
    final int scratch = ctx.scratch(scratchBytes);
    return ec -> {
      byte[] ia = ec.array(in);
      int io = ec.offset(in);
      byte[] sa = ec.array(st);
      int so = ec.offset(st);
      byte[] ca = ec.array(cs);
      int co = ec.offset(cs);
      byte[] oa = ec.array(out);
      int oo = ec.offset(out);
      byte[] xa = ec.array(scratch);
      int xo = ec.offset(scratch);
      if (timeMajor) {
        // All batch rows of one time step are contiguous, as TFLite processes them.
        for (int t = 0; t < maxTime; t++) {
          int row = t * nBatch;
          step.run(nBatch, ia, io + row * nInput * elem, sa, so, ca, co, oa, oo + row * nOutput * elem, xa, xo);
        }
      } else {
        for (int b = 0; b < nBatch; b++) {
          for (int t = 0; t < maxTime; t++) {
            int row = b * maxTime + t;
            step.run(1, ia, io + row * nInput * elem,
                sa, so + b * nOutput * stateElem,
                ca, co + b * nCell * cellElem,
                oa, oo + row * nOutput * elem,
                xa, xo);
          }
        }
      }
    };
  }

  @FunctionalInterface
  private interface Step {
    void run(int nBatch, byte[] in, int inOff, byte[] state, int stateOff, byte[] cell, int cellOff,
        byte[] out, int outOff, byte[] scratch, int scratchOff);
  }

  static void checkShape(PrepareContext ctx, int slot, int... dims) throws ModelException {
    TensorSpec t = ctx.input(slot);
    if (t.rank() != dims.length) {
      throw ctx.error("input " + slot + " (" + t.name() + ") has rank " + t.rank() + ", expected " + dims.length);
    }
    for (int i = 0; i < dims.length; i++) {
      if (t.dim(i) != dims[i]) {
        throw ctx.error("input " + slot + " (" + t.name() + ") has dim " + i + " = " + t.dim(i) + ", expected " + dims[i]);
      }
    }
  }

  static float[] floats(PrepareContext ctx, int slot) throws ModelException {
    TensorSpec t = ctx.input(slot);
    ctx.requireType(t, "input " + slot, DataType.FLOAT32);
    ByteBuffer b = ctx.packConstant(slot);
    float[] out = new float[(int) t.elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat(4 * i);
    }
    return out;
  }

  static byte[] int8s(PrepareContext ctx, int slot) throws ModelException {
    TensorSpec t = ctx.input(slot);
    ctx.requireType(t, "input " + slot, DataType.INT8);
    requireQuantized(ctx, t);
    ByteBuffer b = ctx.packConstant(slot);
    byte[] out = new byte[(int) t.elementCount()];
    b.get(0, out);
    return out;
  }

  private static short[] int16s(PrepareContext ctx, int slot) throws ModelException {
    TensorSpec t = ctx.input(slot);
    ctx.requireType(t, "input " + slot, DataType.INT16);
    ByteBuffer b = ctx.packConstant(slot);
    short[] out = new short[(int) t.elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getShort(2 * i);
    }
    return out;
  }

  private static int[] int32s(PrepareContext ctx, int slot) throws ModelException {
    TensorSpec t = ctx.input(slot);
    ctx.requireType(t, "input " + slot, DataType.INT32);
    ByteBuffer b = ctx.packConstant(slot);
    int[] out = new int[(int) t.elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getInt(4 * i);
    }
    return out;
  }

  private static void requireQuantized(PrepareContext ctx, TensorSpec t) throws ModelException {
    if (!t.quantization().isQuantized() || !(t.scale() > 0)) {
      throw ctx.error(t.name() + " needs a positive quantization scale");
    }
  }

  private static float scaleOf(TensorSpec t) {
    return t.quantization().isQuantized() ? t.scale() : 1.0f;
  }

  /** TFLite's PopulateQuantizedLstmParams8x8_16 + PopulatePrecomputedZPTimesWeightsWithBias. */
  private static LstmInteger.Params integerParams(
      PrepareContext ctx, TensorSpec input, TensorSpec output, TensorSpec outputState,
      TensorSpec cellState, int nInput, int nCell, int nOutput, boolean useCifg,
      boolean usePeephole, boolean useLayerNorm, boolean useProjection, float cellClip,
      float projClip) throws ModelException {
    ctx.requireType(output, "output", DataType.INT8);
    ctx.requireType(outputState, "output_state", DataType.INT8);
    ctx.requireType(cellState, "cell_state", DataType.INT16);
    requireQuantized(ctx, input);
    requireQuantized(ctx, outputState);
    requireQuantized(ctx, cellState);
    requireQuantized(ctx, output);
    if (ctx.node().intermediates().length < 5) {
      throw ctx.error("the integer LSTM needs 5 intermediate tensors (gate and hidden scales); found "
          + ctx.node().intermediates().length);
    }
    LstmInteger.Params p = new LstmInteger.Params();
    p.vectorDot = ctx.useVectorKernels();
    p.nInput = nInput;
    p.nCell = nCell;
    p.nOutput = nOutput;
    p.useCifg = useCifg;
    p.usePeephole = usePeephole;
    p.useLayerNorm = useLayerNorm;
    p.useProjection = useProjection;

    Integer cellScale = SequenceFixedPoint.checkedLog2(cellState.scale());
    if (cellScale == null) {
      throw ctx.error("cell_state scale " + cellState.scale() + " is not a power of two");
    }
    if (cellScale > -9) {
      throw ctx.error("cell_state scale 2^" + cellScale + " must be at most 2^-9");
    }
    p.cellScale = cellScale;
    p.quantizedCellClip =
        cellClip > 0 ? (short) Math.min(Math.max(cellClip / cellState.scale(), -32768.0f), 32767.0f) : 0;
    p.quantizedProjClip =
        projClip > 0 ? (byte) Math.min(Math.max(projClip / output.scale(), -128.0f), 127.0f) : 0;

    float[] intermediateScale = new float[5];
    int[] intermediateZp = new int[5];
    for (int i = 0; i < 4; i++) {
      if (useLayerNorm) {
        TensorSpec im = ctx.intermediate(i);
        if (im == null || !im.quantization().isQuantized()) {
          throw ctx.error("intermediate " + i + " has no quantization");
        }
        intermediateScale[i] = im.scale();
        intermediateZp[i] = im.zeroPoint();
      } else {
        intermediateScale[i] = (float) Math.pow(2, -12);
        intermediateZp[i] = 0;
      }
    }
    TensorSpec hidden = ctx.intermediate(4);
    if (hidden == null || !hidden.quantization().isQuantized()) {
      throw ctx.error("intermediate 4 (hidden) has no quantization");
    }
    intermediateScale[4] = hidden.scale();
    intermediateZp[4] = hidden.zeroPoint();

    float inputScale = input.scale();
    float outputStateScale = outputState.scale();
    float cellPot = (float) Math.pow(2.0f, (float) cellScale);
    for (int g = 0; g < 4; g++) {
      if (g == LstmInteger.INPUT && useCifg) {
        continue;
      }
      TensorSpec wi = ctx.input(INPUT_WEIGHT_SLOTS[g]);
      TensorSpec wr = ctx.input(RECURRENT_WEIGHT_SLOTS[g]);
      p.inputWeights[g] = int8s(ctx, INPUT_WEIGHT_SLOTS[g]);
      p.recurrentWeights[g] = int8s(ctx, RECURRENT_WEIGHT_SLOTS[g]);
      float effIn = wi.scale() * inputScale / intermediateScale[g];
      float effRec = wr.scale() * outputStateScale / intermediateScale[g];
      QuantizedMultiplier qi = QuantizedMultiplier.of(effIn);
      QuantizedMultiplier qr = QuantizedMultiplier.of(effRec);
      p.inputScaleA[g] = qi.multiplier();
      p.inputScaleB[g] = qi.shift();
      p.recurrentScaleA[g] = qr.multiplier();
      p.recurrentScaleB[g] = qr.shift();
      int[] bias = int32s(ctx, BIAS_SLOTS[g]);
      p.inputEffectiveBias[g] =
          zeroPointTimesWeights(-input.zeroPoint(), p.inputWeights[g], nCell, nInput, useLayerNorm ? null : bias);
      p.recurrentEffectiveBias[g] =
          zeroPointTimesWeights(-outputState.zeroPoint(), p.recurrentWeights[g], nCell, nOutput, null);
      if (usePeephole && CELL_WEIGHT_SLOTS[g] >= 0) {
        TensorSpec wc = ctx.input(CELL_WEIGHT_SLOTS[g]);
        p.cellWeights[g] = int16s(ctx, CELL_WEIGHT_SLOTS[g]);
        float eff = cellPot * scaleOf(wc) / intermediateScale[g];
        QuantizedMultiplier q = QuantizedMultiplier.of(eff);
        p.cellScaleA[g] = q.multiplier();
        p.cellScaleB[g] = q.shift();
      }
      if (useLayerNorm) {
        TensorSpec ln = ctx.input(LAYER_NORM_SLOTS[g]);
        p.layerNormWeights[g] = int16s(ctx, LAYER_NORM_SLOTS[g]);
        p.gateBias[g] = bias;
        float lnScale = scaleOf(ln);
        QuantizedMultiplier q = QuantizedMultiplier.of(lnScale);
        p.layerNormScaleA[g] = q.multiplier();
        p.layerNormScaleB[g] = q.shift();
        p.varianceGuard[g] = Math.max(1, (int) (10000 * lnScale));
      }
    }
    float effHidden = (float) Math.pow(2.0f, -15.0f) / intermediateScale[4] * (float) Math.pow(2.0f, -15.0f);
    QuantizedMultiplier qh = QuantizedMultiplier.of(effHidden);
    p.hiddenScaleA = qh.multiplier();
    p.hiddenScaleB = qh.shift();
    p.hiddenZp = intermediateZp[4];
    p.outputStateZp = outputState.zeroPoint();
    if (useProjection) {
      TensorSpec pw = ctx.input(PROJECTION_WEIGHTS);
      p.projectionWeights = int8s(ctx, PROJECTION_WEIGHTS);
      float effProj = pw.scale() * intermediateScale[4] / outputStateScale;
      QuantizedMultiplier q = QuantizedMultiplier.of(effProj);
      p.projScaleA = q.multiplier();
      p.projScaleB = q.shift();
      int[] pb = ctx.hasInput(PROJECTION_BIAS) ? int32s(ctx, PROJECTION_BIAS) : null;
      int zp = p.hiddenZpSubtracts ? p.hiddenZp : -p.hiddenZp;
      p.projectionEffectiveBias = zeroPointTimesWeights(zp, p.projectionWeights, nOutput, nCell, pb);
    }
    return p;
  }

  /** bias[r] (or 0) + zeroPoint * sum_c w[r][c]. */
  private static int[] zeroPointTimesWeights(int zeroPoint, byte[] w, int rows, int cols, int[] bias) {
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      int sum = 0;
      for (int c = 0; c < cols; c++) {
        sum += w[r * cols + c];
      }
      out[r] = (bias == null ? 0 : bias[r]) + sum * zeroPoint;
    }
    return out;
  }
}
