package io.tflited.runtime.ops.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * HASHTABLE_LOOKUP (TFLite hashtable_lookup.cc): for each int32 lookup, a binary search over
 * the sorted int32 keys; a hit copies the matching value row and sets hits[i] = 1, a miss
 * writes a zero row and hits[i] = 0. The search replicates glibc bsearch with TFLite's
 * comparator (key difference a - b in int32, wrapping), so duplicate or unsorted keys and
 * extreme values resolve exactly as in TFLite. String values are not supported.
 */
public final class HashtableLookup implements OpKernel {
  public static final int LOOKUP = 0;
  public static final int KEY = 1;
  public static final int VALUE = 2;
  public static final int OUTPUT = 0;
  public static final int HITS = 1;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(3, 3);
    ctx.checkOutputCount(2, 2);
    TensorSpec lookup = ctx.input(LOOKUP);
    TensorSpec key = ctx.input(KEY);
    TensorSpec value = ctx.input(VALUE);
    TensorSpec out = ctx.output(OUTPUT);
    TensorSpec hits = ctx.output(HITS);
    ctx.requireType(lookup, "lookup", DataType.INT32);
    ctx.requireRank(lookup, "lookup", 1);
    ctx.requireType(key, "key", DataType.INT32);
    ctx.requireRank(key, "key", 1);
    ctx.requireType(value, "value", DataType.FLOAT32, DataType.INT32, DataType.INT64,
        DataType.UINT8, DataType.INT8);
    ctx.requireType(hits, "hits", DataType.UINT8);
    IndexSupport.requireSameType(ctx, value, out);
    if (value.rank() < 1 || value.dim(0) != key.dim(0)) {
      throw ctx.error("value " + Arrays.toString(value.shape()) + " must have one row per key ("
          + key.dim(0) + ")");
    }
    int n = lookup.dim(0);
    int rows = key.dim(0);
    int[] os = value.shape().clone();
    os[0] = n;
    ctx.setOutputShape(OUTPUT, os);
    ctx.setOutputShape(HITS, n);
    int rowBytes = (int) IndexSupport.product(os, 1, os.length) * value.type().byteSize();
    int li = ctx.inputIndex(LOOKUP);
    int ki = ctx.inputIndex(KEY);
    int vi = ctx.inputIndex(VALUE);
    int o = ctx.outputIndex(OUTPUT);
    int h = ctx.outputIndex(HITS);
    return c -> {
      byte[] l = c.array(li);
      int lo = c.offset(li);
      byte[] k = c.array(ki);
      int ko = c.offset(ki);
      byte[] v = c.array(vi);
      int vo = c.offset(vi);
      byte[] y = c.array(o);
      int yo = c.offset(o);
      byte[] hy = c.array(h);
      int ho = c.offset(h);
      for (int i = 0; i < n; i++) {
        int want = LittleEndian.getInt(l, lo + 4 * i);
        int found = -1;
        int a = 0;
        int b = rows;
        while (a < b) {
          int mid = (a + b) >>> 1;
          int cmp = want - LittleEndian.getInt(k, ko + 4 * mid);
          if (cmp < 0) {
            b = mid;
          } else if (cmp > 0) {
            a = mid + 1;
          } else {
            found = mid;
            break;
          }
        }
        if (found < 0) {
          Arrays.fill(y, yo + i * rowBytes, yo + (i + 1) * rowBytes, (byte) 0);
          hy[ho + i] = 0;
        } else {
          System.arraycopy(v, vo + found * rowBytes, y, yo + i * rowBytes, rowBytes);
          hy[ho + i] = 1;
        }
      }
    };
  }
}
