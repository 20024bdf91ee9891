package io.tflited.runtime.ops.activation;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class ActivationOps {
  private ActivationOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.QUANTIZE, 2, new Quantize());
    r.add(BuiltinOperator.DEQUANTIZE, 4, new Dequantize());
    r.add(BuiltinOperator.SOFTMAX, 2, new Softmax());
    r.add(BuiltinOperator.LOGISTIC, 2, new Logistic());
    r.add(BuiltinOperator.TANH, 2, new Tanh());
  }
}
