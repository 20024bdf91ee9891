package io.tflited.runtime.ops.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * EMBEDDING_LOOKUP (TFLite embedding_lookup.cc): output row i = value row lookup[i]; lookup is
 * an int32 vector, value has rank >= 2. For uint8/int8 values with a float32 output (hybrid),
 * each byte is read as a SIGNED int8 (also for uint8, as 2.4.1 does) and multiplied by the
 * value scale in double precision, ignoring the zero point. An index outside [0, rows) fails.
 */
public final class EmbeddingLookup implements OpKernel {
  public static final int LOOKUP = 0;
  public static final int VALUE = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec lookup = ctx.input(LOOKUP);
    TensorSpec value = ctx.input(VALUE);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(lookup, "lookup", DataType.INT32);
    ctx.requireRank(lookup, "lookup", 1);
    ctx.requireType(value, "value", DataType.FLOAT32, DataType.UINT8, DataType.INT8);
    if (value.rank() < 2) {
      throw ctx.error("value must have rank >= 2");
    }
    boolean hybrid = value.type() != DataType.FLOAT32 && out.type() == DataType.FLOAT32;
    if (!hybrid) {
      IndexSupport.requireSameType(ctx, value, out);
    }
    int[] s = value.shape().clone();
    int rows = s[0];
    int n = lookup.dim(0);
    s[0] = n;
    ctx.setOutputShape(OUTPUT, s);
    int cols = (int) IndexSupport.product(s, 1, s.length);
    int rowBytes = cols * value.type().byteSize();
    double scale = value.scale();
    int li = ctx.inputIndex(LOOKUP);
    int vi = ctx.inputIndex(VALUE);
    int o = ctx.outputIndex(OUTPUT);
    return c -> {
      byte[] l = c.array(li);
      int lo = c.offset(li);
      byte[] v = c.array(vi);
      int vo = c.offset(vi);
      byte[] y = c.array(o);
      int yo = c.offset(o);
      for (int i = 0; i < n; i++) {
        int idx = LittleEndian.getInt(l, lo + 4 * i);
        if (idx < 0 || idx >= rows) {
          throw new InvocationException("EMBEDDING_LOOKUP index " + idx
              + " is out of bounds [0, " + (rows - 1) + "]");
        }
        if (hybrid) {
          int src = vo + idx * cols;
          int dst = yo + 4 * i * cols;
          for (int j = 0; j < cols; j++) {
            LittleEndian.setFloat(y, dst + 4 * j, (float) (v[src + j] * scale));
          }
        } else {
          System.arraycopy(v, vo + idx * rowBytes, y, yo + i * rowBytes, rowBytes);
        }
      }
    };
  }
}
