package io.tflited.runtime.ops.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * SEGMENT_SUM (TFLite segment_sum.cc, float32/int32): output[s] = sum of data rows i with
 * segment_ids[i] == s. The ids must start at 0 and grow by 0 or 1 per row, so the output has
 * last id + 1 rows. The output size depends on the ids' values, so they must be known at
 * prepare (constant or folded); runtime ids are rejected.
 */
public final class SegmentSum implements OpKernel {
  public static final int DATA = 0;
  public static final int SEGMENT_IDS = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec data = ctx.input(DATA);
    TensorSpec idsT = ctx.input(SEGMENT_IDS);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(data, "data", DataType.FLOAT32, DataType.INT32);
    ctx.requireType(idsT, "segment_ids", DataType.INT32);
    IndexSupport.requireSameType(ctx, data, out);
    ctx.requireRank(idsT, "segment_ids", 1);
    if (data.rank() < 1) {
      throw ctx.error("data must have rank >= 1");
    }
    if (!ctx.isKnown(idsT)) {
      throw ctx.error("segment_ids (" + idsT.name() + ") must be constant: the output size "
          + "depends on their values, which tflited needs at prepare");
    }
    int[] ids = ctx.knownInts(idsT, "segment_ids");
    int[] s = data.shape();
    if (ids.length != s[0]) {
      throw ctx.error(ids.length + " segment ids for " + s[0] + " data rows");
    }
    for (int i = 0; i < ids.length; i++) {
      int delta = i == 0 ? ids[0] : ids[i] - ids[i - 1];
      if (!(i == 0 ? ids[0] == 0 : delta == 0 || delta == 1)) {
        throw ctx.error("segment_ids must start at 0 and increase by 0 or 1; id " + i + " is "
            + ids[i]);
      }
    }
    int segments = ids.length == 0 ? 0 : ids[ids.length - 1] + 1;
    int[] os = s.clone();
    os[0] = segments;
    ctx.setOutputShape(OUTPUT, os);
    int inner = (int) IndexSupport.product(s, 1, s.length);
    boolean isFloat = data.type() == DataType.FLOAT32;
    int di = ctx.inputIndex(DATA);
    int o = ctx.outputIndex(OUTPUT);
    return c -> {
      byte[] x = c.array(di);
      int xo = c.offset(di);
      byte[] y = c.array(o);
      int yo = c.offset(o);
      java.util.Arrays.fill(y, yo, yo + 4 * segments * inner, (byte) 0);
      for (int i = 0; i < ids.length; i++) {
        int dst = yo + 4 * ids[i] * inner;
        int src = xo + 4 * i * inner;
        for (int j = 0; j < inner; j++) {
          if (isFloat) {
            LittleEndian.setFloat(y, dst + 4 * j,
                LittleEndian.getFloat(y, dst + 4 * j) + LittleEndian.getFloat(x, src + 4 * j));
          } else {
            LittleEndian.setInt(y, dst + 4 * j,
                LittleEndian.getInt(y, dst + 4 * j) + LittleEndian.getInt(x, src + 4 * j));
          }
        }
      }
    };
  }
}
