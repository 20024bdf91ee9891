package io.tflited.runtime.kernels.shape;

/**
 * Copies into a dense row-major output of shape {@code shape}, where the source byte offset of
 * an output index is the sum over dimensions of {@code maps[d][i_d]} (precomputed per output
 * coordinate, so mirror padding and batch/space shuffles are plain lookups). The trailing
 * {@code blockBytes} of each innermost output position are copied contiguously. A negative map
 * entry marks output positions that are not copied (padding, filled beforehand).
 */
public final class MappedCopy {
  private final int[] shape;
  private final int[][] maps;
  private final int blockBytes;
  private final int[] dstStrides;

  /**
   * @param shape output index space (outer dims); each position copies {@code blockBytes}
   * @param maps per dim, source byte offset contribution of each coordinate
   */
  public MappedCopy(int[] shape, int[][] maps, int blockBytes) {
    this.shape = shape.clone();
    this.maps = maps;
    this.blockBytes = blockBytes;
    this.dstStrides = new int[shape.length];
    int acc = blockBytes;
    for (int i = shape.length - 1; i >= 0; i--) {
      dstStrides[i] = acc;
      acc *= shape[i];
    }
  }

  public void run(byte[] s, int sOff, byte[] d, int dOff) {
    for (int n : shape) {
      if (n == 0) {
        return;
      }
    }
    if (shape.length == 0) {
      StridedCopy.copyBlock(s, sOff, d, dOff, blockBytes);
      return;
    }
    rec(0, s, sOff, d, dOff);
  }

  private void rec(int level, byte[] s, int so, byte[] d, int dO) {
    int[] map = maps[level];
    int n = shape[level];
    int ds = dstStrides[level];
    if (level == shape.length - 1) {
      int bb = blockBytes;
      for (int i = 0; i < n; i++) {
        if (map[i] >= 0) {
          StridedCopy.copyBlock(s, so + map[i], d, dO, bb);
        }
        dO += ds;
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      if (map[i] >= 0) {
        rec(level + 1, s, so + map[i], d, dO);
      }
      dO += ds;
    }
  }
}
