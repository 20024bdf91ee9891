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
 * SPARSE_TO_DENSE (TFLite sparse_to_dense.cc): an output of the known output_shape (rank <= 4)
 * filled with default_value, then value i (or the scalar value) written at index i in order
 * (a later duplicate wins). indices: int32/int64, rank 0 or 1 (positions in a vector) or 2
 * ([n, rank] tuples). TFLite 2.4.1 does not check index bounds (undefined behaviour); tflited
 * fails the invocation instead.
 */
public final class SparseToDense implements OpKernel {
  public static final int INDICES = 0;
  public static final int OUTPUT_SHAPE = 1;
  public static final int VALUES = 2;
  public static final int DEFAULT_VALUE = 3;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(4, 4);
    ctx.checkOutputCount(1, 1);
    TensorSpec indices = ctx.input(INDICES);
    TensorSpec shapeT = ctx.input(OUTPUT_SHAPE);
    TensorSpec values = ctx.input(VALUES);
    TensorSpec def = ctx.input(DEFAULT_VALUE);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(indices, "indices", DataType.INT32, DataType.INT64);
    ctx.requireType(shapeT, "output_shape", DataType.INT32, DataType.INT64);
    ctx.requireType(values, "values", DataType.INT32, DataType.INT64, DataType.INT8,
        DataType.UINT8, DataType.FLOAT32);
    IndexSupport.requireSameType(ctx, values, def);
    IndexSupport.requireSameType(ctx, values, out);
    ctx.requireRank(indices, "indices", 0, 1, 2);
    ctx.requireRank(shapeT, "output_shape", 1);
    ctx.requireRank(values, "values", 0, 1);
    if (def.elementCount() != 1) {
      throw ctx.error("default_value must have one element");
    }
    int[] shape = ctx.knownInts(shapeT, "output_shape");
    if (shape.length > 4) {
      throw ctx.error("output rank " + shape.length + " > 4");
    }
    int count = indices.rank() == 0 ? 1 : indices.dim(0);
    int width = indices.rank() == 2 ? indices.dim(1) : 1;
    if (indices.rank() == 2 ? width != shape.length : shape.length != 1) {
      throw ctx.error("indices " + Arrays.toString(indices.shape()) + " do not match output_shape "
          + Arrays.toString(shape));
    }
    boolean scalar = values.rank() == 0;
    if (scalar && count != 1) {
      // TFLite 2.4.1 CheckDimensionsMatch: a scalar value goes with exactly one index.
      throw ctx.error("a scalar value requires exactly one index, got " + count);
    }
    if (!scalar && values.dim(0) != count) {
      throw ctx.error(values.dim(0) + " values for " + count + " indices");
    }
    ctx.setOutputShape(OUTPUT, shape.clone());
    int total = (int) IndexSupport.product(shape, 0, shape.length);
    int size = values.type().byteSize();
    boolean wide = indices.type() == DataType.INT64;
    int ii = ctx.inputIndex(INDICES);
    int vi = ctx.inputIndex(VALUES);
    int di = ctx.inputIndex(DEFAULT_VALUE);
    int o = ctx.outputIndex(OUTPUT);
    return c -> {
      byte[] x = c.array(ii);
      int xo = c.offset(ii);
      byte[] v = c.array(vi);
      int vo = c.offset(vi);
      byte[] d = c.array(di);
      int dOff = c.offset(di);
      byte[] y = c.array(o);
      int yo = c.offset(o);
      for (int i = 0; i < total; i++) {
        System.arraycopy(d, dOff, y, yo + i * size, size);
      }
      for (int i = 0; i < count; i++) {
        long pos = 0;
        for (int j = 0; j < width; j++) {
          int k = i * width + j;
          long idx = wide ? LittleEndian.getLong(x, xo + 8 * k) : LittleEndian.getInt(x, xo + 4 * k);
          if (idx < 0 || idx >= shape[j]) {
            throw new InvocationException("SPARSE_TO_DENSE index " + idx + " in dimension " + j
                + " is out of range [0, " + shape[j] + ")");
          }
          pos = pos * shape[j] + idx;
        }
        System.arraycopy(v, vo + (scalar ? 0 : i * size), y, yo + (int) pos * size, size);
      }
    };
  }
}
