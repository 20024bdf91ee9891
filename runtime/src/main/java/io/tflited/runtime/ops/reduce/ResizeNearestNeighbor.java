package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.reduce.ResizeKernels;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ResizeNearestNeighborOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * RESIZE_NEAREST_NEIGHBOR on NHWC tensors of any element type, with align_corners and
 * half_pixel_centers. Source indices follow TFLite 2.4.1: its optimized uint8 kernel (used when
 * neither flag is set) computes them in 16.16 fixed point, every other case uses the float
 * reference formula.
 */
public final class ResizeNearestNeighbor implements OpKernel {
  static final int INPUT = 0;
  static final int SIZE = 1;
  static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec input = ctx.input(INPUT);
    TensorSpec output = ctx.output(OUTPUT);
    ctx.requireType(
        input,
        "input",
        DataType.FLOAT32,
        DataType.UINT8,
        DataType.INT8,
        DataType.INT16,
        DataType.INT32,
        DataType.INT64,
        DataType.BOOL);
    if (output.type() != input.type()) {
      throw ctx.error("output type " + output.type() + " differs from input type " + input.type());
    }
    ctx.requireRank(input, "input", 4);
    ResizeNearestNeighborOptions opts =
        ctx.options(
            BuiltinOptions.ResizeNearestNeighborOptions, new ResizeNearestNeighborOptions());
    boolean align = opts.alignCorners();
    boolean half = opts.halfPixelCenters();
    int[] hw = outputSize(ctx, ctx.input(SIZE));
    int batches = input.dim(0);
    int inH = input.dim(1);
    int inW = input.dim(2);
    int depth = input.dim(3);
    ctx.setOutputShape(OUTPUT, batches, hw[0], hw[1], depth);
    int[] ys;
    int[] xs;
    if (input.type() == DataType.UINT8 && !align && !half) {
      ys = ResizeKernels.nearestTableFixedPoint(inH, hw[0]);
      xs = ResizeKernels.nearestTableFixedPoint(inW, hw[1]);
    } else {
      ys = ResizeKernels.nearestTable(inH, hw[0], align, half);
      xs = ResizeKernels.nearestTable(inW, hw[1], align, half);
    }
    int pixelBytes = depth * input.type().byteSize();
    int in = ctx.inputIndex(INPUT);
    int out = ctx.outputIndex(OUTPUT);
    return c ->
        ResizeKernels.nearest(
            c.array(in),
            c.offset(in),
            c.array(out),
            c.offset(out),
            batches,
            inH,
            inW,
            pixelBytes,
            ys,
            xs);
  }

  /** The known int32 [2] size tensor as {height, width}, both > 0. */
  static int[] outputSize(PrepareContext ctx, TensorSpec size) throws ModelException {
    ctx.requireType(size, "size", DataType.INT32);
    if (size.rank() != 1 || size.dim(0) != 2) {
      throw ctx.error("size must be an int32 tensor of shape [2]");
    }
    int[] hw = ctx.knownInts(size, "size");
    if (hw[0] <= 0 || hw[1] <= 0) {
      throw ctx.error("output size must be positive, got " + hw[0] + "x" + hw[1]);
    }
    return hw;
  }
}
