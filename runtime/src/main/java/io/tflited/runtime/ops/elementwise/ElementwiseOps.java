package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class ElementwiseOps {
  private ElementwiseOps() {}

  public static void register(OpRegistry r) {
  }
}
