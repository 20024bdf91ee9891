package io.tflited.runtime.ops.conv;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.exec.RangeTask;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.DepthwiseKernels;
import io.tflited.runtime.kernels.HybridQuantizer;
import io.tflited.runtime.kernels.vector.DepthwiseNarrowVector;
import io.tflited.runtime.kernels.vector.DepthwiseVector;
import io.tflited.runtime.kernels.vector.RequantizeVector;
import io.tflited.runtime.kernels.vector.VectorWarmup;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.DepthwiseConv2DOptions;
import io.tflited.runtime.ops.Activation;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.Padding;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * DEPTHWISE_CONV_2D (versions 1-6): float32; uint8 with per-tensor uint8 weights; int8 with
 * per-channel int8 weights; int16 activations with int8 weights and int64 bias (16x8); hybrid float32 input with per-channel int8 weights (asymmetric
 * per-batch input quantization). Any depth multiplier and dilation.
 */
public final class DepthwiseConv2d implements OpKernel {
  public static final int INPUT = 0;
  public static final int FILTER = 1;
  public static final int BIAS = 2;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 3);
    ctx.checkOutputCount(1, 1);
    TensorSpec input = ctx.input(INPUT);
    TensorSpec filter = ctx.input(FILTER);
    TensorSpec bias = ctx.optionalInput(BIAS);
    TensorSpec output = ctx.output(OUTPUT);
    ctx.requireRank(input, "input", 4);
    ctx.requireRank(filter, "filter", 4);
    ctx.requireType(input, "input", DataType.FLOAT32, DataType.UINT8, DataType.INT8,
        DataType.INT16);
    if (output.type() != input.type()) {
      throw ctx.error("output type " + output.type() + " differs from input type " + input.type());
    }
    DepthwiseConv2DOptions opt =
        ctx.options(BuiltinOptions.DepthwiseConv2DOptions, new DepthwiseConv2DOptions());
    int inC = input.dim(3);
    int outC = filter.dim(3);
    if (filter.dim(0) != 1) {
      throw ctx.error("filter must have shape [1, h, w, channels], got dim 0 = " + filter.dim(0));
    }
    if (inC <= 0 || opt.depthMultiplier() * inC != outC) {
      throw ctx.error("depth_multiplier " + opt.depthMultiplier() + " x " + inC
          + " input channels does not give the filter's " + outC + " channels");
    }
    int dm = opt.depthMultiplier();
    int strideH = opt.strideH();
    int strideW = opt.strideW();
    int dilH = opt.dilationHFactor();
    int dilW = opt.dilationWFactor();
    ConvSupport.requirePositive(ctx, "strides and dilations", strideH, strideW, dilH, dilW);
    int kh = filter.dim(1);
    int kw = filter.dim(2);
    ConvSupport.requirePositive(ctx, "filter dimensions", kh, kw);
    int pad = opt.padding();
    int inH = input.dim(1);
    int inW = input.dim(2);
    int outH = Padding.outSize(pad, inH, kh, strideH, dilH);
    int outW = Padding.outSize(pad, inW, kw, strideW, dilW);
    if (outH < 0 || outW < 0) {
      throw ctx.error("filter is larger than the input");
    }
    ctx.setOutputShape(OUTPUT, input.dim(0), outH, outW, outC);
    if (bias != null && bias.elementCount() != outC) {
      throw ctx.error("bias has " + bias.elementCount() + " elements; expected " + outC);
    }
    ConvGeometry g = new ConvGeometry(input.dim(0), inH, inW, inC, outH, outW, outC, kh, kw,
        strideH, strideW, dilH, dilW,
        Padding.before(strideH, dilH, inH, kh, outH), Padding.before(strideW, dilW, inW, kw, outW));
    int act = opt.fusedActivationFunction();
    int in = ctx.inputIndex(INPUT);
    int out = ctx.outputIndex(OUTPUT);
    int taps = kh * kw;
    if ((long) g.batches() * outH * outW * outC == 0) {
      return c -> {};
    }
    if (input.type() == DataType.FLOAT32) {
      float[] b = new float[outC];
      if (bias != null) {
        ctx.requireType(bias, "bias", DataType.FLOAT32);
        b = ConvSupport.floats(ctx, BIAS, "bias");
      }
      float[] range = Activation.floatRange(act, ctx);
      float[] bf = b;
      // Fewer channels than one vector block: DepthwiseNarrowVector (pixels in the lanes).
      if (filter.type() == DataType.FLOAT32 && dm == 1 && ctx.useVectorKernels()
          && outC >= DepthwiseVector.lanesF32()) {
        float[] wv = DepthwiseVector.packFloats(ConvSupport.floats(ctx, FILTER, "filter"));
        RangeTask task = (c, from, to) -> DepthwiseVector.convF32(g, c.array(in), c.offset(in),
            wv, bf, range[0], range[1], c.array(out), c.offset(out), from, to);
        int rows = g.batches() * outH;
        return c -> c.parallelFor(rows, task);
      }
      DepthwiseNarrowVector narrow = DepthwiseNarrowVector.forFloat(g);
      if (filter.type() == DataType.FLOAT32 && ctx.useVectorKernels() && narrow != null) {
        float[] wn = narrow.packWeightsF32(ConvSupport.floats(ctx, FILTER, "filter"));
        float[] bn = narrow.packBiasF32(bf);
        int slots = Math.max(1, ctx.interpreterOptions().threads());
        int slotBytes = (int) narrow.slotBytes(slots);
        int scratch = ctx.scratch((long) slotBytes * slots);
        RangeTask task = (c, from, to) -> {
          for (int slot = from; slot < to; slot++) {
            narrow.slotF32(slot, slots, c.array(in), c.offset(in), c.array(scratch),
                c.offset(scratch) + slot * slotBytes, wn, bn, range[0], range[1], c.array(out),
                c.offset(out));
          }
        };
        return c -> c.parallelFor(slots, task);
      }
      if (filter.type() == DataType.FLOAT32) {
        float[] w = DepthwiseKernels.packFloats(ConvSupport.floats(ctx, FILTER, "filter"), taps, outC);
        return c -> DepthwiseKernels.convF32(g, dm, c.array(in), c.offset(in), w, bf, range[0],
            range[1], c.array(out), c.offset(out));
      }
      ctx.requireType(filter, "filter", DataType.FLOAT32, DataType.INT8);
      ConvSupport.requireSymmetric(ctx, filter);
      float[] chScale = ConvSupport.filterScales(ctx, filter, outC, 3);
      byte[] w = DepthwiseKernels.packBytes(ConvSupport.bytes(ctx, FILTER, "filter"), taps, outC);
      int perBatch = inH * inW * inC;
      int scratch = ctx.scratch((long) perBatch * g.batches());
      return c -> {
        byte[] x = c.array(in);
        int xOff = c.offset(in);
        byte[] q = c.array(scratch);
        int qOff = c.offset(scratch);
        for (int bi = 0; bi < g.batches(); bi++) {
          long p = HybridQuantizer.asymmetric(x, xOff + 4 * bi * perBatch, perBatch, q,
              qOff + bi * perBatch);
          DepthwiseKernels.convHybrid(g, dm, bi, q, qOff, w, HybridQuantizer.zeroPointOf(p),
              HybridQuantizer.scaleOf(p), chScale, bf, range[0], range[1], c.array(out),
              c.offset(out));
        }
      };
    }
    if (input.type() == DataType.INT16) {
      ctx.requireType(filter, "filter", DataType.INT8);
      ConvSupport.requireQuantizedIo(ctx, input, output);
      ConvSupport.requireSymmetric(ctx, filter);
      int[][] ms = ConvSupport.multipliers(input.scale(),
          ConvSupport.filterScales(ctx, filter, outC, 3), output.scale());
      long[] b = new long[outC];
      if (bias != null) {
        ctx.requireType(bias, "bias", DataType.INT64);
        b = ConvSupport.longs(ctx, BIAS, "bias");
      }
      byte[] w = DepthwiseKernels.packBytes(ConvSupport.bytes(ctx, FILTER, "filter"), taps, outC);
      int[] range = Activation.quantizedRange(act, output, ctx);
      long[] bf = b;
      return c -> DepthwiseKernels.convS16(g, dm, c.array(in), c.offset(in), w, bf, ms[0], ms[1],
          range[0], range[1], c.array(out), c.offset(out));
    }
    boolean signed = input.type() == DataType.INT8;
    ctx.requireType(filter, "filter", input.type());
    ConvSupport.requireQuantizedIo(ctx, input, output);
    int[] b = new int[outC];
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.INT32);
      b = ConvSupport.ints(ctx, BIAS, "bias");
    }
    int[][] ms;
    int wOffset;
    if (signed) {
      ConvSupport.requireSymmetric(ctx, filter);
      ms = ConvSupport.multipliers(input.scale(), ConvSupport.filterScales(ctx, filter, outC, 3),
          output.scale());
      wOffset = 0;
    } else {
      if (filter.quantization().isPerChannel()) {
        throw ctx.error("uint8 filters must be quantized per tensor");
      }
      ConvSupport.requireScale(ctx, filter, "filter");
      ConvSupport.requireZeroPointRange(ctx, filter, "filter");
      if (bias != null) {
        ConvSupport.checkBiasScale(ctx, input, filter, bias, output);
      }
      ms = ConvSupport.uint8Multiplier(input.scale(), filter.scale(), output.scale());
      wOffset = -filter.zeroPoint();
    }
    byte[] wTapMajor = ConvSupport.bytes(ctx, FILTER, "filter");
    byte[] w = DepthwiseKernels.packBytes(wTapMajor, taps, outC);
    int[] range = Activation.quantizedRange(act, output, ctx);
    int inOffset = -input.zeroPoint();
    int outZp = output.zeroPoint();
    int[] bf = b;
    // The scalar twin: the op itself when the vector kernels are off, else the first
    // inferences' path while C2 compiles them (VectorWarmup).
    PreparedOp scalar = dm == 1
        ? c -> DepthwiseKernels.conv8Dm1(g, signed, c.array(in), c.offset(in), wTapMajor, w,
            wOffset, bf, inOffset, ms[0], ms[1], outZp, range[0], range[1], c.array(out),
            c.offset(out))
        : c -> DepthwiseKernels.conv8(g, dm, signed, c.array(in), c.offset(in), w, wOffset, bf,
            inOffset, ms[0], ms[1], outZp, range[0], range[1], c.array(out), c.offset(out));
    if (dm == 1 && ctx.useVectorKernels() && outC >= DepthwiseVector.lanes8()) {
      int[] wv = DepthwiseVector.packInts(wTapMajor, outC, signed, wOffset);
      int[] bp = DepthwiseVector.packChannels(bf);
      int[] bi = DepthwiseVector.interiorBias(wv, bp, inOffset);
      RequantizeVector.Params rq = DepthwiseVector.packParams(ms[0], ms[1], outC);
      RangeTask task = (c, from, to) -> DepthwiseVector.conv8(g, signed, c.array(in),
          c.offset(in), wv, bp, bi, inOffset, rq, ms[0], ms[1], outZp, range[0], range[1],
          c.array(out), c.offset(out), from, to);
      int rows = g.batches() * outH;
      return c -> {
        if (VectorWarmup.ready()) {
          c.parallelFor(rows, task);
        } else {
          scalar.eval(c);
        }
      };
    }
    DepthwiseNarrowVector narrow = DepthwiseNarrowVector.forEightBit(g);
    if (ctx.useVectorKernels() && narrow != null) {
      int[] wInts = DepthwiseNarrowVector.weightInts(wTapMajor, signed, wOffset);
      int[] wn = narrow.packWeights8(wInts);
      int[] biasTable = narrow.biasTable8(wInts, bf, inOffset);
      RequantizeVector.Params rq = narrow.packParams8(ms[0], ms[1]);
      byte zeroPoint = (byte) input.zeroPoint();
      int slots = Math.max(1, ctx.interpreterOptions().threads());
      int slotBytes = (int) narrow.slotBytes(slots);
      int scratch = ctx.scratch((long) slotBytes * slots);
      RangeTask task = (c, from, to) -> {
        for (int slot = from; slot < to; slot++) {
          narrow.slot8(slot, slots, signed, c.array(in), c.offset(in), zeroPoint,
              c.array(scratch), c.offset(scratch) + slot * slotBytes, wn, biasTable, rq, outZp,
              range[0], range[1], c.array(out), c.offset(out));
        }
      };
      return c -> {
        if (VectorWarmup.ready()) {
          c.parallelFor(slots, task);
        } else {
          scalar.eval(c);
        }
      };
    }
    return scalar;
  }
}
