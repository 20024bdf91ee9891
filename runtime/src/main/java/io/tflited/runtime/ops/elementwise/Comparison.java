package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.CompareRow;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/** Shared preparation of the six comparison ops (TFLite comparisons.cc). */
final class Comparison {
  private Comparison() {}

  static PreparedOp prepare(PrepareContext ctx, CompareRow.Op op) throws ModelException {
    boolean equality = op == CompareRow.Op.EQUAL || op == CompareRow.Op.NOT_EQUAL;
    if (equality) {
      Binary.check(
          ctx, false, DataType.BOOL, DataType.FLOAT32, DataType.INT32, DataType.INT64,
          DataType.UINT8, DataType.INT8);
    } else {
      Binary.check(
          ctx, false, DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.UINT8,
          DataType.INT8);
    }
    TensorSpec a = ctx.input(Binary.INPUT1);
    TensorSpec b = ctx.input(Binary.INPUT2);
    ctx.requireType(ctx.output(Binary.OUTPUT), "output", DataType.BOOL);
    BinaryRow row;
    if (a.type() == DataType.INT8 || a.type() == DataType.UINT8) {
      // TFLite rescales quantized inputs: (v - zp) << 8, times the scale as a Q31 multiplier.
      float sa = Binary.scale(ctx, a, "input 1");
      float sb = Binary.scale(ctx, b, "input 2");
      // TFLite 2.4.1 aborts on scales >= 1 (QuantizeMultiplierSmallerThanOneExp); tflited
      // rescales them with the general multiplier instead.
      QuantizedMultiplier m1 = QuantizedMultiplier.of(sa);
      QuantizedMultiplier m2 = QuantizedMultiplier.of(sb);
      row =
          new CompareRow(
              op, a.type(), -Binary.zeroPoint(ctx, a, "input 1"), m1.multiplier(), m1.shift(),
              -Binary.zeroPoint(ctx, b, "input 2"), m2.multiplier(), m2.shift());
    } else {
      row = new CompareRow(op, a.type());
    }
    return Binary.op(ctx, row);
  }
}
