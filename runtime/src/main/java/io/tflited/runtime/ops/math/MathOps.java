package io.tflited.runtime.ops.math;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class MathOps {
  private MathOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.POW, 1, new Pow());
    r.add(BuiltinOperator.SIN, 1, new Sin());
    r.add(BuiltinOperator.COS, 1, new Cos());
    r.add(BuiltinOperator.ELU, 1, new Elu());
    r.add(BuiltinOperator.ADD_N, 1, new AddN());
    r.add(BuiltinOperator.CUMSUM, 1, new Cumsum());
    r.add(BuiltinOperator.GELU, 1, new Gelu());
    r.add(BuiltinOperator.SIGN, 2, new Sign());
    r.add(BuiltinOperator.ATAN2, 1, new Atan2());
  }
}
