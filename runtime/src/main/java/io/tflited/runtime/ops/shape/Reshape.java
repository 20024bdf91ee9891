package io.tflited.runtime.ops.shape;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ReshapeOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * RESHAPE (TFLite 2.4.1 reshape.cc): the new shape comes from input 1 when it is a 1-D int32
 * tensor, otherwise from the {@code new_shape} option ({@code [0]} there means a scalar); one
 * dimension may be -1 and is inferred. The data is copied unchanged.
 */
public final class Reshape implements OpKernel {
  public static final int INPUT = 0;
  public static final int SHAPE = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    int[] shape = requestedShape(ctx);
    long inCount = in.elementCount();
    long outCount = 1;
    int stretch = -1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == -1) {
        if (stretch != -1) {
          throw ctx.error("new shape has more than one -1 dimension");
        }
        stretch = i;
      } else if (shape[i] < 0) {
        throw ctx.error("new shape has a negative dimension " + shape[i]);
      } else {
        outCount *= shape[i];
      }
    }
    if (stretch != -1) {
      if (outCount == 0) {
        throw ctx.error("cannot infer the -1 dimension next to a zero-sized dimension");
      }
      shape[stretch] = (int) (inCount / outCount);
      outCount *= shape[stretch];
    }
    if (outCount != inCount) {
      throw ctx.error(
          "cannot reshape " + in.elementCount() + " elements " + java.util.Arrays.toString(in.shape())
              + " to " + java.util.Arrays.toString(shape));
    }
    ctx.setOutputShape(OUTPUT, shape);
    return copy(ctx.inputIndex(INPUT), ctx.outputIndex(OUTPUT), (int) in.byteSize());
  }

  private static int[] requestedShape(PrepareContext ctx) throws ModelException {
    TensorSpec shapeTensor = ctx.optionalInput(SHAPE);
    ReshapeOptions opts = ctx.options(BuiltinOptions.ReshapeOptions, new ReshapeOptions());
    boolean hasParam = opts.newShapeLength() > 0;
    if (shapeTensor != null
        && shapeTensor.rank() == 1
        && (shapeTensor.type() == DataType.INT32 || !hasParam)) {
      if (ctx.isKnown(shapeTensor) || !hasParam) {
        return ctx.knownInts(shapeTensor, "shape");
      }
    }
    int n = opts.newShapeLength();
    if (n == 1 && opts.newShape(0) == 0) {
      return new int[0];
    }
    int[] shape = new int[n];
    for (int i = 0; i < n; i++) {
      shape[i] = opts.newShape(i);
    }
    return shape;
  }

  /** Copies an input's bytes to an output unchanged. */
  static PreparedOp copy(int in, int out, int bytes) {
    return c -> System.arraycopy(c.array(in), c.offset(in), c.array(out), c.offset(out), bytes);
  }
}
