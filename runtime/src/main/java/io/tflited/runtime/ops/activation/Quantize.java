package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.exec.RangeTask;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.activation.QuantizeKernels;
import io.tflited.runtime.kernels.vector.QuantizeVector;
import io.tflited.runtime.kernels.vector.VectorWarmup;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/**
 * QUANTIZE: float32 -> int8/uint8/int16 (affine quantization), and requantization between
 * int8/uint8 (both ways), int16 -> int8/int16/int32, as TFLite 2.4.1 quantize.cc. TFLite 2.4.1
 * insists on zero point 0 for int16; like TFLite Micro (whose models, e.g. keyword_scrambled,
 * use int16 zero point -32768) tflited accepts any zero point with the same formulas.
 */
public final class Quantize implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;
  /** Elements per unit of intra-op work (~20 us): smaller tensors stay on one thread. */
  static final int CHUNK = 1 << 14;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = Unary.prepareSameShape(ctx);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    Unary.requirePerTensor(ctx, out, "output");
    int inT = ctx.inputIndex(INPUT);
    int outT = ctx.outputIndex(OUTPUT);
    DataType outType = out.type();
    int outZp = out.zeroPoint();
    if (in.type() == DataType.FLOAT32) {
      ctx.requireType(out, "output", DataType.UINT8, DataType.INT8, DataType.INT16);
      double scale = out.scale();
      if (!ctx.useVectorKernels() || !QuantizeVector.supported(outType)) {
        return c -> QuantizeKernels.affineQuantize(
            c.array(inT), c.offset(inT), c.array(outT), c.offset(outT), n, scale, outZp, outType);
      }
      int es = outType.byteSize();
      // Chunks of CHUNK elements split over the intra-op threads (an image model's input).
      RangeTask task = (c, from, to) -> {
        int i0 = from * CHUNK;
        int i1 = Math.min(n, to * CHUNK);
        if (!VectorWarmup.ready()) { // cold vector code would box every operation
          QuantizeKernels.affineQuantize(c.array(inT), c.offset(inT) + 4 * i0, c.array(outT),
              c.offset(outT) + es * i0, i1 - i0, scale, outZp, outType);
          return;
        }
        QuantizeVector.affineQuantize(c.array(inT), c.offset(inT) + 4 * i0, c.array(outT),
            c.offset(outT) + es * i0, i1 - i0, scale, outZp, outType);
      };
      int chunks = (n + CHUNK - 1) / CHUNK;
      return c -> c.parallelFor(chunks, task);
    }
    switch (in.type()) {
      case INT16 -> ctx.requireType(out, "output", DataType.INT8, DataType.INT16, DataType.INT32);
      case INT8, UINT8 -> ctx.requireType(out, "output", DataType.UINT8, DataType.INT8);
      default -> throw ctx.error("unsupported input type " + in.type());
    }
    Unary.requirePerTensor(ctx, in, "input");
    DataType inType = in.type();
    int inZp = in.zeroPoint();
    QuantizedMultiplier m = QuantizedMultiplier.of((double) in.scale() / (double) out.scale());
    int mult = m.multiplier();
    int shift = m.shift();
    if (ctx.useVectorKernels() && QuantizeVector.requantizeSupported()
        && inType != DataType.INT16 && outType != DataType.INT16 && outType != DataType.INT32) {
      boolean inU = inType == DataType.UINT8;
      boolean outU = outType == DataType.UINT8;
      RangeTask task = (c, from, to) -> {
        int i0 = from * CHUNK;
        int i1 = Math.min(n, to * CHUNK);
        if (!VectorWarmup.ready()) {
          QuantizeKernels.requantize(c.array(inT), c.offset(inT) + i0, inType, inZp,
              c.array(outT), c.offset(outT) + i0, outType, outZp, i1 - i0, mult, shift);
          return;
        }
        QuantizeVector.requantize(c.array(inT), c.offset(inT) + i0, inU, inZp, c.array(outT),
            c.offset(outT) + i0, outU, outZp, i1 - i0, mult, shift);
      };
      int chunks = (n + CHUNK - 1) / CHUNK;
      return c -> c.parallelFor(chunks, task);
    }
    return c -> QuantizeKernels.requantize(
        c.array(inT), c.offset(inT), inType, inZp, c.array(outT), c.offset(outT), outType, outZp,
        n, mult, shift);
  }
}
