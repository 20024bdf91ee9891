package io.tflited.runtime.ops.math;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class MathOps {
  private MathOps() {}

  public static void register(OpRegistry r) {
  }
}
