package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.FloatRows;
import io.tflited.runtime.kernels.elementwise.Int16PotAddRow;
import io.tflited.runtime.kernels.elementwise.IntRows;
import io.tflited.runtime.kernels.elementwise.QuantizedAddRow;
import io.tflited.runtime.kernels.vector.ElementwiseVector;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.ops.Activation;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/** The shared preparation of ADD and SUB (TFLite add.cc / sub.cc). */
final class AddSub {
  private AddSub() {}

  static PreparedOp prepare(
      PrepareContext ctx, boolean subtract, int activation, boolean potScaleInt16)
      throws ModelException {
    // TFLite 2.4.1 has int64 SUB but no int64 ADD.
    if (subtract) {
      Binary.check(
          ctx, true, DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.INT8,
          DataType.UINT8, DataType.INT16);
    } else {
      Binary.check(
          ctx, true, DataType.FLOAT32, DataType.INT32, DataType.INT8, DataType.UINT8,
          DataType.INT16);
    }
    TensorSpec a = ctx.input(Binary.INPUT1);
    TensorSpec b = ctx.input(Binary.INPUT2);
    TensorSpec out = ctx.output(Binary.OUTPUT);
    BinaryRow row =
        switch (a.type()) {
          case FLOAT32 -> {
            float[] r = Activation.floatRange(activation, ctx);
            if (subtract) {
              yield FloatRows.sub(r[0], r[1]);
            }
            BinaryRow scalar = FloatRows.add(r[0], r[1]);
            yield ctx.useVectorKernels()
                ? ElementwiseVector.floatRow(false, r[0], r[1], scalar)
                : scalar;
          }
          case INT32 -> {
            int[] r = intRange(activation, ctx);
            yield subtract
                ? IntRows.int32((x, y) -> x - y, r[0], r[1])
                : IntRows.int32((x, y) -> x + y, r[0], r[1]);
          }
          case INT64 -> {
            int[] r = intRange(activation, ctx);
            long lo = r[0] == Integer.MIN_VALUE ? Long.MIN_VALUE : r[0];
            long hi = r[1] == Integer.MAX_VALUE ? Long.MAX_VALUE : r[1];
            yield subtract
                ? IntRows.int64((x, y) -> x - y, lo, hi)
                : IntRows.int64((x, y) -> x + y, lo, hi);
          }
          default -> quantized(ctx, a, b, out, subtract, activation, potScaleInt16);
        };
    return Binary.op(ctx, row);
  }

  /** TFLite CalculateActivationRange for int32/int64 outputs. */
  static int[] intRange(int activation, PrepareContext ctx) throws ModelException {
    return switch (activation) {
      case ActivationFunctionType.NONE -> new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
      case ActivationFunctionType.RELU -> new int[] {0, Integer.MAX_VALUE};
      case ActivationFunctionType.RELU6 -> new int[] {0, 6};
      case ActivationFunctionType.RELU_N1_TO_1 -> new int[] {-1, 1};
      default -> throw ctx.error("unsupported fused activation " + activation);
    };
  }

  private static BinaryRow quantized(
      PrepareContext ctx,
      TensorSpec a,
      TensorSpec b,
      TensorSpec out,
      boolean subtract,
      int activation,
      boolean potScaleInt16)
      throws ModelException {
    float sa = Binary.scale(ctx, a, "input 1");
    float sb = Binary.scale(ctx, b, "input 2");
    float so = Binary.scale(ctx, out, "output");
    int za = Binary.zeroPoint(ctx, a, "input 1");
    int zb = Binary.zeroPoint(ctx, b, "input 2");
    int zo = Binary.zeroPoint(ctx, out, "output");
    int[] range = Binary.activationRange(activation, out, ctx);
    DataType t = a.type();
    if (t == DataType.INT16 && potScaleInt16 && za == 0 && zb == 0 && zo == 0) {
      Integer la = Binary.checkedLog2(sa);
      Integer lb = Binary.checkedLog2(sb);
      Integer lo = Binary.checkedLog2(so);
      if (la != null && lb != null && lo != null) {
        int shift1 = la - lo;
        int shift2 = lb - lo;
        if (!(shift1 == 0 || shift2 == 0) || shift1 > 0 || shift2 > 0) {
          throw ctx.error(
              "int16 power-of-two scales need one input at the output scale and the other"
                  + " at a smaller one (input shifts " + shift1 + ", " + shift2 + ")");
        }
        return new Int16PotAddRow(-shift1, -shift2, subtract, range[0], range[1]);
      }
    }
    int leftShift = t == DataType.INT16 ? 15 : 20;
    double twiceMax = 2 * Math.max(sa, sb);
    QuantizedMultiplier m1 = Binary.smallerThanOne(ctx, sa / twiceMax, "input 1");
    QuantizedMultiplier m2 = Binary.smallerThanOne(ctx, sb / twiceMax, "input 2");
    QuantizedMultiplier mo =
        Binary.smallerThanOne(ctx, twiceMax / ((float) (1 << leftShift) * so), "output");
    int m2v = subtract ? -m2.multiplier() : m2.multiplier();
    QuantizedAddRow scalar = new QuantizedAddRow(
        t, -za, -zb, zo, leftShift, m1.multiplier(), m1.shift(), m2v, m2.shift(),
        mo.multiplier(), mo.shift(), range[0], range[1]);
    if (t != DataType.INT16 && ctx.useVectorKernels() && ElementwiseVector.eightBitSupported()) {
      return ElementwiseVector.add8(
          t == DataType.INT8, -za, -zb, zo, leftShift, m1.multiplier(), m1.shift(), m2v,
          m2.shift(), mo.multiplier(), mo.shift(), range[0], range[1], scalar);
    }
    return scalar;
  }
}
