package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.SplitVOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * SPLIT_V (TFLite split_v.cc): input 0 the tensor, input 1 the part sizes (1-D int32/int64,
 * one may be -1 = the rest), input 2 the axis (scalar).
 */
public final class SplitV implements OpKernel {
  public static final int INPUT = 0;
  public static final int SIZE_SPLITS = 1;
  public static final int AXIS = 2;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(3, 3);
    ctx.options(BuiltinOptions.SplitVOptions, new SplitVOptions());
    TensorSpec in = ctx.input(INPUT);
    int rank = in.rank();
    int axis =
        ShapeSupport.axis(ctx, ShapeSupport.knownScalar(ctx, ctx.input(AXIS), "axis"), rank, "axis");
    TensorSpec st = ctx.input(SIZE_SPLITS);
    if (st.rank() != 1) {
      throw ctx.error("size_splits must be 1-D");
    }
    int[] sizes = ctx.knownInts(st, "size_splits");
    int num = sizes.length;
    ctx.checkOutputCount(num, num);
    int size = in.dim(axis);
    int minus = -1;
    long sum = 0;
    for (int i = 0; i < num; i++) {
      if (sizes[i] == -1) {
        if (minus != -1) {
          throw ctx.error("size_splits has more than one -1");
        }
        minus = i;
      } else if (sizes[i] < 0) {
        throw ctx.error("size_splits has a negative size " + sizes[i]);
      } else {
        sum += sizes[i];
      }
    }
    if (minus != -1) {
      if (sum > size) {
        throw ctx.error("size_splits sum " + sum + " exceeds dimension size " + size);
      }
      sizes[minus] = (int) (size - sum);
    } else if (sum != size) {
      throw ctx.error("size_splits sum " + sum + " differs from dimension size " + size);
    }
    return prepareParts(ctx, INPUT, axis, sizes);
  }

  /** Outputs i get {@code sizes[i]} consecutive slices of {@code in} along {@code axis}. */
  static PreparedOp prepareParts(PrepareContext ctx, int inputSlot, int axis, int[] sizes)
      throws ModelException {
    TensorSpec in = ctx.input(inputSlot);
    int num = sizes.length;
    int[] shape = in.shape();
    int es = in.type().byteSize();
    int outer = (int) ShapeSupport.product(shape, 0, axis);
    int inner = (int) ShapeSupport.product(shape, axis + 1, shape.length);
    int[] outs = new int[num];
    int[] chunk = new int[num];
    for (int i = 0; i < num; i++) {
      TensorSpec out = ctx.output(i);
      ShapeSupport.requireSameType(ctx, in, out);
      int[] s = shape.clone();
      s[axis] = sizes[i];
      ctx.setOutputShape(i, s);
      outs[i] = ctx.outputIndex(i);
      chunk[i] = sizes[i] * inner * es;
    }
    int inIdx = ctx.inputIndex(inputSlot);
    int rowBytes = shape[axis] * inner * es;
    return c -> {
      byte[] src = c.array(inIdx);
      int base = c.offset(inIdx);
      for (int k = 0; k < outer; k++) {
        int pos = base + k * rowBytes;
        for (int i = 0; i < num; i++) {
          int len = chunk[i];
          System.arraycopy(src, pos, c.array(outs[i]), c.offset(outs[i]) + k * len, len);
          pos += len;
        }
      }
    };
  }
}
