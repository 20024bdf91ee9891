package io.tflited.runtime.ops.index;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * NON_MAX_SUPPRESSION_V4 (TFLite non_max_suppression.cc, float32): inputs boxes [n, 4],
 * scores [n], max_output_size (int32 scalar, known at prepare), iou_threshold, score_threshold;
 * outputs selected_indices [max_output_size] (unused tail zeroed) and num_valid (int32 scalar).
 */
public final class NonMaxSuppressionV4 implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return NonMaxSuppressionSupport.prepare(ctx, false);
  }
}
