package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.reduce.ReduceKernels;
import io.tflited.runtime.kernels.reduce.ReducePlan;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** The plain (non-rescaling) reductions shared by SUM, REDUCE_MAX/MIN/PROD/ANY. */
final class Reducers {
  private Reducers() {}

  static PreparedOp simple(PrepareContext ctx, int op) throws ModelException {
    ReduceSupport.Setup s =
        ReduceSupport.prepare(
            ctx, DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.INT8, DataType.UINT8);
    ReduceSupport.requireSameQuantization(ctx, s);
    return plain(s, op);
  }

  static PreparedOp plain(ReduceSupport.Setup s, int op) {
    int in = s.inputIndex();
    int out = s.outputIndex();
    ReducePlan plan = s.plan();
    DataType type = s.input().type();
    if (type == DataType.FLOAT32) {
      return c ->
          ReduceKernels.reduceFloat(
              op, c.array(in), c.offset(in), c.array(out), c.offset(out), plan);
    }
    if (type == DataType.BOOL) {
      return c ->
          ReduceKernels.reduceBool(
              op, c.array(in), c.offset(in), c.array(out), c.offset(out), plan);
    }
    return c ->
        ReduceKernels.reduceInteger(
            op, type, c.array(in), c.offset(in), c.array(out), c.offset(out), plan);
  }
}
