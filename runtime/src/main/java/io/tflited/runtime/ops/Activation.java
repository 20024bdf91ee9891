package io.tflited.runtime.ops;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.fb.ActivationFunctionType;

/** Fused activation ranges, computed as TFLite's CalculateActivationRange* do. */
public final class Activation {
  private Activation() {}

  /** Clamp range of a float output: {min, max}. */
  public static float[] floatRange(int activation, PrepareContext ctx) throws ModelException {
    return switch (activation) {
      case ActivationFunctionType.NONE -> new float[] {-Float.MAX_VALUE, Float.MAX_VALUE};
      case ActivationFunctionType.RELU -> new float[] {0f, Float.MAX_VALUE};
      case ActivationFunctionType.RELU6 -> new float[] {0f, 6f};
      case ActivationFunctionType.RELU_N1_TO_1 -> new float[] {-1f, 1f};
      default -> throw ctx.error("unsupported fused activation " + activation);
    };
  }

  /** Clamp range of a quantized output in its own quantized units: {min, max}. */
  public static int[] quantizedRange(int activation, TensorSpec output, PrepareContext ctx)
      throws ModelException {
    int qmin;
    int qmax;
    switch (output.type()) {
      case INT8 -> {
        qmin = -128;
        qmax = 127;
      }
      case UINT8 -> {
        qmin = 0;
        qmax = 255;
      }
      case INT16 -> {
        qmin = -32768;
        qmax = 32767;
      }
      case INT32 -> {
        qmin = Integer.MIN_VALUE;
        qmax = Integer.MAX_VALUE;
      }
      default -> throw ctx.error("output type " + output.type() + " is not quantized");
    }
    float scale = output.scale();
    int zp = output.zeroPoint();
    return switch (activation) {
      case ActivationFunctionType.NONE -> new int[] {qmin, qmax};
      case ActivationFunctionType.RELU -> new int[] {Math.max(qmin, quantize(0f, scale, zp)), qmax};
      case ActivationFunctionType.RELU6 ->
          new int[] {
            Math.max(qmin, quantize(0f, scale, zp)), Math.min(qmax, quantize(6f, scale, zp))
          };
      case ActivationFunctionType.RELU_N1_TO_1 ->
          new int[] {
            Math.max(qmin, quantize(-1f, scale, zp)), Math.min(qmax, quantize(1f, scale, zp))
          };
      default -> throw ctx.error("unsupported fused activation " + activation);
    };
  }

  /** Type range {min, max} of a quantized type. */
  public static int[] typeRange(DataType t) {
    return switch (t) {
      case INT8 -> new int[] {-128, 127};
      case UINT8 -> new int[] {0, 255};
      case INT16 -> new int[] {-32768, 32767};
      default -> new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
    };
  }

  /**
   * zeroPoint + round(f / scale) as TFLite computes it on x86: the float quotient is rounded
   * half away from zero and converted to int32, where an out-of-range conversion yields
   * INT32_MIN (cvttss2si) and the addition wraps.
   */
  private static int quantize(float f, float scale, int zeroPoint) {
    float q = f / scale;
    double r = q >= 0 ? Math.floor((double) q + 0.5) : -Math.floor(-(double) q + 0.5);
    int i = (r >= 0x1p31 || r < -0x1p31 || Double.isNaN(r)) ? Integer.MIN_VALUE : (int) r;
    return zeroPoint + i;
  }
}
