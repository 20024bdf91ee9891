package io.tflited.runtime.ops.math;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.math.MathKernels;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * ELU (TFLite activations.cc): {@code x < 0 ? exp(x) - 1 : x}. Float32, and int8 through the
 * 256-entry table TFLite 2.4.1 builds at prepare (PopulateLookupTable: dequantize, transform in
 * float, multiply by the float inverse output scale, round half away from zero, add the zero
 * point, clamp).
 */
public final class Elu implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    int n = FloatMap.check(ctx, DataType.FLOAT32, DataType.INT8);
    TensorSpec in = ctx.input(INPUT);
    if (in.type() == DataType.FLOAT32) {
      return FloatMap.op(ctx, MathKernels::elu, n);
    }
    TensorSpec out = ctx.output(OUTPUT);
    float inScale = positive(ctx, in, "input");
    float outScale = positive(ctx, out, "output");
    int inZp = in.zeroPoint();
    int outZp = out.zeroPoint();
    byte[] table = new byte[256];
    float inverse = 1 / outScale;
    for (int v = -128; v <= 127; v++) {
      float deq = inScale * (v - inZp);
      float tr = deq < 0.0 ? (float) Math.exp(deq) - 1.0f : deq;
      float rescaled = (float) roundHalfAway(tr * inverse);
      int q = (int) (rescaled + outZp);
      table[v & 0xff] = (byte) Math.max(-128, Math.min(127, q));
    }
    int i = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> MathKernels.lookup(table, c.array(i), c.offset(i), c.array(o), c.offset(o), n);
  }

  private static double roundHalfAway(float x) {
    return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
  }

  private static float positive(PrepareContext ctx, TensorSpec t, String role)
      throws ModelException {
    if (t.quantization() == null || !t.quantization().isQuantized() || !(t.scale() > 0)) {
      throw ctx.error(role + " needs a positive quantization scale");
    }
    return t.scale();
  }
}
