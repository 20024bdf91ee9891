package io.tflited.runtime.ops.generate;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * FILL (TFLite fill.cc): a tensor of shape {@code dims} (known int32/int64 vector) filled with
 * the scalar {@code value}; the output has the value's type (and, for int8/int16, its
 * quantization is not changed: the bytes are copied).
 */
public final class Fill implements OpKernel {
  public static final int DIMS = 0;
  public static final int VALUE = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec dimsT = ctx.input(DIMS);
    TensorSpec value = ctx.input(VALUE);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireRank(dimsT, "dims", 1);
    ctx.requireRank(value, "value", 0);
    ctx.requireType(value, "value", GenerateSupport.NUMERIC);
    if (out.type() != value.type()) {
      throw ctx.error("output type " + out.type() + " differs from value type " + value.type());
    }
    int[] dims = ctx.knownInts(dimsT, "dims");
    for (int d : dims) {
      if (d < 0) {
        throw ctx.error("dims must be non-negative, has " + d);
      }
    }
    ctx.setOutputShape(OUTPUT, dims);
    int size = value.type().byteSize();
    long count = 1;
    for (int d : dims) {
      count = Math.multiplyExact(count, (long) d);
    }
    if (count * size > Integer.MAX_VALUE) {
      throw ctx.error("output of " + count + " elements is too large");
    }
    int n = (int) count;
    int v = ctx.inputIndex(VALUE);
    int o = ctx.outputIndex(OUTPUT);
    return c -> GenerateSupport.fill(c.array(v), c.offset(v), size, c.array(o), c.offset(o), n);
  }
}
