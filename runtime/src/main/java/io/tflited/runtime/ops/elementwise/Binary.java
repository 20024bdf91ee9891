package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.elementwise.BinaryRow;
import io.tflited.runtime.kernels.elementwise.BroadcastPlan;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;

/** Shared preparation of two-input, one-output broadcasting ops. */
final class Binary {
  static final int INPUT1 = 0;
  static final int INPUT2 = 1;
  static final int OUTPUT = 0;

  private Binary() {}

  /**
   * Checks 2 inputs / 1 output, equal input types (one of {@code allowed}), and sets the
   * output to the broadcast shape. When {@code sameOutputType}, the output must have the
   * inputs' type.
   */
  static void check(PrepareContext ctx, boolean sameOutputType, DataType... allowed)
      throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec a = ctx.input(INPUT1);
    TensorSpec b = ctx.input(INPUT2);
    TensorSpec out = ctx.output(OUTPUT);
    ctx.requireType(a, "input 1", allowed);
    if (b.type() != a.type()) {
      throw ctx.error("input types differ: " + a.type() + " and " + b.type());
    }
    if (sameOutputType && out.type() != a.type()) {
      throw ctx.error("output type " + out.type() + " differs from input type " + a.type());
    }
    int[] shape = Shapes.broadcast(a.shape(), b.shape());
    if (shape == null) {
      throw ctx.error(
          "shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
              + " cannot be broadcast");
    }
    if (shape.length > 6 && !java.util.Arrays.equals(a.shape(), b.shape())) {
      throw ctx.error("broadcast rank " + shape.length + " exceeds 6");
    }
    ctx.setOutputShape(OUTPUT, shape);
  }

  /** The op that runs {@code row} over the broadcast of the node's two inputs. */
  static PreparedOp op(PrepareContext ctx, BinaryRow row) throws ModelException {
    TensorSpec a = ctx.input(INPUT1);
    TensorSpec b = ctx.input(INPUT2);
    TensorSpec out = ctx.output(OUTPUT);
    BroadcastPlan plan =
        BroadcastPlan.of(
            a.shape(), a.type().byteSize(), b.shape(), b.type().byteSize(), out.shape(),
            out.type().byteSize());
    int i1 = ctx.inputIndex(INPUT1);
    int i2 = ctx.inputIndex(INPUT2);
    int o = ctx.outputIndex(OUTPUT);
    return ec ->
        plan.run(row, ec.array(i1), ec.offset(i1), ec.array(i2), ec.offset(i2), ec.array(o),
            ec.offset(o));
  }

  static boolean isQuantizedType(DataType t) {
    return t == DataType.INT8 || t == DataType.UINT8 || t == DataType.INT16;
  }

  /** Requires a per-tensor quantization with a positive scale; returns the scale. */
  static float scale(PrepareContext ctx, TensorSpec t, String role) throws ModelException {
    if (t.quantization() == null || !t.quantization().isQuantized()) {
      throw ctx.error(role + " (" + t.name() + ") has no quantization parameters");
    }
    float s = t.scale();
    if (!(s > 0) || Float.isInfinite(s)) {
      throw ctx.error(role + " scale " + s + " must be positive and finite");
    }
    return s;
  }

  /** Requires the zero point to lie in the type's range; returns it. */
  static int zeroPoint(PrepareContext ctx, TensorSpec t, String role) throws ModelException {
    long zp = t.quantization().zeroPoint();
    long min;
    long max;
    switch (t.type()) {
      case INT8 -> {
        min = -128;
        max = 127;
      }
      case UINT8 -> {
        min = 0;
        max = 255;
      }
      case INT16 -> {
        min = -32768;
        max = 32767;
      }
      default -> {
        min = Integer.MIN_VALUE;
        max = Integer.MAX_VALUE;
      }
    }
    if (zp < min || zp > max) {
      throw ctx.error(role + " zero point " + zp + " is outside the range of " + t.type());
    }
    return (int) zp;
  }

  /**
   * TFLite CalculateActivationRangeQuantized, bit for bit as TFLite 2.4.1 computes it on
   * x86-64: {@code zp + (int32) round(x / scale)} where a float-to-int conversion that
   * overflows yields INT32_MIN (cvttss2si) and the addition wraps. With absurd output scales
   * this gives empty ranges whose clamp TFLite then applies as is.
   */
  static int[] activationRange(int activation, TensorSpec out, PrepareContext ctx)
      throws ModelException {
    int[] type = io.tflited.runtime.ops.Activation.typeRange(out.type());
    int qmin = type[0];
    int qmax = type[1];
    float scale = out.scale();
    int zp = out.zeroPoint();
    return switch (activation) {
      case io.tflited.runtime.model.fb.ActivationFunctionType.NONE -> new int[] {qmin, qmax};
      case io.tflited.runtime.model.fb.ActivationFunctionType.RELU ->
          new int[] {Math.max(qmin, quantize(0f, scale, zp)), qmax};
      case io.tflited.runtime.model.fb.ActivationFunctionType.RELU6 ->
          new int[] {
            Math.max(qmin, quantize(0f, scale, zp)), Math.min(qmax, quantize(6f, scale, zp))
          };
      case io.tflited.runtime.model.fb.ActivationFunctionType.RELU_N1_TO_1 ->
          new int[] {
            Math.max(qmin, quantize(-1f, scale, zp)), Math.min(qmax, quantize(1f, scale, zp))
          };
      default -> throw ctx.error("unsupported fused activation " + activation);
    };
  }

  private static int quantize(float x, float scale, int zp) {
    float q = x / scale;
    double r = q >= 0 ? Math.floor((double) q + 0.5) : -Math.floor(-(double) q + 0.5);
    int i = (r >= 0x1p31 || r < -0x1p31 || Double.isNaN(r)) ? Integer.MIN_VALUE : (int) r;
    return zp + i;
  }

  /** TFLite QuantizeMultiplierSmallerThanOneExp: requires 0 < m < 1. */
  static QuantizedMultiplier smallerThanOne(PrepareContext ctx, double m, String what)
      throws ModelException {
    if (!(m > 0 && m < 1)) {
      throw ctx.error(what + " multiplier " + m + " must be in (0, 1) (extreme scales)");
    }
    return QuantizedMultiplier.of(m);
  }

  /** TFLite's CheckedLog2: the rounded log2 of a scale, or null when it is not a power of 2. */
  static Integer checkedLog2(float x) {
    float log2 = (float) Math.log(x) * (1.0f / (float) Math.log(2.0f));
    float rounded = (float) Math.rint(log2);
    // std::round rounds halves away from zero; rint only differs on exact halves, whose
    // fractional part (0.5) fails the test below either way.
    float frac = log2 - rounded;
    return Math.abs(frac) < 1e-3f ? (int) rounded : null;
  }
}
