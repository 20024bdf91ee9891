package io.tflited.runtime.ops.generate;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.nio.ByteBuffer;

/**
 * RANGE (TFLite range.cc): {@code start, start+delta, ...} while short of {@code limit}; int32 or
 * float32 scalars. The output size depends on the values, so start, limit and delta must be
 * known at prepare. Values are accumulated ({@code v += delta}) as TFLite does.
 */
public final class Range implements OpKernel {
  public static final int START = 0;
  public static final int LIMIT = 1;
  public static final int DELTA = 2;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(3, 3);
    ctx.checkOutputCount(1, 1);
    TensorSpec start = ctx.input(START);
    TensorSpec limit = ctx.input(LIMIT);
    TensorSpec delta = ctx.input(DELTA);
    DataType t = start.type();
    ctx.requireType(start, "start", DataType.INT32, DataType.FLOAT32);
    ctx.requireType(limit, "limit", t);
    ctx.requireType(delta, "delta", t);
    ctx.requireType(ctx.output(OUTPUT), "output", t);
    ctx.requireRank(start, "start", 0);
    ctx.requireRank(limit, "limit", 0);
    ctx.requireRank(delta, "delta", 0);
    ByteBuffer s = ctx.knownValue(start);
    ByteBuffer l = ctx.knownValue(limit);
    ByteBuffer d = ctx.knownValue(delta);
    if (s == null || l == null || d == null) {
      throw ctx.error("start, limit and delta must be constant: the output size depends on them");
    }
    int size;
    if (t == DataType.INT32) {
      int sv = s.getInt(0);
      int lv = l.getInt(0);
      int dv = d.getInt(0);
      check(ctx, dv != 0, (sv > lv && dv < 0) || (sv < lv && dv > 0));
      size = (Math.abs(lv - sv) + Math.abs(dv) - 1) / Math.abs(dv);
    } else {
      float sv = s.getFloat(0);
      float lv = l.getFloat(0);
      float dv = d.getFloat(0);
      check(ctx, dv != 0, (sv > lv && dv < 0) || (sv < lv && dv > 0));
      double n = Math.ceil(Math.abs((lv - sv) / dv));
      if (!(n <= Integer.MAX_VALUE)) {
        throw ctx.error("range of " + n + " elements is too large");
      }
      size = (int) n;
    }
    if (size < 0) {
      throw ctx.error("range size overflows");
    }
    ctx.setOutputShape(OUTPUT, size);
    int si = ctx.inputIndex(START);
    int di = ctx.inputIndex(DELTA);
    int o = ctx.outputIndex(OUTPUT);
    if (t == DataType.INT32) {
      return c -> {
        int v = LittleEndian.getInt(c.array(si), c.offset(si));
        int dv = LittleEndian.getInt(c.array(di), c.offset(di));
        byte[] a = c.array(o);
        int off = c.offset(o);
        for (int i = 0; i < size; i++, v += dv) {
          LittleEndian.setInt(a, off + 4 * i, v);
        }
      };
    }
    return c -> {
      float v = LittleEndian.getFloat(c.array(si), c.offset(si));
      float dv = LittleEndian.getFloat(c.array(di), c.offset(di));
      byte[] a = c.array(o);
      int off = c.offset(o);
      for (int i = 0; i < size; i++, v += dv) {
        LittleEndian.setFloat(a, off + 4 * i, v);
      }
    };
  }

  private static void check(PrepareContext ctx, boolean nonZero, boolean direction)
      throws ModelException {
    if (!nonZero) {
      throw ctx.error("delta must not be zero");
    }
    if (!direction) {
      throw ctx.error("delta must move start towards limit");
    }
  }
}
