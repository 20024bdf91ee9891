package io.tflited.runtime.ops.conv;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.nio.ByteBuffer;

/** Shared preparation steps of the convolution and pooling ops. */
final class ConvSupport {
  private ConvSupport() {}

  /** Bytes of a constant (or constant-folded) input, marking constants as packed. */
  static ByteBuffer constantBytes(PrepareContext ctx, int slot, String role)
      throws ModelException {
    TensorSpec t = ctx.input(slot);
    if (t.isConstant()) {
      return ctx.packConstant(slot);
    }
    ByteBuffer b = ctx.knownValue(t);
    if (b == null) {
      throw ctx.error(role + " (" + t.name() + ") must be a constant tensor");
    }
    return b;
  }

  static byte[] bytes(PrepareContext ctx, int slot, String role) throws ModelException {
    ByteBuffer b = constantBytes(ctx, slot, role);
    byte[] out = new byte[(int) ctx.input(slot).byteSize()];
    b.get(0, out);
    return out;
  }

  static float[] floats(PrepareContext ctx, int slot, String role) throws ModelException {
    ByteBuffer b = constantBytes(ctx, slot, role);
    float[] out = new float[(int) ctx.input(slot).elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat(4 * i);
    }
    return out;
  }

  static int[] ints(PrepareContext ctx, int slot, String role) throws ModelException {
    ByteBuffer b = constantBytes(ctx, slot, role);
    int[] out = new int[(int) ctx.input(slot).elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getInt(4 * i);
    }
    return out;
  }

  static long[] longs(PrepareContext ctx, int slot, String role) throws ModelException {
    ByteBuffer b = constantBytes(ctx, slot, role);
    long[] out = new long[(int) ctx.input(slot).elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getLong(8 * i);
    }
    return out;
  }

  static void requirePositive(PrepareContext ctx, String what, int... values)
      throws ModelException {
    for (int v : values) {
      if (v <= 0) {
        throw ctx.error(what + " must be positive, got " + v);
      }
    }
  }

  static void requireScale(PrepareContext ctx, TensorSpec t, String role) throws ModelException {
    if (!t.quantization().isQuantized() || !(t.scale() > 0f) || Float.isInfinite(t.scale())) {
      throw ctx.error(role + " needs a positive quantization scale, got " + t.quantization());
    }
  }

  static void requireZeroPointRange(PrepareContext ctx, TensorSpec t, String role)
      throws ModelException {
    int zp = t.zeroPoint();
    int lo;
    int hi;
    switch (t.type()) {
      case INT8 -> {
        lo = -128;
        hi = 127;
      }
      case UINT8 -> {
        lo = 0;
        hi = 255;
      }
      default -> {
        lo = hi = 0;
      }
    }
    if (zp < lo || zp > hi) {
      throw ctx.error(role + " zero point " + zp + " is out of range for " + t.type());
    }
  }

  /**
   * Filter scales along the output-channel axis {@code channelDim}: one per channel, or one
   * per-tensor scale broadcast to all channels (TFLite PopulateConvolutionQuantizationParams).
   */
  static float[] filterScales(PrepareContext ctx, TensorSpec filter, int channels, int channelDim)
      throws ModelException {
    var q = filter.quantization();
    if (!q.isQuantized()) {
      throw ctx.error("filter (" + filter.name() + ") has no quantization parameters");
    }
    float[] s = new float[channels];
    if (q.isPerChannel()) {
      if (q.channelCount() != channels || q.quantizedDimension() != channelDim) {
        throw ctx.error(
            "filter has " + q.channelCount() + " scales along dimension "
                + q.quantizedDimension() + "; expected " + channels + " along dimension "
                + channelDim);
      }
      for (int c = 0; c < channels; c++) {
        s[c] = q.scale(c);
      }
    } else {
      java.util.Arrays.fill(s, q.scale());
    }
    for (float v : s) {
      if (!(v > 0f) || Float.isInfinite(v)) {
        throw ctx.error("filter scale " + v + " is not positive");
      }
    }
    return s;
  }

  /** Requires every filter zero point to be 0 (symmetric int8 weights). */
  static void requireSymmetric(PrepareContext ctx, TensorSpec filter) throws ModelException {
    var q = filter.quantization();
    for (long zp : q.zeroPoints()) {
      if (zp != 0) {
        throw ctx.error("int8 filter zero points must be 0, got " + zp);
      }
    }
  }

  /** Per-channel {multipliers, shifts} of inScale * filterScale[c] / outScale (in double). */
  static int[][] multipliers(float inScale, float[] filterScales, float outScale) {
    int[] m = new int[filterScales.length];
    int[] s = new int[filterScales.length];
    for (int c = 0; c < m.length; c++) {
      double eff = (double) inScale * (double) filterScales[c] / (double) outScale;
      QuantizedMultiplier q = QuantizedMultiplier.of(eff);
      m[c] = q.multiplier();
      s[c] = q.shift();
    }
    return new int[][] {m, s};
  }

  /**
   * {multiplier, shift} of the legacy uint8 path (TFLite GetQuantizedConvolutionMultipler):
   * the input and filter scales are multiplied in float, then divided in double.
   */
  static int[][] uint8Multiplier(float inScale, float filterScale, float outScale) {
    float product = inScale * filterScale;
    QuantizedMultiplier q = QuantizedMultiplier.of((double) product / (double) outScale);
    return new int[][] {{q.multiplier()}, {q.shift()}};
  }

  /** TFLite's uint8 check that the bias scale matches input scale * filter scale. */
  static void checkBiasScale(PrepareContext ctx, TensorSpec input, TensorSpec filter,
      TensorSpec bias, TensorSpec output) throws ModelException {
    if (bias == null) {
      return;
    }
    double product = input.scale() * filter.scale();
    double diff = Math.abs(product - (double) bias.scale());
    if (diff / (double) output.scale() > 0.02) {
      throw ctx.error(
          "bias scale " + bias.scale() + " does not match input scale * filter scale "
              + product);
    }
  }

  static void requireQuantizedIo(PrepareContext ctx, TensorSpec input, TensorSpec output)
      throws ModelException {
    requireScale(ctx, input, "input");
    requireScale(ctx, output, "output");
    requireZeroPointRange(ctx, input, "input");
    requireZeroPointRange(ctx, output, "output");
    if (input.type() == DataType.INT16
        && (input.zeroPoint() != 0 || output.zeroPoint() != 0)) {
      throw ctx.error("int16 input and output zero points must be 0");
    }
  }
}
