package io.tflited.runtime.ops.generate;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class GenerateOps {
  private GenerateOps() {}

  public static void register(OpRegistry r) {
  }
}
