package io.tflited.runtime.ops.math;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * ADD_N (TFLite add_n.cc): element-wise sum of two or more same-shape float32/int32 tensors,
 * accumulated in input order (int32 wraps).
 */
public final class AddN implements OpKernel {
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, Integer.MAX_VALUE);
    ctx.checkOutputCount(1, 1);
    int count = ctx.inputCount();
    TensorSpec first = ctx.input(0);
    ctx.requireType(first, "input 0", DataType.FLOAT32, DataType.INT32);
    for (int k = 1; k < count; k++) {
      TensorSpec t = ctx.input(k);
      ctx.requireType(t, "input " + k, first.type());
      if (!Arrays.equals(t.shape(), first.shape())) {
        throw ctx.error("input " + k + " shape differs from input 0's");
      }
    }
    ctx.requireType(ctx.output(OUTPUT), "output", first.type());
    ctx.setOutputShape(OUTPUT, first.shape());
    int n = (int) first.elementCount();
    int[] ins = new int[count];
    for (int k = 0; k < count; k++) {
      ins[k] = ctx.inputIndex(k);
    }
    int o = ctx.outputIndex(OUTPUT);
    boolean isFloat = first.type() == DataType.FLOAT32;
    return c -> {
      byte[] dst = c.array(o);
      int d = c.offset(o);
      byte[] a0 = c.array(ins[0]);
      int o0 = c.offset(ins[0]);
      if (isFloat) {
        for (int e = 0; e < n; e++) {
          LittleEndian.setFloat(dst, d + 4 * e, LittleEndian.getFloat(a0, o0 + 4 * e));
        }
        for (int k = 1; k < ins.length; k++) {
          byte[] a = c.array(ins[k]);
          int ao = c.offset(ins[k]);
          for (int e = 0; e < n; e++) {
            LittleEndian.setFloat(dst, d + 4 * e,
                LittleEndian.getFloat(dst, d + 4 * e) + LittleEndian.getFloat(a, ao + 4 * e));
          }
        }
      } else {
        for (int e = 0; e < n; e++) {
          LittleEndian.setInt(dst, d + 4 * e, LittleEndian.getInt(a0, o0 + 4 * e));
        }
        for (int k = 1; k < ins.length; k++) {
          byte[] a = c.array(ins[k]);
          int ao = c.offset(ins[k]);
          for (int e = 0; e < n; e++) {
            LittleEndian.setInt(dst, d + 4 * e,
                LittleEndian.getInt(dst, d + 4 * e) + LittleEndian.getInt(a, ao + 4 * e));
          }
        }
      }
    };
  }
}
