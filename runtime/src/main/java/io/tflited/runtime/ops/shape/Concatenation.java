package io.tflited.runtime.ops.shape;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.ConcatKernels;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ConcatenationOptions;
import io.tflited.runtime.ops.Activation;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * CONCATENATION (TFLite 2.4.1 concatenation.cc). All inputs share the type and every dimension
 * but {@code axis} (negative counts from the end). uint8 inputs whose scale or zero point differ
 * from the output's are requantized exactly as ConcatenationWithScaling does (float scale and
 * bias, round half away from zero, clamp); int8 inputs must match the output's quantization;
 * int16 zero points must be 0 (then data is copied). TFLite 2.4.1 rejects fused activations;
 * tflited applies them (clamp in output units), which is the op's evident meaning.
 */
public final class Concatenation implements OpKernel {
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = ctx.inputCount();
    if (n < 1) {
      throw ctx.error("needs at least one input");
    }
    ctx.checkOutputCount(1, 1);
    ConcatenationOptions opts =
        ctx.options(BuiltinOptions.ConcatenationOptions, new ConcatenationOptions());
    TensorSpec t0 = ctx.input(0);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, t0, out);
    DataType type = t0.type();
    int rank = t0.rank();
    int axis = ShapeSupport.axis(ctx, opts.axis(), rank, "axis");
    int[] outShape = t0.shape();
    int sum = 0;
    TensorSpec[] ins = new TensorSpec[n];
    for (int i = 0; i < n; i++) {
      TensorSpec t = ctx.input(i);
      ins[i] = t;
      if (t.type() != type) {
        throw ctx.error("input " + i + " has type " + t.type() + ", input 0 has " + type);
      }
      if (t.rank() != rank) {
        throw ctx.error("input " + i + " has rank " + t.rank() + ", input 0 has " + rank);
      }
      for (int d = 0; d < rank; d++) {
        if (d != axis && t.dim(d) != outShape[d]) {
          throw ctx.error("input " + i + " shape " + Arrays.toString(t.shape())
              + " does not match input 0 " + Arrays.toString(outShape) + " outside axis " + axis);
        }
      }
      sum += t.dim(axis);
    }
    outShape[axis] = sum;
    int act = opts.fusedActivationFunction();
    if (type == DataType.INT8) {
      for (int i = 0; i < n; i++) {
        if (!ShapeSupport.sameQuant(ins[i], out)) {
          throw ctx.error("int8 input " + i + " quantization (" + ins[i].quantization()
              + ") differs from the output's (" + out.quantization() + "); no rescaling for int8");
        }
      }
    }
    if (type == DataType.INT16) {
      for (int i = 0; i < n; i++) {
        if (ins[i].zeroPoint() != 0) {
          throw ctx.error("int16 input " + i + " has zero point " + ins[i].zeroPoint());
        }
      }
      if (out.zeroPoint() != 0) {
        throw ctx.error("int16 output has zero point " + out.zeroPoint());
      }
    }
    ctx.setOutputShape(OUTPUT, outShape);

    int es = type.byteSize();
    int outer = (int) ShapeSupport.product(outShape, 0, axis);
    int inner = (int) ShapeSupport.product(outShape, axis + 1, rank);
    int[] idx = new int[n];
    int[] chunk = new int[n];
    float[] scale = new float[n];
    float[] bias = new float[n];
    boolean[] rescale = new boolean[n];
    for (int i = 0; i < n; i++) {
      idx[i] = ctx.inputIndex(i);
      chunk[i] = ins[i].dim(axis) * inner;
      if (type == DataType.UINT8
          && !(ins[i].zeroPoint() == out.zeroPoint() && ins[i].scale() == out.scale())) {
        rescale[i] = true;
        float inverseOutputScale = 1.0f / out.scale();
        scale[i] = ins[i].scale() * inverseOutputScale;
        bias[i] = -ins[i].zeroPoint() * scale[i];
      }
    }
    int o = ctx.outputIndex(OUTPUT);
    int outZp = out.zeroPoint();
    int total = (int) out.elementCount();
    boolean clampFloat = type == DataType.FLOAT32 && act != ActivationFunctionType.NONE;
    boolean clampInt =
        (type == DataType.UINT8 || type == DataType.INT8 || type == DataType.INT16)
            && act != ActivationFunctionType.NONE;
    if (act != ActivationFunctionType.NONE && !clampFloat && !clampInt) {
      throw ctx.error("fused activation is not supported for " + type);
    }
    float[] fr = clampFloat ? Activation.floatRange(act, ctx) : null;
    int[] qr = clampInt ? Activation.quantizedRange(act, out, ctx) : null;
    return c -> {
      byte[] dst = c.array(o);
      int dOff = c.offset(o);
      int pos = dOff;
      for (int k = 0; k < outer; k++) {
        for (int i = 0; i < n; i++) {
          int t = idx[i];
          int len = chunk[i];
          int src = c.offset(t) + k * len * es;
          if (rescale[i]) {
            ConcatKernels.requantizeU8(c.array(t), src, dst, pos, len, scale[i], bias[i], outZp);
          } else {
            System.arraycopy(c.array(t), src, dst, pos, len * es);
          }
          pos += len * es;
        }
      }
      if (fr != null) {
        ConcatKernels.clampFloat(dst, dOff, total, fr[0], fr[1]);
      } else if (qr != null) {
        ConcatKernels.clampQuantized(dst, dOff, total, type, qr[0], qr[1]);
      }
    };
  }
}
