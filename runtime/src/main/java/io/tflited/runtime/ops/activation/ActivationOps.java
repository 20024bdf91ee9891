package io.tflited.runtime.ops.activation;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class ActivationOps {
  private ActivationOps() {}

  public static void register(OpRegistry r) {
  }
}
