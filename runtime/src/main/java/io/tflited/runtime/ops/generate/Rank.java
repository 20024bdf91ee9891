package io.tflited.runtime.ops.generate;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** RANK (TFLite rank.cc): the input's number of dimensions as an int32 scalar. */
public final class Rank implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    int rank = ctx.input(INPUT).rank();
    ctx.requireType(ctx.output(OUTPUT), "output", DataType.INT32);
    ctx.setOutputShape(OUTPUT);
    ctx.declareValueIndependent();
    int o = ctx.outputIndex(OUTPUT);
    return c -> LittleEndian.setInt(c.array(o), c.offset(o), rank);
  }
}
