package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.reduce.ReduceKernels;
import io.tflited.runtime.kernels.reduce.ReducePlan;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/**
 * MEAN with TFLite 2.4.1's kernel selection.
 *
 * <ul>
 *   <li>float32: float sum in input order divided by the count; int32/int64: wide integer sum
 *       divided with truncation.
 *   <li>keep_dims, rank 4, axis tensor exactly [1,2] or [2,1] (the global average pool of
 *       classifiers): int8 uses reference_integer_ops::Mean (zero-point corrected sum times the
 *       in/out scale multiplier, divided by the count rounding half away from zero); uint8 uses
 *       optimized_ops::Mean (raw sum, one multiplier for in_scale/(count*out_scale), a bias folding
 *       both zero points truncated toward zero).
 *   <li>other int8/uint8 with identical quantization: integer mean with truncation.
 *   <li>other int8/uint8: QuantizedMeanOrSum, a float rescale of the integer mean.
 *   <li>int16 (zero points 0, MEAN v3) takes the int8 paths: reference_integer_ops::Mean for the 4D
 *       case, else truncating integer mean or QuantizedMeanOrSum.
 * </ul>
 */
public final class Mean implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ReduceSupport.Setup s =
        ReduceSupport.prepare(
            ctx,
            DataType.FLOAT32,
            DataType.INT32,
            DataType.INT64,
            DataType.INT8,
            DataType.UINT8,
            DataType.INT16);
    DataType type = s.input().type();
    if (type == DataType.INT16 && (s.input().zeroPoint() != 0 || s.output().zeroPoint() != 0)) {
      throw ctx.error("int16 input and output zero points must be 0");
    }
    if (type != DataType.INT8 && type != DataType.UINT8 && type != DataType.INT16) {
      return Reducers.plain(s, ReduceKernels.MEAN);
    }
    int in = s.inputIndex();
    int out = s.outputIndex();
    ReducePlan plan = s.plan();
    float inScale = s.input().scale();
    float outScale = s.output().scale();
    int inZp = s.input().zeroPoint();
    int outZp = s.output().zeroPoint();
    if (isMean4dOverHeightWidth(s) && type != DataType.UINT8) {
      // reference_integer_ops::Mean with the multiplier of in_scale/out_scale.
      QuantizedMultiplier qm = QuantizedMultiplier.of((double) inScale / (double) outScale);
      int multiplier = qm.multiplier();
      int shift = qm.shift();
      return c ->
          ReduceKernels.integerMeanReference(
              type,
              c.array(in),
              c.offset(in),
              c.array(out),
              c.offset(out),
              plan,
              multiplier,
              shift,
              inZp,
              outZp);
    }
    if (isMean4dOverHeightWidth(s)) {
      // optimized_ops::Mean (uint8): bias truncated toward zero, float real scale.
      float count = (float) (s.input().dim(1) * s.input().dim(2));
      float temp = (float) inZp * inScale / outScale;
      int bias = outZp - (int) temp;
      float realScale = inScale / (count * outScale);
      QuantizedMultiplier qm = QuantizedMultiplier.of(realScale);
      int multiplier = qm.multiplier();
      int shift = qm.shift();
      return c ->
          ReduceKernels.quantizedMeanMultiplier(
              type,
              c.array(in),
              c.offset(in),
              c.array(out),
              c.offset(out),
              plan,
              multiplier,
              shift,
              bias);
    }
    if (s.sameQuantization()) {
      return Reducers.plain(s, ReduceKernels.MEAN);
    }
    float scale = inScale / outScale;
    float bias = (float) -inZp * scale;
    float fbias = bias;
    return c ->
        ReduceKernels.quantizedMeanFloat(
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

  /** The condition under which TFLite 2.4.1 uses its specialised 4D mean. */
  static boolean isMean4dOverHeightWidth(ReduceSupport.Setup s) {
    int[] a = s.rawAxes();
    return s.keepDims()
        && s.input().rank() == 4
        && a.length == 2
        && ((a[0] == 1 && a[1] == 2) || (a[0] == 2 && a[1] == 1));
  }
}
