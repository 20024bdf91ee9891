package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.reduce.ReduceKernels;
import io.tflited.runtime.kernels.reduce.ReducePlan;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * SUM. float32, int32 and int64 add in their own type. int8/uint8 with the same quantization in and
 * out add raw values (wrapping like TFLite); with different quantization they use TFLite 2.4.1's
 * QuantizedMeanOrSum(compute_sum) float rescale, which does not clamp.
 */
public final class Sum implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ReduceSupport.Setup s =
        ReduceSupport.prepare(
            ctx, DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.INT8, DataType.UINT8);
    DataType type = s.input().type();
    boolean eightBit = type == DataType.INT8 || type == DataType.UINT8;
    if (!eightBit || s.sameQuantization()) {
      return Reducers.plain(s, ReduceKernels.SUM);
    }
    float scale = s.input().scale() / s.output().scale();
    float bias = (float) -s.input().zeroPoint() * scale * (float) s.reduceCount();
    float fbias = bias;
    int outZp = s.output().zeroPoint();
    int in = s.inputIndex();
    int out = s.outputIndex();
    ReducePlan plan = s.plan();
    return c ->
        ReduceKernels.quantizedSumFloat(
            type,
            c.array(in),
            c.offset(in),
            c.array(out),
            c.offset(out),
            plan,
            scale,
            fbias,
            outZp);
  }
}
