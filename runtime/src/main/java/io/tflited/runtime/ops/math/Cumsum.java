package io.tflited.runtime.ops.math;

import io.tflited.runtime.model.fb.CumsumOptions;
import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.math.MathKernels;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * CUMSUM (TFLite cumsum.cc): running sum along a known int32 {@code axis} (negative counts
 * from the end), float32/int32/int64, with the {@code exclusive} and {@code reverse} options.
 */
public final class Cumsum implements OpKernel {
  public static final int INPUT = 0;
  public static final int AXIS = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec axisT = ctx.input(AXIS);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(in, "input", DataType.FLOAT32, DataType.INT32, DataType.INT64);
    ctx.requireType(out, "output", in.type());
    ctx.requireType(axisT, "axis", DataType.INT32);
    int[] ax = ctx.knownInts(axisT, "axis");
    if (ax.length != 1) {
      throw ctx.error("axis must have one element, has " + ax.length);
    }
    int[] shape = in.shape();
    int rank = shape.length;
    if (rank < 1) {
      throw ctx.error("input must have rank >= 1");
    }
    int axis = ax[0] < 0 ? ax[0] + rank : ax[0];
    if (axis < 0 || axis >= rank) {
      throw ctx.error("axis " + ax[0] + " is out of range for rank " + rank);
    }
    CumsumOptions opts = ctx.options(BuiltinOptions.CumsumOptions, new CumsumOptions());
    boolean exclusive = opts.exclusive();
    boolean reverse = opts.reverse();
    ctx.setOutputShape(OUTPUT, shape);
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= shape[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < rank; i++) {
      inner *= shape[i];
    }
    int len = shape[axis];
    int ot = outer;
    int it = inner;
    int type = switch (in.type()) {
      case FLOAT32 -> 0;
      case INT32 -> 1;
      default -> 2;
    };
    int i = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> MathKernels.cumsum(type, c.array(i), c.offset(i), c.array(o), c.offset(o), ot, len,
        it, exclusive, reverse);
  }
}
