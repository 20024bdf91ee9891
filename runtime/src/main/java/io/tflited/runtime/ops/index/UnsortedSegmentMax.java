package io.tflited.runtime.ops.index;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.index.UnsortedSegmentKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** UNSORTED_SEGMENT_MAX (TFLite unsorted_segment.cc); semantics in {@link UnsortedSegment}. */
public final class UnsortedSegmentMax implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return UnsortedSegment.prepare(ctx, UnsortedSegmentKernels.Reduction.MAX);
  }
}
