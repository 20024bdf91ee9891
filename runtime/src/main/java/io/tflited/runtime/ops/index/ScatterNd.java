package io.tflited.runtime.ops.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * SCATTER_ND (TFLite scatter_nd.cc): a zero tensor of the known shape into which the update
 * slices are ADDED at the int32 index tuples (duplicates accumulate, integer sums wrap in the
 * element type). indices [..., nd], updates [...] + shape[nd:]. TFLite 2.4.1 does not check
 * index bounds (undefined behaviour); tflited fails the invocation instead.
 */
public final class ScatterNd implements OpKernel {
  public static final int INDICES = 0;
  public static final int UPDATES = 1;
  public static final int SHAPE = 2;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(3, 3);
    ctx.checkOutputCount(1, 1);
    TensorSpec indices = ctx.input(INDICES);
    TensorSpec updates = ctx.input(UPDATES);
    TensorSpec shapeT = ctx.input(SHAPE);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(indices, "indices", DataType.INT32);
    ctx.requireType(shapeT, "shape", DataType.INT32);
    ctx.requireType(updates, "updates", DataType.FLOAT32, DataType.UINT8, DataType.INT8,
        DataType.INT64, DataType.INT32);
    IndexSupport.requireSameType(ctx, updates, out);
    ctx.requireRank(shapeT, "shape", 1);
    int[] shape = ctx.knownInts(shapeT, "shape");
    int[] is = indices.shape();
    int[] us = updates.shape();
    if (is.length < 1 || us.length < 1) {
      throw ctx.error("indices and updates must have rank >= 1");
    }
    int outerDims = is.length - 1;
    for (int i = 0; i < outerDims; i++) {
      if (i >= us.length || is[i] != us[i]) {
        throw ctx.error("indices " + Arrays.toString(is) + " and updates " + Arrays.toString(us)
            + " differ in outer dimension " + i);
      }
    }
    int nd = is[outerDims];
    if (nd > shape.length || us.length - outerDims != shape.length - nd) {
      throw ctx.error("updates " + Arrays.toString(us) + " do not match indices "
          + Arrays.toString(is) + " and shape " + Arrays.toString(shape));
    }
    for (int i = 0; i + outerDims < us.length; i++) {
      if (us[i + outerDims] != shape[nd + i]) {
        throw ctx.error("updates " + Arrays.toString(us) + " do not match shape "
            + Arrays.toString(shape));
      }
    }
    ctx.setOutputShape(OUTPUT, shape.clone());
    int slices = (int) IndexSupport.product(is, 0, outerDims);
    int sliceSize = (int) IndexSupport.product(us, outerDims, us.length);
    int total = (int) IndexSupport.product(shape, 0, shape.length);
    int[] strides = new int[nd];
    int remain = total;
    for (int i = 0; i < nd; i++) {
      strides[i] = shape[i] == 0 ? 0 : remain / shape[i];
      remain = strides[i];
    }
    DataType t = updates.type();
    int size = t.byteSize();
    int ii = ctx.inputIndex(INDICES);
    int ui = ctx.inputIndex(UPDATES);
    int o = ctx.outputIndex(OUTPUT);
    return c -> {
      byte[] x = c.array(ii);
      int xo = c.offset(ii);
      byte[] u = c.array(ui);
      int uo = c.offset(ui);
      byte[] y = c.array(o);
      int yo = c.offset(o);
      Arrays.fill(y, yo, yo + total * size, (byte) 0);
      for (int s = 0; s < slices; s++) {
        int pos = 0;
        for (int j = 0; j < nd; j++) {
          int idx = LittleEndian.getInt(x, xo + 4 * (s * nd + j));
          if (idx < 0 || idx >= shape[j]) {
            throw new InvocationException("SCATTER_ND index " + idx + " in dimension " + j
                + " is out of range [0, " + shape[j] + ")");
          }
          pos += idx * strides[j];
        }
        addSlice(t, u, uo + s * sliceSize * size, y, yo + pos * size, sliceSize);
      }
    };
  }

  private static void addSlice(DataType t, byte[] u, int uo, byte[] y, int yo, int n) {
    switch (t) {
      case FLOAT32 -> {
        for (int j = 0; j < n; j++) {
          LittleEndian.setFloat(y, yo + 4 * j,
              LittleEndian.getFloat(y, yo + 4 * j) + LittleEndian.getFloat(u, uo + 4 * j));
        }
      }
      case INT32 -> {
        for (int j = 0; j < n; j++) {
          LittleEndian.setInt(y, yo + 4 * j,
              LittleEndian.getInt(y, yo + 4 * j) + LittleEndian.getInt(u, uo + 4 * j));
        }
      }
      case INT64 -> {
        for (int j = 0; j < n; j++) {
          LittleEndian.setLong(y, yo + 8 * j,
              LittleEndian.getLong(y, yo + 8 * j) + LittleEndian.getLong(u, uo + 8 * j));
        }
      }
      default -> {
        for (int j = 0; j < n; j++) {
          y[yo + j] = (byte) (y[yo + j] + u[uo + j]);
        }
      }
    }
  }
}
