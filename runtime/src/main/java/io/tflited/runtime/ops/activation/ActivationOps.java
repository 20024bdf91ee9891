package io.tflited.runtime.ops.activation;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class ActivationOps {
  private ActivationOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.QUANTIZE, 2, new Quantize());
    r.add(BuiltinOperator.RELU_0_TO_1, 1, new Relu0To1());
    r.add(BuiltinOperator.DEQUANTIZE, 4, new Dequantize());
    r.add(BuiltinOperator.SOFTMAX, 3, new Softmax());
    r.add(BuiltinOperator.LOGISTIC, 3, new Logistic());
    r.add(BuiltinOperator.TANH, 3, new Tanh());
    r.add(BuiltinOperator.RELU, 2, new Relu());
    r.add(BuiltinOperator.RELU6, 2, new Relu6());
    r.add(BuiltinOperator.RELU_N1_TO_1, 1, new ReluN1To1());
    r.add(BuiltinOperator.LEAKY_RELU, 2, new LeakyRelu());
    r.add(BuiltinOperator.HARD_SWISH, 1, new HardSwish());
    r.add(BuiltinOperator.EXP, 1, new Exp());
    r.add(BuiltinOperator.LOG, 1, new Log());
    r.add(BuiltinOperator.SQRT, 1, new Sqrt());
    r.add(BuiltinOperator.RSQRT, 1, new Rsqrt());
    r.add(BuiltinOperator.ABS, 2, new Abs());
    r.add(BuiltinOperator.NEG, 1, new Neg());
    r.add(BuiltinOperator.FLOOR, 1, new Floor());
    r.add(BuiltinOperator.CEIL, 1, new Ceil());
    r.add(BuiltinOperator.ROUND, 1, new Round());
    r.add(BuiltinOperator.SQUARE, 1, new Square());
    r.add(BuiltinOperator.CAST, 1, new Cast());
    r.add(BuiltinOperator.LOG_SOFTMAX, 1, new LogSoftmax());
    r.add(BuiltinOperator.L2_NORMALIZATION, 2, new L2Normalization());
  }
}
