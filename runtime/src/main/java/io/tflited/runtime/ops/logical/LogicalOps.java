package io.tflited.runtime.ops.logical;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class LogicalOps {
  private LogicalOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.LOGICAL_AND, 1, new LogicalAnd());
    r.add(BuiltinOperator.LOGICAL_OR, 1, new LogicalOr());
    r.add(BuiltinOperator.LOGICAL_NOT, 1, new LogicalNot());
  }
}
