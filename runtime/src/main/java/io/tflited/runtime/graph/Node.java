package io.tflited.runtime.graph;

import io.tflited.runtime.model.fb.Operator;

/**
 * One operator invocation of subgraph 0, in execution order.
 *
 * @param index position in the execution order
 * @param builtinCode the BuiltinOperator code ({@code CUSTOM} = 32 for custom ops)
 * @param customCode the custom op name, or null for builtins
 * @param version the operator version declared by the model
 * @param inputs tensor indices, -1 for an omitted optional input
 * @param outputs tensor indices
 * @param intermediates tensor indices of the op's internal tensors (LSTM quantization)
 * @param operator the verified FlatBuffer table, for reading options
 */
public record Node(
    int index,
    int builtinCode,
    String customCode,
    int version,
    int[] inputs,
    int[] outputs,
    int[] intermediates,
    Operator operator) {

  /** "CONV_2D" or the custom op's name. */
  public String opName() {
    return customCode != null ? customCode : OpNames.name(builtinCode);
  }
}
