package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.reduce.ReducePlan;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ReducerOptions;
import io.tflited.runtime.ops.PrepareContext;

/**
 * Shared preparation of the reducer ops (MEAN, SUM, REDUCE_*): reads the constant axis tensor,
 * resolves negative and duplicate axes like TFLite's ResolveAxis, sets the output shape like its
 * ResizeOutputTensor and builds the {@link ReducePlan}.
 */
final class ReduceSupport {
  static final int INPUT = 0;
  static final int AXIS = 1;
  static final int OUTPUT = 0;

  /** What the reducer ops need after the common checks. */
  record Setup(
      TensorSpec input,
      TensorSpec output,
      boolean keepDims,
      int[] rawAxes,
      boolean[] reduced,
      ReducePlan plan,
      int inputIndex,
      int outputIndex) {
    /** Number of input elements folded into each output element. */
    int reduceCount() {
      return plan.reduceCount();
    }

    boolean sameQuantization() {
      return input.scale() == output.scale() && input.zeroPoint() == output.zeroPoint();
    }
  }

  private ReduceSupport() {}

  static Setup prepare(PrepareContext ctx, DataType... allowed) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec input = ctx.input(INPUT);
    TensorSpec axis = ctx.input(AXIS);
    TensorSpec output = ctx.output(OUTPUT);
    ctx.requireType(input, "input", allowed);
    if (output.type() != input.type()) {
      throw ctx.error("output type " + output.type() + " differs from input type " + input.type());
    }
    ctx.requireType(axis, "axis", DataType.INT32, DataType.INT64);
    boolean keepDims = ctx.options(BuiltinOptions.ReducerOptions, new ReducerOptions()).keepDims();
    int[] axes = ctx.knownInts(axis, "axis");
    int rank = input.rank();
    int[] shape = input.shape();
    boolean[] reduced = new boolean[rank];
    if (rank > 0) {
      for (int a : axes) {
        int r = a < 0 ? a + rank : a;
        if (r < 0 || r >= rank) {
          throw ctx.error("axis " + a + " is out of range for rank " + rank);
        }
        reduced[r] = true;
      }
    }
    int kept = 0;
    for (boolean b : reduced) {
      kept += b ? 0 : 1;
    }
    int[] outShape = new int[keepDims ? rank : kept];
    for (int i = 0, k = 0; i < rank; i++) {
      if (keepDims) {
        outShape[i] = reduced[i] ? 1 : shape[i];
      } else if (!reduced[i]) {
        outShape[k++] = shape[i];
      }
    }
    ctx.setOutputShape(OUTPUT, outShape);
    if (input.type() == DataType.INT8
        || input.type() == DataType.UINT8
        || input.type() == DataType.INT16) {
      if (input.quantization().isQuantized() && !(input.scale() > 0)) {
        throw ctx.error("input scale must be > 0");
      }
      if (output.quantization().isQuantized() && !(output.scale() > 0)) {
        throw ctx.error("output scale must be > 0");
      }
    }
    ReducePlan plan = ReducePlan.of(shape, reduced);
    return new Setup(
        input,
        output,
        keepDims,
        axes,
        reduced,
        plan,
        ctx.inputIndex(INPUT),
        ctx.outputIndex(OUTPUT));
  }

  /** TFLite 2.4.1 checks that MAX/MIN/PROD/unscaled SUM keep the 8-bit quantization. */
  static void requireSameQuantization(PrepareContext ctx, Setup s) throws ModelException {
    DataType t = s.input().type();
    if ((t == DataType.INT8 || t == DataType.UINT8) && !s.sameQuantization()) {
      throw ctx.error(
          "input and output quantization must match (input scale "
              + s.input().scale()
              + " zero point "
              + s.input().zeroPoint()
              + ", output scale "
              + s.output().scale()
              + " zero point "
              + s.output().zeroPoint()
              + ")");
    }
  }
}
