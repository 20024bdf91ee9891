package io.tflited.runtime.ops.conv;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.ConvKernels;
import io.tflited.runtime.kernels.vector.ConvGemmVector;
import io.tflited.runtime.kernels.vector.GemvVector;
import io.tflited.runtime.kernels.vector.HybridGemmVector;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.Conv2DOptions;
import io.tflited.runtime.ops.Activation;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.Padding;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * CONV_2D (versions 1-5): float32; uint8 with per-tensor uint8 weights; int8 with per-channel
 * int8 weights; int16 activations with int8 weights and int64 bias; hybrid float32 input with
 * int8 weights (per-tensor: symmetric per-batch input quantization; per-channel: asymmetric).
 */
public final class Conv2d implements OpKernel {
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
    if (input.dim(3) != filter.dim(3)) {
      throw ctx.error("input has " + input.dim(3) + " channels but the filter expects "
          + filter.dim(3));
    }
    Conv2DOptions opt = ctx.options(BuiltinOptions.Conv2DOptions, new Conv2DOptions());
    int strideH = opt.strideH();
    int strideW = opt.strideW();
    int dilH = opt.dilationHFactor();
    int dilW = opt.dilationWFactor();
    ConvSupport.requirePositive(ctx, "strides and dilations", strideH, strideW, dilH, dilW);
    int pad = opt.padding();
    int inH = input.dim(1);
    int inW = input.dim(2);
    int outC = filter.dim(0);
    int kh = filter.dim(1);
    int kw = filter.dim(2);
    int outH = Padding.outSize(pad, inH, kh, strideH, dilH);
    int outW = Padding.outSize(pad, inW, kw, strideW, dilW);
    ConvSupport.requirePositive(ctx, "filter dimensions", kh, kw, outC);
    if (outH < 0 || outW < 0) {
      throw ctx.error("filter is larger than the input");
    }
    ctx.setOutputShape(OUTPUT, input.dim(0), outH, outW, outC);
    ConvGeometry g = new ConvGeometry(input.dim(0), inH, inW, input.dim(3), outH, outW, outC,
        kh, kw, strideH, strideW, dilH, dilW,
        Padding.before(strideH, dilH, inH, kh, outH), Padding.before(strideW, dilW, inW, kw, outW));
    if (bias != null && bias.elementCount() != outC) {
      throw ctx.error("bias has " + bias.elementCount() + " elements; expected " + outC);
    }
    int act = opt.fusedActivationFunction();
    int in = ctx.inputIndex(INPUT);
    int out = ctx.outputIndex(OUTPUT);
    long outElems = (long) g.batches() * outH * outW * outC;
    if (outElems == 0) {
      return c -> {};
    }
    return switch (input.type()) {
      case FLOAT32 -> filter.type() == DataType.FLOAT32
          ? prepareFloat(ctx, g, filter, bias, act, in, out)
          : prepareHybrid(ctx, g, input, filter, bias, act, in, out);
      case INT8 -> prepareInt8(ctx, g, input, filter, bias, output, act, in, out);
      case UINT8 -> prepareUint8(ctx, g, input, filter, bias, output, act, in, out);
      case INT16 -> prepareInt16(ctx, g, input, filter, bias, output, act, in, out);
      default -> throw ctx.error("unsupported input type " + input.type());
    };
  }

  private static PreparedOp prepareFloat(PrepareContext ctx, ConvGeometry g, TensorSpec filter,
      TensorSpec bias, int act, int in, int out) throws ModelException {
    float[] w = ConvSupport.floats(ctx, FILTER, "filter");
    float[] b = new float[g.outC()];
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.FLOAT32);
      b = ConvSupport.floats(ctx, BIAS, "bias");
    }
    float[] range = Activation.floatRange(act, ctx);
    float[] bf = b;
    if (ctx.useVectorKernels()) {
      ConvGemmVector v = ConvGemmVector.float32(g, w, bf, range[0], range[1], in, out,
          ctx::scratch, ctx.interpreterOptions().threads());
      return v::eval;
    }
    return c -> ConvKernels.convF32(g, c.array(in), c.offset(in), w, bf, range[0], range[1],
        c.array(out), c.offset(out));
  }

  private static PreparedOp prepareHybrid(PrepareContext ctx, ConvGeometry g, TensorSpec input,
      TensorSpec filter, TensorSpec bias, int act, int in, int out) throws ModelException {
    ctx.requireType(filter, "filter", DataType.FLOAT32, DataType.INT8);
    ConvSupport.requireSymmetric(ctx, filter);
    float[] chScale = ConvSupport.filterScales(ctx, filter, g.outC(), 0);
    // Several scales -> per-channel path (asymmetric input quantization). TFLite 2.4.1 takes it
    // only when the scales differ; with several equal scales it uses the per-tensor path with
    // the tensor's legacy scale, which is 0 for per-channel tensors (outputs = bias): a bug not
    // reproduced here.
    boolean perChannel = filter.quantization().isPerChannel();
    float filterScale = filter.quantization().scale();
    byte[] w = ConvSupport.bytes(ctx, FILTER, "filter");
    int taps = g.kh() * g.kw();
    int[] tapSums = ConvKernels.tapSums(w, g.outC(), taps, g.inC(), false);
    int[] wSums = new int[g.outC()];
    for (int c = 0; c < g.outC(); c++) {
      for (int t = 0; t < taps; t++) {
        wSums[c] += tapSums[c * taps + t];
      }
    }
    float[] b = new float[g.outC()];
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.FLOAT32);
      b = ConvSupport.floats(ctx, BIAS, "bias");
    }
    float[] range = Activation.floatRange(act, ctx);
    int scratch = ctx.scratch((long) g.inH() * g.inW() * g.inC() * g.batches());
    float[] bf = b;
    boolean pc = perChannel;
    PreparedOp scalar = c -> ConvKernels.convHybridBatches(g, c.array(in), c.offset(in),
        c.array(scratch), c.offset(scratch), w, tapSums, wSums, pc, filterScale, chScale, bf,
        range[0], range[1], c.array(out), c.offset(out));
    if (ctx.useVectorKernels()) {
      HybridGemmVector v = HybridGemmVector.conv(g, w, filterScale, pc ? chScale : null, bf,
          range[0], range[1], in, out, ctx::scratch, ctx.interpreterOptions().threads(), scalar);
      return v::eval;
    }
    return scalar;
  }

  private static PreparedOp prepareInt8(PrepareContext ctx, ConvGeometry g, TensorSpec input,
      TensorSpec filter, TensorSpec bias, TensorSpec output, int act, int in, int out)
      throws ModelException {
    ctx.requireType(filter, "filter", DataType.INT8);
    ConvSupport.requireQuantizedIo(ctx, input, output);
    ConvSupport.requireSymmetric(ctx, filter);
    float[] fs = ConvSupport.filterScales(ctx, filter, g.outC(), 0);
    int[][] ms = ConvSupport.multipliers(input.scale(), fs, output.scale());
    byte[] w = ConvSupport.bytes(ctx, FILTER, "filter");
    int taps = g.kh() * g.kw();
    int[] tapSums = ConvKernels.tapSums(w, g.outC(), taps, g.inC(), false);
    int[] b = new int[g.outC()];
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.INT32);
      b = ConvSupport.ints(ctx, BIAS, "bias");
    }
    int inZp = input.zeroPoint();
    int[] folded = new int[g.outC()];
    for (int c = 0; c < g.outC(); c++) {
      int sum = 0;
      for (int t = 0; t < taps; t++) {
        sum += tapSums[c * taps + t];
      }
      folded[c] = b[c] - inZp * sum;
    }
    int[] range = Activation.quantizedRange(act, output, ctx);
    int outZp = output.zeroPoint();
    int[] bf = b;
    if (ctx.useVectorKernels() && onePixelPointwise(g)) {
      GemvVector v = GemvVector.quantized(false, g.inC(), g.outC(), w, 0, inZp, bf, ms[0], ms[1],
          outZp, range[0], range[1], in, out, ctx::scratch, ctx.interpreterOptions().threads());
      return v::eval;
    }
    if (ctx.useVectorKernels()) {
      ConvGemmVector v = ConvGemmVector.int8(g, w, inZp, bf, ms[0], ms[1], outZp, range[0],
          range[1], in, out, ctx::scratch, ctx.interpreterOptions().threads());
      return v::eval;
    }
    return c -> ConvKernels.convS8(g, c.array(in), c.offset(in), w, tapSums, bf, folded, inZp,
        ms[0], ms[1], outZp, range[0], range[1], c.array(out), c.offset(out));
  }

  /**
   * A 1x1 conv from one pixel to one pixel (the MobileNet classifiers, after global pooling):
   * a batch-1 FULLY_CONNECTED with the [outC][1][1][inC] filter as its [units][depth] weights,
   * which the byte-tile kernel runs (every weight is used once).
   */
  private static boolean onePixelPointwise(ConvGeometry g) {
    return g.batches() == 1 && g.kh() == 1 && g.kw() == 1 && g.inH() == 1 && g.inW() == 1
        && g.outH() == 1 && g.outW() == 1 && g.padH() == 0 && g.padW() == 0;
  }

  private static PreparedOp prepareUint8(PrepareContext ctx, ConvGeometry g, TensorSpec input,
      TensorSpec filter, TensorSpec bias, TensorSpec output, int act, int in, int out)
      throws ModelException {
    ctx.requireType(filter, "filter", DataType.UINT8);
    ConvSupport.requireQuantizedIo(ctx, input, output);
    if (filter.quantization().isPerChannel()) {
      throw ctx.error("uint8 filters must be quantized per tensor");
    }
    ConvSupport.requireScale(ctx, filter, "filter");
    ConvSupport.requireZeroPointRange(ctx, filter, "filter");
    int[] b = new int[g.outC()];
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.INT32);
      ConvSupport.checkBiasScale(ctx, input, filter, bias, output);
      b = ConvSupport.ints(ctx, BIAS, "bias");
    }
    int[][] ms = ConvSupport.uint8Multiplier(input.scale(), filter.scale(), output.scale());
    byte[] w = ConvSupport.bytes(ctx, FILTER, "filter");
    int taps = g.kh() * g.kw();
    int[] tapSums = ConvKernels.tapSums(w, g.outC(), taps, g.inC(), true);
    int inZp = input.zeroPoint();
    int wZp = filter.zeroPoint();
    int k = taps * g.inC();
    int[] folded = new int[g.outC()];
    for (int c = 0; c < g.outC(); c++) {
      int sum = 0;
      for (int t = 0; t < taps; t++) {
        sum += tapSums[c * taps + t];
      }
      folded[c] = b[c] - inZp * sum + k * inZp * wZp;
    }
    int[] range = Activation.quantizedRange(act, output, ctx);
    int outZp = output.zeroPoint();
    int[] bf = b;
    int m = ms[0][0];
    int s = ms[1][0];
    if (ctx.useVectorKernels()) {
      int[] mult = new int[g.outC()];
      int[] shift = new int[g.outC()];
      java.util.Arrays.fill(mult, m);
      java.util.Arrays.fill(shift, s);
      if (onePixelPointwise(g)) {
        GemvVector v = GemvVector.quantized(true, g.inC(), g.outC(), w, wZp, inZp, bf, mult,
            shift, outZp, range[0], range[1], in, out, ctx::scratch,
            ctx.interpreterOptions().threads());
        return v::eval;
      }
      ConvGemmVector v = ConvGemmVector.uint8(g, w, wZp, inZp, bf, mult, shift, outZp, range[0],
          range[1], in, out, ctx::scratch, ctx.interpreterOptions().threads());
      return v::eval;
    }
    return c -> ConvKernels.convU8(g, c.array(in), c.offset(in), w, tapSums, bf, folded, inZp,
        wZp, m, s, outZp, range[0], range[1], c.array(out), c.offset(out));
  }

  private static PreparedOp prepareInt16(PrepareContext ctx, ConvGeometry g, TensorSpec input,
      TensorSpec filter, TensorSpec bias, TensorSpec output, int act, int in, int out)
      throws ModelException {
    ctx.requireType(filter, "filter", DataType.INT8);
    ConvSupport.requireQuantizedIo(ctx, input, output);
    ConvSupport.requireSymmetric(ctx, filter);
    float[] fs = ConvSupport.filterScales(ctx, filter, g.outC(), 0);
    int[][] ms = ConvSupport.multipliers(input.scale(), fs, output.scale());
    byte[] w = ConvSupport.bytes(ctx, FILTER, "filter");
    long[] b = new long[g.outC()];
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.INT64);
      b = ConvSupport.longs(ctx, BIAS, "bias");
    }
    int[] range = Activation.quantizedRange(act, output, ctx);
    long[] bf = b;
    return c -> ConvKernels.convS16(g, c.array(in), c.offset(in), w, bf, ms[0], ms[1],
        range[0], range[1], c.array(out), c.offset(out));
  }
}
