package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.exec.RangeTask;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.reduce.ResizeKernels;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ResizeBilinearOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * RESIZE_BILINEAR on NHWC tensors, with align_corners or half_pixel_centers (not both).
 *
 * <ul>
 *   <li>float32 and uint8 follow TFLite 2.4.1 exactly (for uint8 its
 *       ResizeBilinearGenericSmallChannel: float weights, truncation; with half_pixel_centers the
 *       coordinate of the first row/column is negative and the weights extrapolate, and
 *       out-of-range uint8 results wrap, as 2.4.1 does). DeepLab's uint8 resizes need this.
 *   <li>int8 without half_pixel_centers: TFLite 2.4.1's fixed-point ResizeBilinearInteger (10-bit
 *       weights, +0.5 and truncation), bit for bit.
 *   <li>int8 with half_pixel_centers, where TFLite 2.4.1 is wrong (it extrapolates at the first
 *       row/column and wraps): the corrected behaviour of current LiteRT, whose XNNPACK kernel
 *       clamps the source coordinate to the input and interpolates with Q11 weights; reproduced bit
 *       for bit.
 *   <li>int16: current TFLite's ResizeBilinearInteger (rounding half away from zero; the half-pixel
 *       coordinate clamped at 0).
 * </ul>
 */
public final class ResizeBilinear implements OpKernel {
  /** Smallest output (elements) split across threads: ~10 us of interpolation. */
  static final long PARALLEL_MIN_ELEMENTS = 1 << 15;
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
        input, "input", DataType.FLOAT32, DataType.UINT8, DataType.INT8, DataType.INT16);
    if (output.type() != input.type()) {
      throw ctx.error("output type " + output.type() + " differs from input type " + input.type());
    }
    ctx.requireRank(input, "input", 4);
    ResizeBilinearOptions opts =
        ctx.options(BuiltinOptions.ResizeBilinearOptions, new ResizeBilinearOptions());
    boolean align = opts.alignCorners();
    boolean half = opts.halfPixelCenters();
    if (align && half) {
      throw ctx.error("align_corners and half_pixel_centers cannot both be true");
    }
    int[] hw = ResizeNearestNeighbor.outputSize(ctx, ctx.input(SIZE));
    int batches = input.dim(0);
    int inH = input.dim(1);
    int inW = input.dim(2);
    int depth = input.dim(3);
    ctx.setOutputShape(OUTPUT, batches, hw[0], hw[1], depth);
    DataType type = input.type();
    int in = ctx.inputIndex(INPUT);
    int out = ctx.outputIndex(OUTPUT);
    int rows = batches * hw[0];
    RangeTask task;
    if (type == DataType.INT8 && half) {
      int[][] qys = ResizeKernels.q11Table(inH, hw[0], align, true);
      int[][] qxs = ResizeKernels.q11Table(inW, hw[1], align, true);
      task = (c, from, to) -> ResizeKernels.bilinearInt8Q11(c.array(in), c.offset(in),
          c.array(out), c.offset(out), from, to, inH, inW, depth, qys, qxs);
    } else if (type == DataType.INT8 || type == DataType.INT16) {
      boolean legacy = type == DataType.INT8;
      int[][] iys = ResizeKernels.integerTable(inH, hw[0], align, half, true);
      int[][] ixs = ResizeKernels.integerTable(inW, hw[1], align, half, true);
      int elemBytes = type.byteSize();
      task = (c, from, to) -> ResizeKernels.bilinearInteger(elemBytes, legacy, c.array(in),
          c.offset(in), c.array(out), c.offset(out), from, to, inH, inW, depth, iys, ixs);
    } else {
      ResizeKernels.Axis ys = ResizeKernels.bilinearTable(inH, hw[0], align, half, false);
      ResizeKernels.Axis xs = ResizeKernels.bilinearTable(inW, hw[1], align, half, false);
      task = type == DataType.FLOAT32
          ? (c, from, to) -> ResizeKernels.bilinearFloat(c.array(in), c.offset(in),
              c.array(out), c.offset(out), from, to, inH, inW, depth, ys, xs)
          : (c, from, to) -> ResizeKernels.bilinearUint8(c.array(in), c.offset(in),
              c.array(out), c.offset(out), from, to, inH, inW, depth, ys, xs);
    }
    // Output rows split over the intra-op threads (DeepLab's 33x33 -> 513x513 upsampling is 8%
    // of the model, and left on one thread it capped the 2-thread speed-up); small outputs stay
    // on the calling thread, where a worker wake-up would cost more than the work.
    if ((long) rows * hw[1] * depth < PARALLEL_MIN_ELEMENTS) {
      return c -> task.run(c, 0, rows);
    }
    return c -> c.parallelFor(rows, task);
  }
}
