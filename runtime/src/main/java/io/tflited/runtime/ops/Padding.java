package io.tflited.runtime.ops;

/** Output sizes and paddings of windowed ops (TFLite's padding.h). */
public final class Padding {
  private Padding() {}

  /** Output size along one spatial dimension for SAME (0) or VALID (1) padding. */
  public static int outSize(int padding, int in, int filter, int stride, int dilation) {
    int effective = (filter - 1) * dilation + 1;
    if (stride == 0) {
      return 0;
    }
    return padding == io.tflited.runtime.model.fb.Padding.SAME
        ? (in + stride - 1) / stride
        : (in + stride - effective) / stride;
  }

  /** Padding before the first element ({@code total / 2}); {@link #offset} gives the rest. */
  public static int before(int stride, int dilation, int in, int filter, int out) {
    return total(stride, dilation, in, filter, out) / 2;
  }

  /** 1 when the total padding is odd (the extra element goes after, as in TFLite). */
  public static int offset(int stride, int dilation, int in, int filter, int out) {
    return total(stride, dilation, in, filter, out) % 2;
  }

  private static int total(int stride, int dilation, int in, int filter, int out) {
    int effective = (filter - 1) * dilation + 1;
    int t = (out - 1) * stride + effective - in;
    return Math.max(t, 0);
  }
}
