package io.tflited.runtime.graph;

import io.tflited.runtime.model.fb.BuiltinOperator;

/** Human-readable operator names. */
public final class OpNames {
  private OpNames() {}

  public static String name(int builtinCode) {
    if (builtinCode >= 0 && builtinCode < BuiltinOperator.names.length) {
      String n = BuiltinOperator.name(builtinCode);
      if (n != null && !n.isEmpty()) {
        return n;
      }
    }
    return "BUILTIN_" + builtinCode;
  }
}
