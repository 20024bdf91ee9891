package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.PackOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * PACK (TFLite pack.cc): stacks {@code values_count} same-shaped inputs along a new axis (in
 * [-rank-1, rank]). As in TFLite 2.4.1, int8/uint8 inputs must be quantized like the output.
 */
public final class Pack implements OpKernel {
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    PackOptions opts = ctx.options(BuiltinOptions.PackOptions, new PackOptions());
    int n = opts.valuesCount();
    ctx.checkInputCount(n, n);
    ctx.checkOutputCount(1, 1);
    if (n < 1) {
      throw ctx.error("values_count must be positive");
    }
    TensorSpec t0 = ctx.input(0);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, t0, out);
    int rank = t0.rank();
    int axis = opts.axis();
    if (axis < 0) {
      axis += rank + 1;
    }
    if (axis < 0 || axis > rank) {
      throw ctx.error("axis " + opts.axis() + " out of range for rank " + rank);
    }
    int[] shape = t0.shape();
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      TensorSpec t = ctx.input(i);
      if (t.type() != t0.type() || !Arrays.equals(t.shape(), shape)) {
        throw ctx.error("input " + i + " " + t + " differs from input 0 " + t0);
      }
      ShapeSupport.requireSameQuant(ctx, t, out, "input " + i);
      idx[i] = ctx.inputIndex(i);
    }
    int[] outShape = new int[rank + 1];
    for (int i = 0, j = 0; i <= rank; i++) {
      outShape[i] = i == axis ? n : shape[j++];
    }
    ctx.setOutputShape(OUTPUT, outShape);
    int es = t0.type().byteSize();
    int outer = (int) ShapeSupport.product(shape, 0, axis);
    int chunk = (int) ShapeSupport.product(shape, axis, rank) * es;
    int o = ctx.outputIndex(OUTPUT);
    return c -> {
      byte[] dst = c.array(o);
      int pos = c.offset(o);
      for (int k = 0; k < outer; k++) {
        for (int i = 0; i < n; i++) {
          System.arraycopy(c.array(idx[i]), c.offset(idx[i]) + k * chunk, dst, pos, chunk);
          pos += chunk;
        }
      }
    };
  }
}
