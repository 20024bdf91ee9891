package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SqueezeOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * SQUEEZE (TFLite squeeze.cc): removes the listed size-1 dimensions ({@code squeeze_dims}, may
 * be negative), or every size-1 dimension when none are listed.
 */
public final class Squeeze implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    SqueezeOptions opts = ctx.options(BuiltinOptions.SqueezeOptions, new SqueezeOptions());
    int rank = in.rank();
    int[] shape = in.shape();
    boolean[] drop = new boolean[rank];
    if (opts.squeezeDimsLength() == 0) {
      for (int i = 0; i < rank; i++) {
        drop[i] = shape[i] == 1;
      }
    } else {
      for (int k = 0; k < opts.squeezeDimsLength(); k++) {
        int d = ShapeSupport.axis(ctx, opts.squeezeDims(k), rank, "squeeze dim");
        if (shape[d] != 1) {
          throw ctx.error("cannot squeeze dimension " + d + " of size " + shape[d]
              + " in " + Arrays.toString(shape));
        }
        drop[d] = true;
      }
    }
    int[] outShape = new int[rank];
    int n = 0;
    for (int i = 0; i < rank; i++) {
      if (!drop[i]) {
        outShape[n++] = shape[i];
      }
    }
    ctx.setOutputShape(OUTPUT, Arrays.copyOf(outShape, n));
    return Reshape.copy(ctx.inputIndex(INPUT), ctx.outputIndex(OUTPUT), (int) in.byteSize());
  }
}
