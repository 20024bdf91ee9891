package io.tflited.runtime.ops.shape;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ShapeOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/** SHAPE (TFLite shape.cc): the input's dimensions as a 1-D int32 or int64 tensor. */
public final class Shape implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeOptions opts = ctx.options(BuiltinOptions.ShapeOptions, new ShapeOptions());
    DataType want = DataType.fromCode(opts.outType());
    ctx.requireType(out, "output", DataType.INT32, DataType.INT64);
    if ((want == DataType.INT32 || want == DataType.INT64) && want != out.type()) {
      throw ctx.error("out_type " + want + " differs from the output tensor's type " + out.type());
    }
    int[] dims = in.shape();
    ctx.setOutputShape(OUTPUT, dims.length);
    ctx.declareValueIndependent();
    int o = ctx.outputIndex(OUTPUT);
    boolean wide = out.type() == DataType.INT64;
    return c -> {
      byte[] a = c.array(o);
      int off = c.offset(o);
      for (int i = 0; i < dims.length; i++) {
        if (wide) {
          LittleEndian.setLong(a, off + 8 * i, dims[i]);
        } else {
          LittleEndian.setInt(a, off + 4 * i, dims[i]);
        }
      }
    };
  }
}
