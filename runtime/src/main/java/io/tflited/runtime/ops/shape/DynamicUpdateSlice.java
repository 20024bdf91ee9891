package io.tflited.runtime.ops.shape;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.DynamicUpdateSliceKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * DYNAMIC_UPDATE_SLICE (TFLite dynamic_update_slice.cc, XLA semantics; absent from 2.4.1):
 * the operand with {@code update} written at {@code start_indices} (int32 or int64, one per
 * operand dim, read at run time). Each start index is clamped to [0, dim - update_dim] as
 * TFLite does, so the update always fits. Any fixed-size element type; rank <= 8.
 */
public final class DynamicUpdateSlice implements OpKernel {
  public static final int OPERAND = 0;
  public static final int UPDATE = 1;
  public static final int START_INDICES = 2;
  public static final int OUTPUT = 0;
  private static final int MAX_RANK = 8;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(3, 3);
    ctx.checkOutputCount(1, 1);
    TensorSpec operand = ctx.input(OPERAND);
    TensorSpec update = ctx.input(UPDATE);
    TensorSpec indices = ctx.input(START_INDICES);
    ctx.requireType(operand, "operand", DataType.FLOAT32, DataType.FLOAT16, DataType.FLOAT64,
        DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32,
        DataType.UINT32, DataType.INT64, DataType.BOOL);
    ctx.requireType(update, "update", operand.type());
    ctx.requireType(ctx.output(OUTPUT), "output", operand.type());
    ctx.requireType(indices, "start_indices", DataType.INT32, DataType.INT64);
    int[] in = operand.shape();
    int[] up = update.shape();
    int rank = in.length;
    if (rank > MAX_RANK) {
      throw ctx.error("operand rank " + rank + " exceeds " + MAX_RANK);
    }
    if (indices.rank() != 1 || indices.dim(0) != rank) {
      throw ctx.error("start_indices shape " + Shapes.str(indices.shape())
          + " must be [" + rank + "] (one index per operand dim)");
    }
    if (up.length != rank) {
      throw ctx.error("update rank " + up.length + " differs from operand rank " + rank);
    }
    for (int d = 0; d < rank; d++) {
      if (up[d] > in[d]) {
        throw ctx.error("update shape " + Shapes.str(up) + " exceeds operand shape "
            + Shapes.str(in) + " in dim " + d);
      }
    }
    ctx.setOutputShape(OUTPUT, in);
    int elem = operand.type().byteSize();
    int totalBytes = (int) operand.byteSize();
    long updateCount = update.elementCount();
    boolean wholeOperand = updateCount == operand.elementCount();
    int[] outStrides = Shapes.strides(in);
    int[] upStrides = Shapes.strides(up);
    boolean wide = indices.type() == DataType.INT64;
    int opT = ctx.inputIndex(OPERAND);
    int upT = ctx.inputIndex(UPDATE);
    int ixT = ctx.inputIndex(START_INDICES);
    int outT = ctx.outputIndex(OUTPUT);
    return c -> DynamicUpdateSliceKernels.run(c.array(opT), c.offset(opT), c.array(upT),
        c.offset(upT), c.array(ixT), c.offset(ixT), wide, c.array(outT), c.offset(outT), in, up,
        outStrides, upStrides, elem, totalBytes, wholeOperand, updateCount == 0);
  }
}
