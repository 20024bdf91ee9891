package io.tflited.runtime.ops.conv;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.exec.RangeTask;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.PoolKernels;
import io.tflited.runtime.kernels.vector.PoolVector;
import io.tflited.runtime.kernels.vector.VectorWarmup;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.Pool2DOptions;
import io.tflited.runtime.ops.Activation;
import io.tflited.runtime.ops.Padding;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * Preparation shared by AVERAGE_POOL_2D and MAX_POOL_2D (TFLite pooling.cc): float32, uint8,
 * int8 and int16 (zero point 0); quantized outputs keep the input's quantization (TFLite does
 * not requantize) and are clamped to the fused activation range of the output.
 */
final class PoolSupport {
  static final int INPUT = 0;
  static final int OUTPUT = 0;

  private PoolSupport() {}

  static PreparedOp prepare(PrepareContext ctx, boolean average) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec input = ctx.input(INPUT);
    TensorSpec output = ctx.output(OUTPUT);
    ctx.requireRank(input, "input", 4);
    ctx.requireType(input, "input", DataType.FLOAT32, DataType.UINT8, DataType.INT8,
        DataType.INT16);
    if (output.type() != input.type()) {
      throw ctx.error("output type " + output.type() + " differs from input type " + input.type());
    }
    Pool2DOptions opt = ctx.options(BuiltinOptions.Pool2DOptions, new Pool2DOptions());
    int sh = opt.strideH();
    int sw = opt.strideW();
    int fh = opt.filterHeight();
    int fw = opt.filterWidth();
    ConvSupport.requirePositive(ctx, "strides and filter sizes", sh, sw, fh, fw);
    int pad = opt.padding();
    int inH = input.dim(1);
    int inW = input.dim(2);
    int outH = Padding.outSize(pad, inH, fh, sh, 1);
    int outW = Padding.outSize(pad, inW, fw, sw, 1);
    if (outH < 0 || outW < 0) {
      throw ctx.error("filter is larger than the input");
    }
    int depth = input.dim(3);
    ctx.setOutputShape(OUTPUT, input.dim(0), outH, outW, depth);
    ConvGeometry g = new ConvGeometry(input.dim(0), inH, inW, depth, outH, outW, depth, fh, fw,
        sh, sw, 1, 1, Padding.before(sh, 1, inH, fh, outH), Padding.before(sw, 1, inW, fw, outW));
    int in = ctx.inputIndex(INPUT);
    int out = ctx.outputIndex(OUTPUT);
    int act = opt.fusedActivationFunction();
    int rows = g.batches() * outH;
    boolean vector = ctx.useVectorKernels();
    if (input.type() == DataType.FLOAT32) {
      float[] range = Activation.floatRange(act, ctx);
      if (vector) {
        RangeTask task = (c, from, to) -> PoolVector.poolF32(g, average, c.array(in),
            c.offset(in), range[0], range[1], c.array(out), c.offset(out), from, to);
        return c -> c.parallelFor(rows, task);
      }
      return c -> PoolKernels.poolF32(g, average, c.array(in), c.offset(in), range[0], range[1],
          c.array(out), c.offset(out));
    }
    if (input.type() == DataType.INT16 && (input.zeroPoint() != 0 || output.zeroPoint() != 0)) {
      throw ctx.error("int16 input and output zero points must be 0");
    }
    int[] range = Activation.quantizedRange(act, output, ctx);
    int kind = switch (input.type()) {
      case INT8 -> PoolKernels.S8;
      case UINT8 -> PoolKernels.U8;
      default -> PoolKernels.S16;
    };
    boolean signed = input.type() == DataType.INT8;
    int typeMin = signed ? -128 : 0;
    int typeMax = signed ? 127 : 255;
    if (vector && input.type() != DataType.INT16 && range[0] >= typeMin && range[1] <= typeMax
        && (!average || PoolVector.averageExact(fh * fw))) {
      RangeTask task = average
          ? (c, from, to) -> PoolVector.average8(g, signed, c.array(in), c.offset(in), range[0],
              range[1], c.array(out), c.offset(out), from, to)
          : (c, from, to) -> PoolVector.max8(g, signed, c.array(in), c.offset(in), range[0],
              range[1], c.array(out), c.offset(out), from, to);
      return c -> {
        if (VectorWarmup.ready()) {
          c.parallelFor(rows, task);
        } else {
          // First inferences, while C2 compiles the vector kernels: the scalar twin.
          PoolKernels.poolInt(g, average, kind, c.array(in), c.offset(in), range[0], range[1],
              c.array(out), c.offset(out));
        }
      };
    }
    return c -> PoolKernels.poolInt(g, average, kind, c.array(in), c.offset(in), range[0],
        range[1], c.array(out), c.offset(out));
  }
}
