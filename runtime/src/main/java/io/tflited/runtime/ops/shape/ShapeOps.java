package io.tflited.runtime.ops.shape;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class ShapeOps {
  private ShapeOps() {}

  public static void register(OpRegistry r) {
  }
}
