package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.sequence.LstmBasicCell;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.LSTMKernelType;
import io.tflited.runtime.model.fb.LSTMOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;
import io.tflited.runtime.quant.SequenceFixedPoint;
import java.nio.ByteBuffer;

/**
 * LSTM. kernel_type FULL: one time step of the LSTM cell of UNIDIRECTIONAL_SEQUENCE_LSTM on an
 * input [batch, input] (same 20 or 24 inputs, variable output and cell states): float32, hybrid
 * (int8 weights) and full-integer 8x8_16. kernel_type BASIC: TFLite's basic LSTM cell with 5
 * inputs (input, prev_activ, weights, bias, prev_state) and 4 outputs (activ, state, concat_temp,
 * activ_temp), float32 or uint8 (int16 state with 4 integer bits).
 */
public final class Lstm implements OpKernel {
  public static final int BASIC_INPUT = 0;
  public static final int BASIC_PREV_ACTIV = 1;
  public static final int BASIC_WEIGHTS = 2;
  public static final int BASIC_BIAS = 3;
  public static final int BASIC_PREV_STATE = 4;
  public static final int BASIC_ACTIV_OUT = 0;
  public static final int BASIC_STATE_OUT = 1;
  public static final int BASIC_CONCAT_TEMP = 2;
  public static final int BASIC_ACTIV_TEMP = 3;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    LSTMOptions opts = ctx.options(BuiltinOptions.LSTMOptions, new LSTMOptions());
    if (opts.kernelType() == LSTMKernelType.BASIC) {
      return prepareBasic(ctx);
    }
    if (opts.kernelType() != LSTMKernelType.FULL) {
      throw ctx.error("unknown kernel_type " + opts.kernelType());
    }
    return UnidirectionalSequenceLstm.prepareLstm(ctx, false, true, opts.fusedActivationFunction(),
        opts.cellClip(), opts.projClip(), opts.asymmetricQuantizeInputs());
  }

  private static PreparedOp prepareBasic(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(5, 5);
    ctx.checkOutputCount(4, 4);
    TensorSpec input = ctx.input(BASIC_INPUT);
    TensorSpec prevActiv = ctx.input(BASIC_PREV_ACTIV);
    TensorSpec weights = ctx.input(BASIC_WEIGHTS);
    TensorSpec bias = ctx.input(BASIC_BIAS);
    TensorSpec prevState = ctx.input(BASIC_PREV_STATE);
    ctx.requireType(input, "input", DataType.FLOAT32, DataType.UINT8);
    ctx.requireRank(input, "input", 2);
    ctx.requireRank(weights, "weights", 2);
    ctx.requireRank(bias, "bias", 1);
    ctx.requireRank(prevActiv, "prev_activ", 2);
    ctx.requireRank(prevState, "prev_state", 2);
    final int batch = input.dim(0);
    final int inDepth = input.dim(1);
    final int fcDepth = weights.dim(0);
    if (fcDepth % 4 != 0) {
      throw ctx.error("weights rows " + fcDepth + " not a multiple of 4");
    }
    final int depth = fcDepth / 4;
    if (bias.dim(0) != fcDepth) {
      throw ctx.error("bias has " + bias.dim(0) + " elements, expected " + fcDepth);
    }
    if (prevActiv.dim(0) != batch || prevActiv.dim(1) != depth || prevState.dim(0) != batch
        || prevState.dim(1) != depth) {
      throw ctx.error("prev_activ and prev_state must be [" + batch + ", " + depth + "]");
    }
    if (weights.dim(1) != inDepth + depth) {
      throw ctx.error("weights have " + weights.dim(1) + " columns, expected " + (inDepth + depth));
    }
    ctx.setOutputShape(BASIC_ACTIV_OUT, batch, depth);
    ctx.setOutputShape(BASIC_STATE_OUT, batch, depth);
    ctx.setOutputShape(BASIC_CONCAT_TEMP, batch, inDepth + depth);
    ctx.setOutputShape(BASIC_ACTIV_TEMP, batch, fcDepth);
    final int in = ctx.inputIndex(BASIC_INPUT);
    final int pa = ctx.inputIndex(BASIC_PREV_ACTIV);
    final int ps = ctx.inputIndex(BASIC_PREV_STATE);
    final int ao = ctx.outputIndex(BASIC_ACTIV_OUT);
    final int so = ctx.outputIndex(BASIC_STATE_OUT);
    final int co = ctx.outputIndex(BASIC_CONCAT_TEMP);
    final int to = ctx.outputIndex(BASIC_ACTIV_TEMP);
    final int cat = inDepth + depth;
    if (input.type() == DataType.FLOAT32) {
      for (TensorSpec t : new TensorSpec[] {prevActiv, weights, bias, prevState}) {
        ctx.requireType(t, t.name(), DataType.FLOAT32);
      }
      for (int i = 0; i < 4; i++) {
        ctx.requireType(ctx.output(i), "output " + i, DataType.FLOAT32);
      }
      final float[] w = UnidirectionalSequenceLstm.floats(ctx, BASIC_WEIGHTS);
      final float[] b = UnidirectionalSequenceLstm.floats(ctx, BASIC_BIAS);
      return ec -> {
        for (int r = 0; r < batch; r++) {
          LstmBasicCell.stepFloat(inDepth, depth, w, b,
              ec.array(in), ec.offset(in) + 4 * r * inDepth,
              ec.array(pa), ec.offset(pa) + 4 * r * depth,
              ec.array(ps), ec.offset(ps) + 4 * r * depth,
              ec.array(ao), ec.offset(ao) + 4 * r * depth,
              ec.array(so), ec.offset(so) + 4 * r * depth,
              ec.array(co), ec.offset(co) + 4 * r * cat,
              ec.array(to), ec.offset(to) + 4 * r * fcDepth);
        }
      };
    }
    ctx.requireType(prevActiv, "prev_activ", DataType.UINT8);
    ctx.requireType(weights, "weights", DataType.UINT8);
    ctx.requireType(bias, "bias", DataType.INT32);
    ctx.requireType(prevState, "prev_state", DataType.INT16);
    ctx.requireType(ctx.output(BASIC_ACTIV_OUT), "activ_out", DataType.UINT8);
    TensorSpec stateOut = ctx.output(BASIC_STATE_OUT);
    ctx.requireType(stateOut, "state_out", DataType.INT16);
    ctx.requireType(ctx.output(BASIC_CONCAT_TEMP), "concat_temp", DataType.UINT8);
    ctx.requireType(ctx.output(BASIC_ACTIV_TEMP), "activ_temp", DataType.INT16);
    if (!stateOut.quantization().isQuantized()) {
      throw ctx.error("state_out needs a quantization scale");
    }
    Integer log2 = SequenceFixedPoint.checkedLog2(stateOut.scale());
    if (log2 == null) {
      throw ctx.error("the internal state of a LSTM cell must have a power-of-two scale");
    }
    if (15 + log2 != 4) {
      throw ctx.error("only StateIntegerBits == 4 is supported, got " + (15 + log2));
    }
    if (!weights.quantization().isQuantized() || !bias.quantization().isQuantized()) {
      throw ctx.error("weights and bias need quantization");
    }
    final int weightsZp = weights.zeroPoint();
    QuantizedMultiplier q = QuantizedMultiplier.of((double) (4096 * bias.scale()));
    final int accMul = q.multiplier();
    final int accShift = q.shift();
    ByteBuffer wb = ctx.packConstant(BASIC_WEIGHTS);
    final byte[] w = new byte[(int) weights.elementCount()];
    wb.get(0, w);
    ByteBuffer bb = ctx.packConstant(BASIC_BIAS);
    final int[] b = new int[fcDepth];
    for (int i = 0; i < fcDepth; i++) {
      b[i] = bb.getInt(4 * i);
    }
    return ec -> {
      for (int r = 0; r < batch; r++) {
        LstmBasicCell.stepUint8(inDepth, depth, w, weightsZp, b, accMul, accShift,
            ec.array(in), ec.offset(in) + r * inDepth,
            ec.array(pa), ec.offset(pa) + r * depth,
            ec.array(ps), ec.offset(ps) + 2 * r * depth,
            ec.array(ao), ec.offset(ao) + r * depth,
            ec.array(so), ec.offset(so) + 2 * r * depth,
            ec.array(co), ec.offset(co) + r * cat,
            ec.array(to), ec.offset(to) + 2 * r * fcDepth);
      }
    };
  }
}
