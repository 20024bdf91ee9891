package io.tflited.runtime.ops.index;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * NON_MAX_SUPPRESSION_V5 (TFLite non_max_suppression.cc, float32): V4's inputs plus
 * soft_nms_sigma; outputs selected_indices [max_output_size], selected_scores
 * [max_output_size] (decayed scores; unused tails zeroed) and num_valid (int32 scalar).
 */
public final class NonMaxSuppressionV5 implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    return NonMaxSuppressionSupport.prepare(ctx, true);
  }
}
