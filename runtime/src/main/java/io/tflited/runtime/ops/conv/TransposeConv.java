package io.tflited.runtime.ops.conv;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.TransposeConvKernels;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.TransposeConvOptions;
import io.tflited.runtime.ops.Activation;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.Padding;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * TRANSPOSE_CONV (versions 1-3): inputs output_shape (constant int32[4]), weights
 * [outC, kh, kw, inC], input, optional bias (v3). float32; uint8 with per-tensor uint8 weights;
 * int8 with per-channel int8 weights. TFLite 2.4.1 has no fused activation for this op; a
 * fused activation written by newer converters is applied.
 */
public final class TransposeConv implements OpKernel {
  public static final int OUTPUT_SHAPE = 0;
  public static final int WEIGHTS = 1;
  public static final int INPUT = 2;
  public static final int BIAS = 3;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(3, 4);
    ctx.checkOutputCount(1, 1);
    TensorSpec shapeT = ctx.input(OUTPUT_SHAPE);
    TensorSpec weights = ctx.input(WEIGHTS);
    TensorSpec input = ctx.input(INPUT);
    TensorSpec bias = ctx.optionalInput(BIAS);
    TensorSpec output = ctx.output(OUTPUT);
    ctx.requireRank(shapeT, "output_shape", 1);
    ctx.requireRank(input, "input", 4);
    ctx.requireRank(weights, "weights", 4);
    ctx.requireType(input, "input", DataType.FLOAT32, DataType.UINT8, DataType.INT8);
    if (output.type() != input.type()) {
      throw ctx.error("output type " + output.type() + " differs from input type " + input.type());
    }
    int[] shape = ctx.knownInts(shapeT, "output_shape");
    if (shape.length != 4) {
      throw ctx.error("output_shape must have 4 elements, got " + shape.length);
    }
    if (input.dim(3) != weights.dim(3)) {
      throw ctx.error("input has " + input.dim(3) + " channels but the weights expect "
          + weights.dim(3));
    }
    if (shape[0] != input.dim(0) || shape[3] != weights.dim(0)) {
      throw ctx.error("output_shape " + java.util.Arrays.toString(shape)
          + " does not match the input batch " + input.dim(0) + " and weights' "
          + weights.dim(0) + " output channels");
    }
    TransposeConvOptions opt =
        ctx.options(BuiltinOptions.TransposeConvOptions, new TransposeConvOptions());
    int sh = opt.strideH();
    int sw = opt.strideW();
    ConvSupport.requirePositive(ctx, "strides", sh, sw);
    int kh = weights.dim(1);
    int kw = weights.dim(2);
    ConvSupport.requirePositive(ctx, "weights dimensions", kh, kw);
    for (int d : shape) {
      if (d < 0) {
        throw ctx.error("output_shape has a negative dimension");
      }
    }
    ctx.setOutputShape(OUTPUT, shape);
    int outH = shape[1];
    int outW = shape[2];
    int outC = shape[3];
    // TFLite computes the padding as for a conv from the output size to the input size.
    int pad = opt.padding();
    int padH = Padding.before(sh, 1, outH, kh, Padding.outSize(pad, outH, kh, sh, 1));
    int padW = Padding.before(sw, 1, outW, kw, Padding.outSize(pad, outW, kw, sw, 1));
    ConvGeometry g = new ConvGeometry(input.dim(0), input.dim(1), input.dim(2), input.dim(3),
        outH, outW, outC, kh, kw, sh, sw, 1, 1, padH, padW);
    if (bias != null && bias.elementCount() != outC) {
      throw ctx.error("bias has " + bias.elementCount() + " elements; expected " + outC);
    }
    int act = opt.fusedActivationFunction();
    int in = ctx.inputIndex(INPUT);
    int out = ctx.outputIndex(OUTPUT);
    if (input.type() == DataType.FLOAT32) {
      ctx.requireType(weights, "weights", DataType.FLOAT32);
      float[] w = ConvSupport.floats(ctx, WEIGHTS, "weights");
      float[] b = new float[outC];
      if (bias != null) {
        ctx.requireType(bias, "bias", DataType.FLOAT32);
        b = ConvSupport.floats(ctx, BIAS, "bias");
      }
      float[] range = Activation.floatRange(act, ctx);
      float[] bf = b;
      return c -> TransposeConvKernels.convF32(g, c.array(in), c.offset(in), w, bf, range[0],
          range[1], c.array(out), c.offset(out));
    }
    boolean signed = input.type() == DataType.INT8;
    ctx.requireType(weights, "weights", input.type());
    ConvSupport.requireQuantizedIo(ctx, input, output);
    int[] b = new int[outC];
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.INT32);
      b = ConvSupport.ints(ctx, BIAS, "bias");
    }
    int[][] ms;
    int wOffset;
    if (signed) {
      ConvSupport.requireSymmetric(ctx, weights);
      ms = ConvSupport.multipliers(input.scale(),
          ConvSupport.filterScales(ctx, weights, outC, 0), output.scale());
      wOffset = 0;
    } else {
      if (weights.quantization().isPerChannel()) {
        throw ctx.error("uint8 weights must be quantized per tensor");
      }
      ConvSupport.requireScale(ctx, weights, "weights");
      ConvSupport.requireZeroPointRange(ctx, weights, "weights");
      ms = ConvSupport.uint8Multiplier(input.scale(), weights.scale(), output.scale());
      wOffset = -weights.zeroPoint();
    }
    byte[] w = ConvSupport.bytes(ctx, WEIGHTS, "weights");
    int[] range = Activation.quantizedRange(act, output, ctx);
    int inOffset = -input.zeroPoint();
    int outZp = output.zeroPoint();
    int[] bf = b;
    return c -> TransposeConvKernels.conv8(g, signed, c.array(in), c.offset(in), w, wOffset, bf,
        inOffset, ms[0], ms[1], outZp, range[0], range[1], c.array(out), c.offset(out));
  }
}
