package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.exec.RangeTask;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.reduce.ArgMinMaxKernels;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** Shared preparation of ARG_MAX and ARG_MIN (TFLite arg_min_max.cc). */
final class ArgMinMax {
  static final int INPUT = 0;
  static final int AXIS = 1;
  static final int OUTPUT = 0;
  /** Smallest input (elements) split across threads. */
  static final long PARALLEL_MIN_ELEMENTS = 1 << 16;

  private ArgMinMax() {}

  /**
   * {@code outputType} is the options' TensorType code; when the options are absent (code 0) the
   * output tensor's own type decides.
   */
  static PreparedOp prepare(PrepareContext ctx, boolean max, int outputType) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec input = ctx.input(INPUT);
    TensorSpec axis = ctx.input(AXIS);
    TensorSpec output = ctx.output(OUTPUT);
    ctx.requireType(
        input, "input", DataType.FLOAT32, DataType.UINT8, DataType.INT8, DataType.INT32);
    ctx.requireType(axis, "axis", DataType.INT32, DataType.INT64);
    if (axis.elementCount() != 1) {
      throw ctx.error("axis must hold exactly one value, has " + axis.elementCount());
    }
    ctx.requireType(output, "output", DataType.INT32, DataType.INT64);
    if (outputType != 0
        && outputType != DataType.INT32.code()
        && outputType != DataType.INT64.code()) {
      throw ctx.error("output_type must be int32 or int64, got " + outputType);
    }
    DataType wanted = outputType == 0 ? output.type() : DataType.fromCode(outputType);
    if (output.type() != wanted) {
      throw ctx.error("output tensor is " + output.type() + " but output_type says " + wanted);
    }
    int rank = input.rank();
    if (rank < 1) {
      throw ctx.error("input must have rank >= 1");
    }
    int a = ctx.knownInts(axis, "axis")[0];
    if (a < 0) {
      a += rank;
    }
    if (a < 0 || a >= rank) {
      throw ctx.error("axis " + a + " is out of range for rank " + rank);
    }
    int[] shape = input.shape();
    int[] outShape = new int[rank - 1];
    for (int i = 0, k = 0; i < rank; i++) {
      if (i != a) {
        outShape[k++] = shape[i];
      }
    }
    ctx.setOutputShape(OUTPUT, outShape);
    int outer = 1;
    for (int i = 0; i < a; i++) {
      outer *= shape[i];
    }
    int inner = 1;
    for (int i = a + 1; i < rank; i++) {
      inner *= shape[i];
    }
    final int axisSize = shape[a];
    final int fInner = inner;
    int fOuter = axisSize == 0 ? 0 : outer;
    DataType type = input.type();
    boolean outLong = wanted == DataType.INT64;
    int in = ctx.inputIndex(INPUT);
    int out = ctx.outputIndex(OUTPUT);
    RangeTask task = (c, from, to) -> ArgMinMaxKernels.argMinMax(max, type, c.array(in),
        c.offset(in), outLong, c.array(out), c.offset(out), from, to, axisSize, fInner);
    // Outer positions split over the intra-op threads when there is enough work (DeepLab's
    // 513x513 class map): a worker wake-up costs more than a small reduction.
    if ((long) fOuter * axisSize * fInner < PARALLEL_MIN_ELEMENTS) {
      return c -> task.run(c, 0, fOuter);
    }
    return c -> c.parallelFor(fOuter, task);
  }
}
