package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.StridedSliceOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.ArrayList;
import java.util.List;

/**
 * STRIDED_SLICE (TFLite strided_slice.cc with strided_slice_logic.h's StartForAxis and
 * StopForAxis). begin/end/strides are known 1-D int32/int64 tensors. Per axis: begin_mask and
 * end_mask select the full range in the stride's direction, negative indices count from the
 * end, start and stop are clamped to [0, size] (forward) or [-1, size-1] (backward),
 * shrink_axis takes one element at start and drops the axis. Beyond TFLite 2.4.1, which rejects
 * them, ellipsis_mask and new_axis_mask follow TensorFlow (and later TFLite): the ellipsis
 * expands to full ranges, a new axis inserts a size-1 dimension; axes past the spec are taken
 * whole; {@code offset} (newer TFLite) makes end relative to the resolved start.
 */
public final class StridedSlice implements OpKernel {
  public static final int INPUT = 0;
  public static final int BEGIN = 1;
  public static final int END = 2;
  public static final int STRIDES = 3;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(4, 4);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    StridedSliceOptions o =
        ctx.options(BuiltinOptions.StridedSliceOptions, new StridedSliceOptions());
    int[] begin = ctx.knownInts(ctx.input(BEGIN), "begin");
    int[] end = ctx.knownInts(ctx.input(END), "end");
    int[] strides = ctx.knownInts(ctx.input(STRIDES), "strides");
    if (begin.length != end.length || begin.length != strides.length) {
      throw ctx.error("begin, end and strides have different lengths "
          + begin.length + ", " + end.length + ", " + strides.length);
    }
    int[] shape = in.shape();
    int rank = shape.length;
    int n = begin.length;
    int ellipsis = o.ellipsisMask();
    int newAxis = o.newAxisMask();
    int shrink = o.shrinkAxisMask();
    int beginMask = o.beginMask();
    int endMask = o.endMask();
    boolean offset = o.offset();
    if (Integer.bitCount(ellipsis & ((n >= 32) ? -1 : (1 << n) - 1)) > 1) {
      throw ctx.error("more than one ellipsis");
    }
    // Count the spec entries that consume input axes (everything but new axes and ellipsis).
    int consuming = 0;
    for (int i = 0; i < n; i++) {
      if ((ellipsis & (1 << i)) == 0 && (newAxis & (1 << i)) == 0) {
        consuming++;
      }
    }
    if (consuming > rank) {
      throw ctx.error("slice spec addresses " + consuming + " axes of a rank-" + rank + " input");
    }
    int[] inStrides = StridedCopy.strides(shape);
    List<Integer> outShape = new ArrayList<>();
    int[] copyShape = new int[rank];
    int[] copySrc = new int[rank];
    int base = 0;
    int axis = 0;
    boolean sawEllipsis = false;
    for (int i = 0; i < n; i++) {
      int bit = 1 << i;
      if ((ellipsis & bit) != 0) {
        sawEllipsis = true;
        int full = rank - consuming;
        for (int k = 0; k < full; k++, axis++) {
          outShape.add(shape[axis]);
          copyShape[axis] = shape[axis];
          copySrc[axis] = inStrides[axis];
        }
        continue;
      }
      if ((newAxis & bit) != 0) {
        outShape.add(1);
        continue;
      }
      int stride = strides[i];
      if (stride == 0) {
        throw ctx.error("stride of spec entry " + i + " is zero");
      }
      int size = shape[axis];
      boolean isShrink = (shrink & bit) != 0;
      int start = startForAxis(begin[i], (beginMask & bit) != 0, stride, size);
      int stopIndex = offset ? start + end[i] : end[i];
      int stop = stopForAxis(stopIndex, (endMask & bit) != 0, isShrink, start, stride, size);
      int count = (int) Math.ceil((stop - start) / (float) stride);
      if (isShrink) {
        count = 1;
        if (start < 0 || start >= size) {
          throw ctx.error("shrink index " + begin[i] + " is out of range for axis " + axis
              + " of size " + size);
        }
      }
      if (count < 0) {
        count = 0;
      }
      if (!isShrink) {
        outShape.add(count);
      }
      copyShape[axis] = count;
      copySrc[axis] = inStrides[axis] * stride;
      if (count > 0) {
        base += start * inStrides[axis];
      }
      axis++;
    }
    // Remaining axes (no ellipsis given, or spec shorter than the rank) are taken whole.
    for (; axis < rank; axis++) {
      outShape.add(shape[axis]);
      copyShape[axis] = shape[axis];
      copySrc[axis] = inStrides[axis];
    }
    ctx.setOutputShape(OUTPUT, outShape.stream().mapToInt(Integer::intValue).toArray());
    int es = in.type().byteSize();
    StridedCopy copy =
        StridedCopy.plan(copyShape, copySrc, StridedCopy.strides(copyShape), es);
    int inIdx = ctx.inputIndex(INPUT);
    int outIdx = ctx.outputIndex(OUTPUT);
    int baseBytes = base * es;
    return c -> copy.run(c.array(inIdx), c.offset(inIdx) + baseBytes, c.array(outIdx), c.offset(outIdx));
  }

  /** strided_slice_logic.h StartForAxis. */
  static int startForAxis(int begin, boolean masked, int stride, int size) {
    long start = begin;
    if (masked) {
      start = stride > 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    }
    if (start < 0) {
      start += size;
    }
    return stride > 0 ? (int) clamp(start, 0, size) : (int) clamp(start, -1, size - 1);
  }

  /** strided_slice_logic.h StopForAxis. */
  static int stopForAxis(int end, boolean masked, boolean shrink, int start, int stride, int size) {
    long stop = end;
    if (shrink) {
      stop = start + 1L;
    }
    if (masked) {
      stop = stride > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    }
    if (stop < 0) {
      stop += size;
    }
    return stride > 0 ? (int) clamp(stop, 0, size) : (int) clamp(stop, -1, size - 1);
  }

  private static long clamp(long v, long lo, long hi) {
    if (hi < v) {
      return hi;
    }
    return v < lo ? lo : v;
  }
}
