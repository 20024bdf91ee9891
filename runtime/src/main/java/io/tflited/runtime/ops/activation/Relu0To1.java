package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.Relu0To1Kernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * RELU_0_TO_1 (current TFLite activations.cc; absent from 2.4.1). float32 follows the
 * reference {@code x > 1 ? 1 : x < 0 ? 0 : x}, so NaN and -0.0 pass through unchanged; uint8
 * and int8 requantize and clamp to [0, 1] in real units exactly like RELU_N1_TO_1.
 */
public final class Relu0To1 implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    ctx.requireType(in, "input", DataType.FLOAT32, DataType.UINT8, DataType.INT8);
    if (in.type() != DataType.FLOAT32) {
      // The float op code is unused on the quantized path.
      return ReluFamily.prepare(ctx, -1, 0f, 1f);
    }
    int n = Unary.prepareSameShape(ctx);
    Unary.requireSameType(ctx, in, ctx.output(OUTPUT));
    int i = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> Relu0To1Kernels.clamp0To1(c.array(i), c.offset(i), c.array(o), c.offset(o), n);
  }
}
