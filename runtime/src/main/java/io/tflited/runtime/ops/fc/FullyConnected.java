package io.tflited.runtime.ops.fc;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.fc.FcKernels;
import io.tflited.runtime.kernels.vector.ConvGemmVector;
import io.tflited.runtime.kernels.vector.GemvVector;
import io.tflited.runtime.kernels.vector.HybridGemmVector;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.FullyConnectedOptions;
import io.tflited.runtime.model.fb.FullyConnectedOptionsWeightsFormat;
import io.tflited.runtime.ops.Activation;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * FULLY_CONNECTED as TFLite 2.4.1 computes it: the input is flattened to
 * {@code [elements / depth, depth]} rows, multiplied by the {@code [units, depth]} weights.
 *
 * <ul>
 *   <li>float32 (any weights source, optional bias), clamping activations only;
 *   <li>int8 x int8 -> int8 and uint8 x uint8 -> uint8 with int32 bias; weights per tensor, or
 *       per output channel (TFLite 2.4.1 itself has no per-channel FULLY_CONNECTED: it silently
 *       uses scale 0; we apply each channel's scale as later TFLite versions do);
 *   <li>int16 x int8 -> int16 with int64 bias (zero points of input and output 0);
 *   <li>hybrid float32 x int8 -> float32 (dynamic range): each batch row is quantized to int8
 *       symmetrically (or asymmetrically with {@code asymmetric_quantize_inputs}), multiplied in
 *       int32, scaled back to float and added to the float bias; any fused activation.
 * </ul>
 *
 * Constant weights are packed at prepare; for 8-bit kernels the input zero point is folded into
 * a per-unit constant, so the inner loop is a plain 8-bit dot product.
 */
public final class FullyConnected implements OpKernel {
  public static final int INPUT = 0;
  public static final int WEIGHTS = 1;
  public static final int BIAS = 2;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 3);
    FullyConnectedOptions opts =
        ctx.options(BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptions());
    if (opts.weightsFormat() != FullyConnectedOptionsWeightsFormat.DEFAULT) {
      throw ctx.error(
          "weights format "
              + FullyConnectedOptionsWeightsFormat.name(opts.weightsFormat())
              + " is not supported (only DEFAULT)");
    }
    ctx.checkOutputCount(1, 1);
    TensorSpec input = ctx.input(INPUT);
    TensorSpec weights = ctx.input(WEIGHTS);
    TensorSpec bias = ctx.optionalInput(BIAS);
    TensorSpec output = ctx.output(OUTPUT);
    ctx.requireRank(weights, "weights", 2);
    int units = weights.dim(0);
    int depth = weights.dim(1);
    long total = input.elementCount();
    if (depth <= 0) {
      throw ctx.error("weights " + Arrays.toString(weights.shape()) + " have no input depth");
    }
    if (total % depth != 0) {
      throw ctx.error(
          "input " + Arrays.toString(input.shape()) + " does not split into rows of " + depth);
    }
    int batches = (int) (total / depth);
    if (bias != null && bias.elementCount() != units) {
      throw ctx.error("bias has " + bias.elementCount() + " elements; expected " + units);
    }
    if (opts.keepNumDims()) {
      if (input.rank() == 0 || input.dim(-1) != depth) {
        throw ctx.error(
            "keep_num_dims needs the input's last dim "
                + Arrays.toString(input.shape())
                + " to equal the weights' depth "
                + depth);
      }
      int[] shape = input.shape();
      shape[shape.length - 1] = units;
      ctx.setOutputShape(OUTPUT, shape);
    } else {
      ctx.setOutputShape(OUTPUT, batches, units);
    }
    int activation = opts.fusedActivationFunction();
    Geometry g = new Geometry(ctx.inputIndex(INPUT), ctx.outputIndex(OUTPUT), batches, depth, units);

    boolean quantizedWeights = weights.type() == DataType.INT8 || weights.type() == DataType.UINT8;
    if (input.type() == DataType.FLOAT32 && quantizedWeights) {
      return prepareHybrid(ctx, opts, weights, bias, output, activation, g);
    }
    if (activation != ActivationFunctionType.NONE
        && activation != ActivationFunctionType.RELU
        && activation != ActivationFunctionType.RELU_N1_TO_1
        && activation != ActivationFunctionType.RELU6) {
      throw ctx.error("unsupported fused activation " + ActivationFunctionType.name(activation));
    }
    return switch (input.type()) {
      case FLOAT32 -> prepareFloat(ctx, weights, bias, output, activation, g);
      case INT8, UINT8 -> prepareQuantized8(ctx, input, weights, bias, output, activation, g);
      case INT16 -> prepareInt16(ctx, input, weights, bias, output, activation, g);
      default -> throw ctx.error("input type " + input.type() + " is not supported");
    };
  }

  /** Tensor indices and matrix sizes shared by every variant. */
  private record Geometry(int in, int out, int batches, int depth, int units) {}

  /** The FC as a 1x1 convolution over {@code batches} pixels (for the vector GEMM). */
  private static ConvGeometry asConv(Geometry g) {
    return new ConvGeometry(1, 1, g.batches(), g.depth(), 1, g.batches(), g.units(), 1, 1, 1, 1,
        1, 1, 0, 0);
  }

  /** The weights' bytes: packed constant, known (folded) value, or null when dynamic. */
  private static ByteBuffer knownWeights(PrepareContext ctx, int slot, TensorSpec t)
      throws ModelException {
    if (t.isConstant()) {
      return ctx.packConstant(slot);
    }
    return ctx.knownValue(t);
  }

  // ---------------------------------------------------------------------------------------

  private static PreparedOp prepareFloat(
      PrepareContext ctx, TensorSpec weights, TensorSpec bias, TensorSpec output, int activation,
      Geometry g) throws ModelException {
    ctx.requireType(weights, "weights", DataType.FLOAT32);
    ctx.requireType(output, "output", DataType.FLOAT32);
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.FLOAT32);
    }
    float[] range = Activation.floatRange(activation, ctx);
    float min = range[0];
    float max = range[1];
    ByteBuffer wb = knownWeights(ctx, WEIGHTS, weights);
    ByteBuffer bb = bias == null ? null : knownWeights(ctx, BIAS, bias);
    if (wb != null && (bias == null || bb != null)) {
      float[] w = new float[g.units() * g.depth()];
      wb.asFloatBuffer().get(w);
      float[] b = null;
      if (bias != null) {
        b = new float[g.units()];
        bb.asFloatBuffer().get(b);
      }
      float[] fb = b;
      if (ctx.useVectorKernels()) {
        ConvGemmVector v = ConvGemmVector.float32(asConv(g), w, fb, min, max, g.in(), g.out(),
            ctx::scratch, ctx.interpreterOptions().threads());
        return v::eval;
      }
      return ctx2 ->
          FcKernels.floatFc(
              ctx2.array(g.in()), ctx2.offset(g.in()), w, fb,
              ctx2.array(g.out()), ctx2.offset(g.out()),
              g.batches(), g.depth(), g.units(), min, max);
    }
    int wIdx = ctx.inputIndex(WEIGHTS);
    int bIdx = bias == null ? -1 : ctx.inputIndex(BIAS);
    return ctx2 ->
        FcKernels.floatFcDynamic(
            ctx2.array(g.in()), ctx2.offset(g.in()),
            ctx2.array(wIdx), ctx2.offset(wIdx),
            bIdx < 0 ? null : ctx2.array(bIdx), bIdx < 0 ? 0 : ctx2.offset(bIdx),
            ctx2.array(g.out()), ctx2.offset(g.out()),
            g.batches(), g.depth(), g.units(), min, max);
  }

  // ---------------------------------------------------------------------------------------

  /**
   * Per-unit multipliers: TFLite's GetQuantizedConvolutionMultipler (input scale times weight
   * scale rounded to float, then divided by the output scale in double).
   */
  private static int[][] multipliers(
      PrepareContext ctx, TensorSpec input, TensorSpec weights, TensorSpec bias,
      TensorSpec output, int units) throws ModelException {
    Quantization wq = weights.quantization();
    if (!input.quantization().isQuantized() || !wq.isQuantized()
        || !output.quantization().isQuantized()) {
      throw ctx.error("quantized FULLY_CONNECTED needs quantization parameters on input, "
          + "weights and output");
    }
    boolean perChannel = wq.isPerChannel();
    if (perChannel) {
      if (wq.channelCount() != units || wq.quantizedDimension() != 0) {
        throw ctx.error("per-channel weights need " + units + " scales along dimension 0; got "
            + wq.channelCount() + " along dimension " + wq.quantizedDimension());
      }
    }
    float inScale = input.scale();
    float outScale = output.scale();
    if (!(inScale > 0) || !(outScale > 0)) {
      throw ctx.error("input and output scales must be positive");
    }
    if (bias != null && !perChannel && bias.quantization().isQuantized()) {
      double product = (double) inScale * (double) wq.scale();
      double diff = Math.abs(product - (double) bias.scale());
      if (diff / (double) outScale > 0.02) {
        throw ctx.error("bias scale " + bias.scale() + " is not input scale x weights scale "
            + product);
      }
    }
    int[] m = new int[units];
    int[] s = new int[units];
    for (int u = 0; u < units; u++) {
      float ws = perChannel ? wq.scale(u) : wq.scale();
      if (!(ws > 0)) {
        throw ctx.error("weights scale must be positive");
      }
      double real = (double) (inScale * ws) / (double) outScale;
      QuantizedMultiplier qm = QuantizedMultiplier.of(real);
      m[u] = qm.multiplier();
      s[u] = qm.shift();
    }
    return new int[][] {m, s};
  }

  private static PreparedOp prepareQuantized8(
      PrepareContext ctx, TensorSpec input, TensorSpec weights, TensorSpec bias,
      TensorSpec output, int activation, Geometry g) throws ModelException {
    DataType t = input.type();
    ctx.requireType(weights, "weights", t);
    ctx.requireType(output, "output", t);
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.INT32);
    }
    boolean unsigned = t == DataType.UINT8;
    int[][] ms = multipliers(ctx, input, weights, bias, output, g.units());
    Quantization wq = weights.quantization();
    int wZp = (int) wq.zeroPoint();
    for (int c = 1; c < wq.channelCount(); c++) {
      if (wq.zeroPoint(c) != wZp) {
        throw ctx.error("per-channel weights must share one zero point");
      }
    }
    int[] r = Activation.quantizedRange(activation, output, ctx);
    int min = r[0];
    int max = r[1];
    ByteBuffer wb = knownWeights(ctx, WEIGHTS, weights);
    if (wb == null) {
      throw ctx.error("quantized weights must be constant");
    }
    byte[] w = new byte[g.units() * g.depth()];
    wb.get(0, w);
    int[] biasValues = null;
    if (bias != null) {
      ByteBuffer bb = knownWeights(ctx, BIAS, bias);
      if (bb == null) {
        throw ctx.error("quantized bias must be constant");
      }
      biasValues = new int[g.units()];
      bb.asIntBuffer().get(biasValues);
    }
    int wOffset = -wZp;
    int xOffset = -input.zeroPoint();
    int outZp = output.zeroPoint();
    int[] rowConst =
        FcKernels.rowConstants(unsigned, w, 0, g.units(), g.depth(), wOffset, xOffset, biasValues);
    int[] mult = ms[0];
    int[] shift = ms[1];
    if (ctx.useVectorKernels() && g.batches() == 1) {
      // One input row: every weight is used once, so byte tiles (1 byte per weight streamed
      // instead of the GEMM's 4) and no row panel (GemvVector's Javadoc).
      GemvVector v = GemvVector.quantized(unsigned, g.depth(), g.units(), w, wZp,
          input.zeroPoint(), biasValues, mult, shift, outZp, min, max, g.in(), g.out(),
          ctx::scratch, ctx.interpreterOptions().threads());
      return v::eval;
    }
    if (ctx.useVectorKernels()) {
      ConvGemmVector v = ConvGemmVector.quantized(
          unsigned ? ConvGemmVector.Kind.U8 : ConvGemmVector.Kind.S8, asConv(g), w, wZp,
          input.zeroPoint(), biasValues, mult, shift, outZp, min, max, g.in(), g.out(),
          ctx::scratch, ctx.interpreterOptions().threads());
      return v::eval;
    }
    return ctx2 ->
        FcKernels.quantizedFc(
            unsigned, ctx2.array(g.in()), ctx2.offset(g.in()), w, 0, rowConst, wOffset,
            ctx2.array(g.out()), ctx2.offset(g.out()), g.batches(), g.depth(), g.units(),
            mult, shift, outZp, min, max);
  }

  private static PreparedOp prepareInt16(
      PrepareContext ctx, TensorSpec input, TensorSpec weights, TensorSpec bias,
      TensorSpec output, int activation, Geometry g) throws ModelException {
    ctx.requireType(weights, "weights", DataType.INT8);
    ctx.requireType(output, "output", DataType.INT16);
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.INT64);
    }
    if (input.zeroPoint() != 0 || output.zeroPoint() != 0) {
      throw ctx.error("int16 input and output must have zero point 0");
    }
    int[][] ms = multipliers(ctx, input, weights, bias, output, g.units());
    int[] r = Activation.quantizedRange(activation, output, ctx);
    int min = r[0];
    int max = r[1];
    ByteBuffer wb = knownWeights(ctx, WEIGHTS, weights);
    if (wb == null) {
      throw ctx.error("quantized weights must be constant");
    }
    byte[] w = new byte[g.units() * g.depth()];
    wb.get(0, w);
    long[] biasValues = null;
    if (bias != null) {
      ByteBuffer bb = knownWeights(ctx, BIAS, bias);
      if (bb == null) {
        throw ctx.error("quantized bias must be constant");
      }
      biasValues = new long[g.units()];
      bb.asLongBuffer().get(biasValues);
    }
    long[] fb = biasValues;
    int wOffset = -(int) weights.quantization().zeroPoint();
    int[] mult = ms[0];
    int[] shift = ms[1];
    return ctx2 ->
        FcKernels.int16Fc(
            ctx2.array(g.in()), ctx2.offset(g.in()), w, 0, wOffset, fb,
            ctx2.array(g.out()), ctx2.offset(g.out()), g.batches(), g.depth(), g.units(),
            mult, shift, min, max);
  }

  // ---------------------------------------------------------------------------------------

  private static PreparedOp prepareHybrid(
      PrepareContext ctx, FullyConnectedOptions opts, TensorSpec weights, TensorSpec bias,
      TensorSpec output, int activation, Geometry g) throws ModelException {
    ctx.requireType(weights, "hybrid weights", DataType.INT8);
    ctx.requireType(output, "output", DataType.FLOAT32);
    if (bias != null) {
      ctx.requireType(bias, "bias", DataType.FLOAT32);
    }
    if (activation < ActivationFunctionType.NONE || activation > ActivationFunctionType.SIGN_BIT) {
      throw ctx.error("unsupported fused activation " + activation);
    }
    Quantization wq = weights.quantization();
    if (!wq.isQuantized()) {
      throw ctx.error("hybrid weights need a scale");
    }
    float tensorScale = wq.scale();
    float[] channelScales = null;
    if (wq.isPerChannel()) {
      if (wq.channelCount() != g.units() || wq.quantizedDimension() != 0) {
        throw ctx.error("per-channel weights need " + g.units() + " scales along dimension 0");
      }
      channelScales = wq.scales();
    }
    ByteBuffer wb = knownWeights(ctx, WEIGHTS, weights);
    if (wb == null) {
      throw ctx.error("hybrid weights must be constant");
    }
    byte[] w = new byte[g.units() * g.depth()];
    wb.get(0, w);
    float[] biasValues = null;
    int biasIdx = -1;
    if (bias != null) {
      ByteBuffer bb = knownWeights(ctx, BIAS, bias);
      if (bb != null) {
        biasValues = new float[g.units()];
        bb.asFloatBuffer().get(biasValues);
      } else {
        biasIdx = ctx.inputIndex(BIAS);
      }
    }
    boolean asymmetric = opts.asymmetricQuantizeInputs();
    int[] rowSums = asymmetric ? FcKernels.rowSums(w, g.units(), g.depth()) : null;
    int scratch = ctx.scratch(g.depth() + 8L);
    Hybrid scalar = new Hybrid(g, w, biasValues, biasIdx, tensorScale, channelScales, asymmetric,
        rowSums, activation, scratch);
    // A bias computed at run time stays on the scalar path (the vector epilogue packs it once).
    if (ctx.useVectorKernels() && biasIdx < 0) {
      HybridGemmVector v = HybridGemmVector.fullyConnected(g.batches(), g.depth(), g.units(), w,
          asymmetric, tensorScale, channelScales, biasValues, activation, g.in(), g.out(),
          ctx::scratch, ctx.interpreterOptions().threads(), scalar);
      return v::eval;
    }
    return scalar;
  }

  /** Hybrid float32 x int8 evaluation (TFLite EvalHybrid). */
  private static final class Hybrid implements PreparedOp {
    private final Geometry g;
    private final byte[] w;
    private final float[] bias;
    private final int biasIdx;
    private final float tensorScale;
    private final float[] channelScales;
    private final boolean asymmetric;
    private final int[] rowSums;
    private final int activation;
    private final int scratch;

    Hybrid(Geometry g, byte[] w, float[] bias, int biasIdx, float tensorScale,
        float[] channelScales, boolean asymmetric, int[] rowSums, int activation, int scratch) {
      this.g = g;
      this.w = w;
      this.bias = bias;
      this.biasIdx = biasIdx;
      this.tensorScale = tensorScale;
      this.channelScales = channelScales;
      this.asymmetric = asymmetric;
      this.rowSums = rowSums;
      this.activation = activation;
      this.scratch = scratch;
    }

    @Override
    public void eval(io.tflited.runtime.ops.ExecContext ctx) {
      FcKernels.hybridFc(ctx.array(g.in()), ctx.offset(g.in()), w, bias,
          biasIdx < 0 ? null : ctx.array(biasIdx), biasIdx < 0 ? 0 : ctx.offset(biasIdx),
          tensorScale, channelScales, asymmetric, rowSums, activation, ctx.array(scratch),
          ctx.offset(scratch), ctx.array(g.out()), ctx.offset(g.out()), g.batches(), g.depth(),
          g.units());
    }
  }
}
