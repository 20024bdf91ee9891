package io.tflited.runtime.ops.activation;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.PrepareContext;

/** Checks shared by this package's one-input, one-output operators. */
final class Unary {
  static final int INPUT = 0;
  static final int OUTPUT = 0;

  private Unary() {}

  /**
   * Checks one input and one output, gives the output the input's shape and returns the
   * input's element count as an int.
   */
  static int prepareSameShape(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    ctx.setOutputShape(OUTPUT, in.shape());
    return (int) in.elementCount();
  }

  /** Fails unless input and output have the same type. */
  static void requireSameType(PrepareContext ctx, TensorSpec in, TensorSpec out)
      throws ModelException {
    if (in.type() != out.type()) {
      throw ctx.error("input type " + in.type() + " differs from output type " + out.type());
    }
  }

  /** Fails unless the tensor has a single positive, finite scale. */
  static void requirePerTensor(PrepareContext ctx, TensorSpec t, String role)
      throws ModelException {
    if (!t.quantization().isQuantized()) {
      throw ctx.error(role + " (" + t.name() + ") of type " + t.type() + " has no quantization");
    }
    if (t.quantization().channelCount() != 1) {
      throw ctx.error(role + " must be quantized per tensor, not per channel");
    }
    float s = t.scale();
    if (!(s > 0f) || Float.isInfinite(s)) {
      throw ctx.error(role + " has invalid scale " + s);
    }
    long zp = t.quantization().zeroPoint();
    DataType type = t.type();
    long min = type == DataType.UINT8 ? 0 : type == DataType.INT8 ? -128 : Integer.MIN_VALUE;
    long max = type == DataType.UINT8 ? 255 : type == DataType.INT8 ? 127 : Integer.MAX_VALUE;
    if (type == DataType.INT16) {
      min = -32768;
      max = 32767;
    }
    if (zp < min || zp > max) {
      throw ctx.error(role + " zero point " + zp + " is outside the range of " + type);
    }
  }

  /**
   * TFLite CheckedLog2: the rounded base-2 logarithm of a scale that must be a power of two
   * (within 1e-3 in the exponent); fails otherwise.
   */
  static int checkedLog2(PrepareContext ctx, float x, String role) throws ModelException {
    float log2 = (float) Math.log(x) * (1.0f / (float) Math.log(2.0f));
    float rounded = Math.round(log2);
    if (!(Math.abs(log2 - rounded) < 1e-3f)) {
      throw ctx.error(role + " scale " + x + " must be a power of two");
    }
    return (int) rounded;
  }

  /** The int16 LOGISTIC/TANH preconditions; returns TFLite's input_left_shift. */
  static int int16FixedPointInputShift(PrepareContext ctx, TensorSpec in, TensorSpec out)
      throws ModelException {
    requirePerTensor(ctx, in, "input");
    requirePerTensor(ctx, out, "output");
    if (in.zeroPoint() != 0 || out.zeroPoint() != 0) {
      throw ctx.error("int16 input and output must have zero point 0");
    }
    int inLog2 = checkedLog2(ctx, in.scale(), "input");
    int outLog2 = checkedLog2(ctx, out.scale(), "output");
    if (outLog2 != -15) {
      throw ctx.error("int16 output scale must be 2^-15, got " + out.scale());
    }
    return (15 - 3) + inLog2;
  }
}
