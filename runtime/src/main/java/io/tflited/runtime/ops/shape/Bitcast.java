package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/**
 * BITCAST (TFLite bitcast.cc; absent from 2.4.1): reinterprets the input's little-endian bytes
 * as the output type, with tf.bitcast's shape rule. Same element size: same shape. A larger
 * input element appends a last dim of sizeof(in)/sizeof(out). A smaller input element needs a
 * last dim equal to sizeof(out)/sizeof(in), which is dropped.
 */
public final class Bitcast implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    requireFixedSize(ctx, in, "input");
    requireFixedSize(ctx, out, "output");
    int inSize = in.type().byteSize();
    int outSize = out.type().byteSize();
    int[] s = in.shape();
    int[] shape;
    if (inSize > outSize) {
      shape = Arrays.copyOf(s, s.length + 1);
      shape[s.length] = inSize / outSize;
    } else if (inSize < outSize) {
      int ratio = outSize / inSize;
      if (s.length == 0 || s[s.length - 1] != ratio) {
        throw ctx.error("input " + in.type() + " " + Shapes.str(s) + " must end in a dim of "
            + ratio + " to bitcast to " + out.type());
      }
      shape = Arrays.copyOf(s, s.length - 1);
    } else {
      shape = s.clone();
    }
    ctx.setOutputShape(OUTPUT, shape);
    int bytes = (int) in.byteSize();
    int i = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> System.arraycopy(c.array(i), c.offset(i), c.array(o), c.offset(o), bytes);
  }

  private static void requireFixedSize(PrepareContext ctx, TensorSpec t, String role)
      throws ModelException {
    switch (t.type()) {
      case FLOAT32, FLOAT16, FLOAT64, INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64,
          BOOL -> {}
      default -> throw ctx.error(role + " type " + t.type() + " cannot be bitcast");
    }
  }
}
