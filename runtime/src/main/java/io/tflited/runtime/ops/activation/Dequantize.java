package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.QuantizeKernels;
import io.tflited.runtime.kernels.vector.QuantizeVector;
import io.tflited.runtime.kernels.vector.VectorWarmup;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * DEQUANTIZE: uint8/int8/int16 (per tensor) and float16 -> float32, as TFLite 2.4.1; 8-bit
 * inputs on the Vector API where it runs.
 */
public final class Dequantize implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = Unary.prepareSameShape(ctx);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(in, "input", DataType.UINT8, DataType.INT8, DataType.INT16, DataType.FLOAT16);
    ctx.requireType(out, "output", DataType.FLOAT32);
    int inT = ctx.inputIndex(INPUT);
    int outT = ctx.outputIndex(OUTPUT);
    if (in.type() == DataType.FLOAT16) {
      return c -> QuantizeKernels.dequantizeHalf(
          c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), n);
    }
    Unary.requirePerTensor(ctx, in, "input");
    DataType inType = in.type();
    double scale = in.scale();
    int zp = in.zeroPoint();
    if (ctx.useVectorKernels() && QuantizeVector.requantizeSupported()
        && inType != DataType.INT16) {
      boolean unsigned = inType == DataType.UINT8;
      float scaleF = in.scale();
      return c -> {
        if (!VectorWarmup.ready()) { // cold vector code would box every operation
          QuantizeKernels.dequantize(c.array(inT), c.offset(inT), inType, c.array(outT),
              c.offset(outT), n, scale, zp);
          return;
        }
        QuantizeVector.dequantize(c.array(inT), c.offset(inT), unsigned, c.array(outT),
            c.offset(outT), n, scaleF, zp);
      };
    }
    return c -> QuantizeKernels.dequantize(
        c.array(inT), c.offset(inT), inType, c.array(outT), c.offset(outT), n, scale, zp);
  }
}
