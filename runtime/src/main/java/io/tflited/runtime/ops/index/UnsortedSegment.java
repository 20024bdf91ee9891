package io.tflited.runtime.ops.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.index.UnsortedSegmentKernels;
import io.tflited.runtime.kernels.index.UnsortedSegmentKernels.Reduction;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * Shared preparation of UNSORTED_SEGMENT_SUM/PROD/MAX/MIN (TFLite unsorted_segment.cc;
 * absent from 2.4.1), float32 and int32 data, int32 ids; the loop is UnsortedSegmentKernels.
 *
 * <ol>
 *   <li>num_segments must be a known scalar or [1] tensor; the output is [num_segments,
 *       data.shape[1:]].
 *   <li>segment_ids is 1-D with data.shape[0] entries. A negative id drops its row; an id >=
 *       num_segments is an error (at prepare when the ids are constant, else at run time).
 *   <li>Every output element starts at the reduction's identity as TFLite fills it (sum 0,
 *       prod 1, max the type's lowest value, min its highest; for float32 these are -/+
 *       FLT_MAX, not infinities), so empty segments keep it.
 *   <li>Max and min compare like std::max/std::min: a NaN row leaves the accumulator as it
 *       was. int32 sums and products wrap.
 * </ol>
 */
final class UnsortedSegment {
  static final int DATA = 0;
  static final int SEGMENT_IDS = 1;
  static final int NUM_SEGMENTS = 2;
  static final int OUTPUT = 0;

  private UnsortedSegment() {}

  static PreparedOp prepare(PrepareContext ctx, Reduction reduction) throws ModelException {
    ctx.checkInputCount(3, 3);
    ctx.checkOutputCount(1, 1);
    TensorSpec data = ctx.input(DATA);
    TensorSpec ids = ctx.input(SEGMENT_IDS);
    TensorSpec num = ctx.input(NUM_SEGMENTS);
    ctx.requireType(data, "data", DataType.FLOAT32, DataType.INT32);
    ctx.requireType(ctx.output(OUTPUT), "output", data.type());
    ctx.requireType(ids, "segment_ids", DataType.INT32);
    ctx.requireType(num, "num_segments", DataType.INT32);
    if (!(num.rank() == 0 || (num.rank() == 1 && num.dim(0) == 1))) {
      throw ctx.error("num_segments shape " + Shapes.str(num.shape()) + " must be [] or [1]");
    }
    int numSegments = ctx.knownInts(num, "num_segments")[0];
    if (numSegments < 0) {
      throw ctx.error("num_segments " + numSegments + " is negative");
    }
    int[] ds = data.shape();
    if (ds.length < 1) {
      throw ctx.error("data must have rank >= 1");
    }
    if (ids.rank() != 1 || ids.dim(0) != ds[0]) {
      throw ctx.error("segment_ids shape " + Shapes.str(ids.shape()) + " must be [" + ds[0]
          + "] (one id per row of data " + Shapes.str(ds) + ")");
    }
    if (ctx.isKnown(ids)) {
      int[] known = ctx.knownInts(ids, "segment_ids");
      int max = Arrays.stream(known).max().orElse(-1);
      if (max >= numSegments) {
        throw ctx.error("segment id " + max + " is out of range for num_segments " + numSegments);
      }
    }
    int[] outShape = ds.clone();
    outShape[0] = numSegments;
    ctx.setOutputShape(OUTPUT, outShape);
    int rows = ds[0];
    int inner = 1;
    for (int d = 1; d < ds.length; d++) {
      inner *= ds[d];
    }
    int rowLen = inner;
    int outCount = numSegments * inner;
    boolean isFloat = data.type() == DataType.FLOAT32;
    String op = ctx.opName();
    int dT = ctx.inputIndex(DATA);
    int iT = ctx.inputIndex(SEGMENT_IDS);
    int oT = ctx.outputIndex(OUTPUT);
    return c -> UnsortedSegmentKernels.run(op, reduction, isFloat, c.array(dT), c.offset(dT),
        c.array(iT), c.offset(iT), c.array(oT), c.offset(oT), rows, rowLen, numSegments,
        outCount);
  }
}
