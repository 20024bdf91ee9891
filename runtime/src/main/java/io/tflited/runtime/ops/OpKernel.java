package io.tflited.runtime.ops;

import io.tflited.runtime.ModelException;

/**
 * One operator type (TFLite's TfLiteRegistration): validates a node and precomputes everything
 * its evaluation needs. Implementations are stateless; the returned {@link PreparedOp} holds
 * the node's precomputed state and is shared by all interpreters of a compiled model.
 */
@FunctionalInterface
public interface OpKernel {
  /**
   * Checks operand counts, types, shapes and quantization; sets the output shapes; computes
   * multipliers, shifts and activation ranges; packs constant weights; requests scratch.
   */
  PreparedOp prepare(PrepareContext ctx) throws ModelException;
}
