package io.tflited.runtime.ops.conv;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class ConvOps {
  private ConvOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.CONV_2D, 5, new Conv2d());
    r.add(BuiltinOperator.DEPTHWISE_CONV_2D, 6, new DepthwiseConv2d());
    r.add(BuiltinOperator.AVERAGE_POOL_2D, 3, new AveragePool2d());
    r.add(BuiltinOperator.MAX_POOL_2D, 3, new MaxPool2d());
    r.add(BuiltinOperator.TRANSPOSE_CONV, 3, new TransposeConv());
  }
}
