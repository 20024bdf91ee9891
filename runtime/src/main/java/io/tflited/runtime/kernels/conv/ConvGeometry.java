package io.tflited.runtime.kernels.conv;

/**
 * Shapes, strides, dilations and paddings of a 2-D windowed op over NHWC tensors. Also
 * computes, per output position, which filter taps fall inside the input (TFLite's
 * reference kernels skip the others, i.e. they contribute a real zero).
 */
public record ConvGeometry(
    int batches,
    int inH,
    int inW,
    int inC,
    int outH,
    int outW,
    int outC,
    int kh,
    int kw,
    int strideH,
    int strideW,
    int dilH,
    int dilW,
    int padH,
    int padW) {

  /** First valid filter tap along one axis for a window starting at {@code origin}. */
  static int firstTap(int origin, int dilation, int taps) {
    int k = 0;
    while (k < taps && origin + k * dilation < 0) {
      k++;
    }
    return k;
  }

  /** One past the last valid filter tap along one axis. */
  static int endTap(int origin, int dilation, int taps, int size) {
    int k = taps;
    while (k > 0 && origin + (k - 1) * dilation >= size) {
      k--;
    }
    return k;
  }
}
