package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.sequence.HybridQuant;
import io.tflited.runtime.kernels.sequence.LstmFloat;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SVDFOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.nio.ByteBuffer;

/**
 * SVDF: float32, and full integer (int8 input and weights_feature, int16 weights_time and
 * activation state, int32 bias, int8 output) as TFLite's EvalIntegerSVDF. The activation state is
 * a variable input read and written in place.
 */
public final class Svdf implements OpKernel {
  public static final int INPUT = 0;
  public static final int WEIGHTS_FEATURE = 1;
  public static final int WEIGHTS_TIME = 2;
  public static final int BIAS = 3;
  public static final int ACTIVATION_STATE = 4;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(5, 5);
    ctx.checkOutputCount(1, 1);
    SVDFOptions opts = ctx.options(BuiltinOptions.SVDFOptions, new SVDFOptions());
    final int rank = opts.rank();
    final int activation = opts.fusedActivationFunction();
    TensorSpec input = ctx.input(INPUT);
    TensorSpec wf = ctx.input(WEIGHTS_FEATURE);
    TensorSpec wt = ctx.input(WEIGHTS_TIME);
    TensorSpec bias = ctx.optionalInput(BIAS);
    TensorSpec state = ctx.input(ACTIVATION_STATE);
    ctx.requireType(input, "input", DataType.FLOAT32, DataType.INT8);
    ctx.requireRank(input, "input", 2);
    ctx.requireRank(wf, "weights_feature", 2);
    ctx.requireRank(wt, "weights_time", 2);
    final int batch = input.dim(0);
    final int nInput = input.dim(1);
    final int nFilter = wf.dim(0);
    if (rank <= 0 || nFilter % rank != 0) {
      throw ctx.error("rank " + rank + " does not divide num_filters " + nFilter);
    }
    final int nUnit = nFilter / rank;
    final int nMemory = wt.dim(1);
    if (wf.dim(1) != nInput) {
      throw ctx.error("weights_feature has " + wf.dim(1) + " columns, input has " + nInput);
    }
    if (wt.dim(0) != nFilter) {
      throw ctx.error("weights_time has " + wt.dim(0) + " rows, expected num_filters " + nFilter);
    }
    if (bias != null && (bias.rank() != 1 || bias.dim(0) != nUnit)) {
      throw ctx.error("bias must have shape [" + nUnit + "]");
    }
    if (!state.isVariable()) {
      throw ctx.error("activation_state must be a variable tensor");
    }
    if (state.elementCount() != (long) batch * nMemory * nFilter) {
      throw ctx.error("activation_state has " + state.elementCount() + " elements, expected "
          + (long) batch * nMemory * nFilter);
    }
    ctx.setOutputShape(OUTPUT, batch, nUnit);
    TensorSpec output = ctx.output(OUTPUT);
    final int in = ctx.inputIndex(INPUT);
    final int st = ctx.inputIndex(ACTIVATION_STATE);
    final int out = ctx.outputIndex(OUTPUT);

    if (input.type() == DataType.FLOAT32) {
      ctx.requireType(state, "activation_state", DataType.FLOAT32);
      ctx.requireType(output, "output", DataType.FLOAT32);
      if (bias != null) {
        ctx.requireType(bias, "bias", DataType.FLOAT32);
      }
      final boolean hybrid = wf.type() != DataType.FLOAT32;
      final boolean asymmetric = opts.asymmetricQuantizeInputs();
      final float[] wFeature;
      final float[] wTime;
      final byte[] wFeatureQ;
      final int[] rowSums;
      final float wfScale;
      if (hybrid) {
        // Hybrid: int8 weights, inputs quantized on the fly per batch row.
        ctx.requireType(wf, "weights_feature", DataType.INT8);
        ctx.requireType(wt, "weights_time", DataType.INT8);
        if (!(wf.scale() > 0) || !(wt.scale() > 0)) {
          throw ctx.error("hybrid SVDF weights need positive scales");
        }
        wFeature = null;
        wFeatureQ = new byte[nFilter * nInput];
        ctx.packConstant(WEIGHTS_FEATURE).get(0, wFeatureQ);
        rowSums = HybridQuant.rowSums(wFeatureQ, nFilter, nInput);
        wfScale = wf.scale();
        ByteBuffer wtb = ctx.packConstant(WEIGHTS_TIME);
        wTime = new float[nFilter * nMemory];
        float wtScale = wt.scale();
        for (int i = 0; i < wTime.length; i++) {
          wTime[i] = wtb.get(i) * wtScale;
        }
      } else {
        ctx.requireType(wt, "weights_time", DataType.FLOAT32);
        wFeature = floats(ctx, WEIGHTS_FEATURE);
        wTime = floats(ctx, WEIGHTS_TIME);
        wFeatureQ = null;
        rowSums = null;
        wfScale = 0f;
      }
      final float[] b = bias == null ? null : floats(ctx, BIAS);
      final int qBytes = hybrid ? ((batch * nInput + 3) & ~3) + 8 : 0;
      final int scratch = ctx.scratch(4L * batch * nFilter + qBytes);
      final int qOff = 4 * batch * nFilter;
      return ec -> {
        byte[] ia = ec.array(in);
        int io = ec.offset(in);
        byte[] sa = ec.array(st);
        int so = ec.offset(st);
        byte[] oa = ec.array(out);
        int oo = ec.offset(out);
        byte[] xa = ec.array(scratch);
        int xo = ec.offset(scratch);
        int total = batch * nMemory * nFilter;
        System.arraycopy(sa, so + 4, sa, so, 4 * (total - 1));
        if (hybrid) {
          int metaOff = xo + qOff + ((batch * nInput + 3) & ~3);
          java.util.Arrays.fill(xa, xo, xo + 4 * batch * nFilter, (byte) 0);
          for (int bi = 0; bi < batch; bi++) {
            HybridQuant.quantizeRow(ia, io + 4 * bi * nInput, nInput, xa, xo + qOff + bi * nInput,
                asymmetric, xa, metaOff);
            float scale = LittleEndian.getFloat(xa, metaOff) * wfScale;
            int zp = LittleEndian.getInt(xa, metaOff + 4);
            HybridQuant.matVecAccumulate(wFeatureQ, nFilter, nInput, xa, xo + qOff + bi * nInput, zp,
                rowSums, scale, xa, xo + 4 * bi * nFilter);
          }
          for (int i = 0; i < batch * nFilter; i++) {
            LittleEndian.setFloat(sa, so + 4 * (i * nMemory + nMemory - 1), LittleEndian.getFloat(xa, xo + 4 * i));
          }
        } else {
          for (int bi = 0; bi < batch; bi++) {
            for (int f = 0; f < nFilter; f++) {
              float dot = 0f;
              int wo = f * nInput;
              int xi = io + 4 * bi * nInput;
              for (int k = 0; k < nInput; k++) {
                dot += wFeature[wo + k] * LittleEndian.getFloat(ia, xi + 4 * k);
              }
              LittleEndian.setFloat(sa, so + 4 * ((bi * nFilter + f) * nMemory + nMemory - 1), dot);
            }
          }
        }
        for (int bi = 0; bi < batch; bi++) {
          for (int f = 0; f < nFilter; f++) {
            float dot = 0f;
            int s0 = so + 4 * ((bi * nFilter + f) * nMemory);
            int w0 = f * nMemory;
            for (int m = 0; m < nMemory; m++) {
              dot += wTime[w0 + m] * LittleEndian.getFloat(sa, s0 + 4 * m);
            }
            LittleEndian.setFloat(xa, xo + 4 * (bi * nFilter + f), dot);
          }
          for (int u = 0; u < nUnit; u++) {
            float sum = 0f;
            for (int r = 0; r < rank; r++) {
              sum += LittleEndian.getFloat(xa, xo + 4 * (bi * nFilter + u * rank + r));
            }
            if (b != null) {
              sum += b[u];
            }
            LittleEndian.setFloat(oa, oo + 4 * (bi * nUnit + u), activate(sum, activation));
          }
        }
      };
    }

    // Full integer.
    ctx.requireType(wf, "weights_feature", DataType.INT8);
    ctx.requireType(wt, "weights_time", DataType.INT16);
    ctx.requireType(state, "activation_state", DataType.INT16);
    ctx.requireType(output, "output", DataType.INT8);
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.INT32);
    }
    for (TensorSpec t : new TensorSpec[] {input, wf, wt, state, output}) {
      if (!t.quantization().isQuantized() || !(t.scale() > 0)) {
        throw ctx.error(t.name() + " needs a positive quantization scale");
      }
    }
    // TFLite computes these in float (the scales are floats) before widening to double.
    float eff1 = input.scale() * wf.scale() / state.scale();
    float eff2 = state.scale() * wt.scale() / output.scale();
    QuantizedMultiplier q1 = QuantizedMultiplier.of(eff1);
    QuantizedMultiplier q2 = QuantizedMultiplier.of(eff2);
    final int s1a = q1.multiplier();
    final int s1b = q1.shift();
    final int s2a = q2.multiplier();
    final int s2b = q2.shift();
    final int inputZp = input.zeroPoint();
    final int outputZp = output.zeroPoint();
    ByteBuffer wfb = ctx.packConstant(WEIGHTS_FEATURE);
    final byte[] wFeature = new byte[nFilter * nInput];
    wfb.get(0, wFeature);
    ByteBuffer wtb = ctx.packConstant(WEIGHTS_TIME);
    final short[] wTime = new short[nFilter * nMemory];
    for (int i = 0; i < wTime.length; i++) {
      wTime[i] = wtb.getShort(2 * i);
    }
    final int[] b;
    if (bias != null) {
      ByteBuffer bb = ctx.packConstant(BIAS);
      b = new int[nUnit];
      for (int i = 0; i < nUnit; i++) {
        b[i] = bb.getInt(4 * i);
      }
    } else {
      b = null;
    }
    final int scratch = ctx.scratch(4L * batch * nFilter);
    return ec -> {
      byte[] ia = ec.array(in);
      int io = ec.offset(in);
      byte[] sa = ec.array(st);
      int so = ec.offset(st);
      byte[] oa = ec.array(out);
      int oo = ec.offset(out);
      byte[] xa = ec.array(scratch);
      int xo = ec.offset(scratch);
      int total = batch * nMemory * nFilter;
      System.arraycopy(sa, so + 2, sa, so, 2 * (total - 1));
      for (int bi = 0; bi < batch; bi++) {
        int xi = io + bi * nInput;
        for (int f = 0; f < nFilter; f++) {
          int dot = 0;
          int wo = f * nInput;
          for (int k = 0; k < nInput; k++) {
            dot += wFeature[wo + k] * (ia[xi + k] - inputZp);
          }
          dot = FixedPoint.multiplyByQuantizedMultiplier(dot, s1a, s1b);
          dot = Math.max(-32768, Math.min(32767, dot));
          LittleEndian.setShort(sa, so + 2 * ((bi * nFilter + f) * nMemory + nMemory - 1), (short) dot);
        }
      }
      for (int bi = 0; bi < batch; bi++) {
        for (int f = 0; f < nFilter; f++) {
          int dot = 0;
          int s0 = so + 2 * ((bi * nFilter + f) * nMemory);
          int w0 = f * nMemory;
          for (int m = 0; m < nMemory; m++) {
            dot += wTime[w0 + m] * LittleEndian.getShort(sa, s0 + 2 * m);
          }
          LittleEndian.setInt(xa, xo + 4 * (bi * nFilter + f), dot);
        }
        for (int u = 0; u < nUnit; u++) {
          int sum = b == null ? 0 : b[u];
          for (int r = 0; r < rank; r++) {
            sum += LittleEndian.getInt(xa, xo + 4 * (bi * nFilter + u * rank + r));
          }
          int v = FixedPoint.multiplyByQuantizedMultiplier(sum, s2a, s2b) + outputZp;
          oa[oo + bi * nUnit + u] = (byte) Math.max(-128, Math.min(127, v));
        }
      }
    };
  }

  private static float activate(float x, int activation) {
    return activation == ActivationFunctionType.NONE ? x : LstmFloat.activate(x, activation);
  }

  private static float[] floats(PrepareContext ctx, int slot) throws ModelException {
    TensorSpec t = ctx.input(slot);
    ByteBuffer b = ctx.packConstant(slot);
    float[] out = new float[(int) t.elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat(4 * i);
    }
    return out;
  }
}
