package io.tflited.runtime.ops.generate;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * ZEROS_LIKE (TFLite zeros_like.cc): a zero tensor of the input's shape and type. TFLite 2.4.1
 * accepts int32, int64 and float32; all-zero bytes are zero for every fixed-size type, so the
 * other numeric types are accepted too.
 */
public final class ZerosLike implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(in, "input", GenerateSupport.NUMERIC);
    if (out.type() != in.type()) {
      throw ctx.error("output type " + out.type() + " differs from input type " + in.type());
    }
    ctx.setOutputShape(OUTPUT, in.shape());
    ctx.declareValueIndependent();
    int bytes = (int) in.byteSize();
    int o = ctx.outputIndex(OUTPUT);
    return c -> java.util.Arrays.fill(c.array(o), c.offset(o), c.offset(o) + bytes, (byte) 0);
  }
}
