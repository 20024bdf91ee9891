package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class ElementwiseOps {
  private ElementwiseOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.ADD, 4, new Add());
    r.add(BuiltinOperator.SUB, 5, new Sub());
    r.add(BuiltinOperator.MUL, 4, new Mul());
  }
}
