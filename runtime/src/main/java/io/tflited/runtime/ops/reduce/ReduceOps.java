package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class ReduceOps {
  private ReduceOps() {}

  public static void register(OpRegistry r) {
  }
}
