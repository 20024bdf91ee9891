package io.tflited.runtime.ops.generate;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.OneHotOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * ONE_HOT (TFLite one_hot.cc): {@code out[i, j, k] = (int) indices[i, k] == j ? on : off} with
 * the new depth axis at {@code axis} (-1 = last). Indices int32/int64 (int64 truncated to int as
 * TFLite does); depth a known int32 scalar; on/off scalars of the output type.
 */
public final class OneHot implements OpKernel {
  public static final int INDICES = 0;
  public static final int DEPTH = 1;
  public static final int ON_VALUE = 2;
  public static final int OFF_VALUE = 3;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(4, 4);
    ctx.checkOutputCount(1, 1);
    TensorSpec indices = ctx.input(INDICES);
    TensorSpec depthT = ctx.input(DEPTH);
    TensorSpec on = ctx.input(ON_VALUE);
    TensorSpec off = ctx.input(OFF_VALUE);
    TensorSpec out = ctx.output(OUTPUT);
    DataType t = on.type();
    ctx.requireType(on, "on_value", DataType.FLOAT32, DataType.INT16, DataType.INT32,
        DataType.INT64, DataType.INT8, DataType.UINT8, DataType.BOOL);
    ctx.requireType(off, "off_value", t);
    ctx.requireType(out, "output", t);
    ctx.requireType(indices, "indices", DataType.INT32, DataType.INT64);
    ctx.requireType(depthT, "depth", DataType.INT32);
    if (depthT.elementCount() != 1 || on.elementCount() != 1 || off.elementCount() != 1) {
      throw ctx.error("depth, on_value and off_value must have one element each");
    }
    int[] inShape = indices.shape();
    int rank = inShape.length;
    int axisOpt = ctx.options(BuiltinOptions.OneHotOptions, new OneHotOptions()).axis();
    int axis = axisOpt == -1 ? rank : axisOpt;
    if (axis < 0 || axis > rank) {
      throw ctx.error("axis " + axisOpt + " is out of range for rank-" + rank + " indices");
    }
    int depth = ctx.knownInts(depthT, "depth")[0];
    if (depth < 0) {
      throw ctx.error("depth must be non-negative, has " + depth);
    }
    int[] outShape = new int[rank + 1];
    for (int i = 0; i <= rank; i++) {
      outShape[i] = i < axis ? inShape[i] : i == axis ? depth : inShape[i - 1];
    }
    ctx.setOutputShape(OUTPUT, outShape);
    int prefix = 1;
    for (int i = 0; i < axis; i++) {
      prefix *= inShape[i];
    }
    int suffix = 1;
    for (int i = axis; i < rank; i++) {
      suffix *= inShape[i];
    }
    int pre = prefix;
    int suf = suffix;
    int size = t.byteSize();
    boolean wide = indices.type() == DataType.INT64;
    int ii = ctx.inputIndex(INDICES);
    int oni = ctx.inputIndex(ON_VALUE);
    int offi = ctx.inputIndex(OFF_VALUE);
    int o = ctx.outputIndex(OUTPUT);
    return c -> {
      byte[] idx = c.array(ii);
      int idxOff = c.offset(ii);
      byte[] onA = c.array(oni);
      int onOff = c.offset(oni);
      byte[] offA = c.array(offi);
      int offOff = c.offset(offi);
      byte[] dst = c.array(o);
      int d = c.offset(o);
      for (int i = 0; i < pre; i++) {
        for (int j = 0; j < depth; j++) {
          for (int k = 0; k < suf; k++, d += size) {
            int e = i * suf + k;
            int v = wide
                ? (int) LittleEndian.getLong(idx, idxOff + 8 * e)
                : LittleEndian.getInt(idx, idxOff + 4 * e);
            if (v == j) {
              System.arraycopy(onA, onOff, dst, d, size);
            } else {
              System.arraycopy(offA, offOff, dst, d, size);
            }
          }
        }
      }
    };
  }
}
