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
    r.add(BuiltinOperator.DIV, 2, new Div());
    r.add(BuiltinOperator.MAXIMUM, 4, new Maximum());
    r.add(BuiltinOperator.MINIMUM, 4, new Minimum());
    r.add(BuiltinOperator.SQUARED_DIFFERENCE, 1, new SquaredDifference());
    r.add(BuiltinOperator.FLOOR_DIV, 2, new FloorDiv());
    r.add(BuiltinOperator.FLOOR_MOD, 1, new FloorMod());
    r.add(BuiltinOperator.PRELU, 1, new Prelu());
    r.add(BuiltinOperator.LESS, 2, new Less());
    r.add(BuiltinOperator.GREATER, 2, new Greater());
    r.add(BuiltinOperator.EQUAL, 2, new Equal());
    r.add(BuiltinOperator.NOT_EQUAL, 2, new NotEqual());
    r.add(BuiltinOperator.LESS_EQUAL, 2, new LessEqual());
    r.add(BuiltinOperator.GREATER_EQUAL, 2, new GreaterEqual());
    r.add(BuiltinOperator.SELECT, 2, new Select());
    r.add(BuiltinOperator.SELECT_V2, 1, new SelectV2());
    r.add(BuiltinOperator.BITWISE_XOR, 1, new BitwiseXor());
    r.add(BuiltinOperator.RIGHT_SHIFT, 1, new RightShift());
  }
}
