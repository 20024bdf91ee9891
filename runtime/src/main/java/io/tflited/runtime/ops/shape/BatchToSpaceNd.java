package io.tflited.runtime.ops.shape;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.Fill;
import io.tflited.runtime.kernels.shape.MappedCopy;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (TFLite space_to_batch_nd.cc / batch_to_space_nd.cc):
 * input [batch, spatial (M dims), rest...], block_shape [M] and paddings/crops [M, 2] known
 * int32/int64 tensors. Batch index = (spatial block offset, row-major over the M offsets) *
 * batch + n. SPACE_TO_BATCH pads with 0, or the output zero point for uint8/int8.
 */
public final class BatchToSpaceNd implements OpKernel {
  public static final int INPUT = 0;
  public static final int BLOCK_SHAPE = 1;
  public static final int PADDINGS_OR_CROPS = 2;
  public static final int OUTPUT = 0;

  private final boolean toBatch;

  public BatchToSpaceNd(boolean toBatch) {
    this.toBatch = toBatch;
  }

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(3, 3);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    int[] shape = in.shape();
    int rank = shape.length;
    int[] block = ctx.knownInts(ctx.input(BLOCK_SHAPE), "block_shape");
    int m = block.length;
    if (m < 1 || rank < m + 1) {
      throw ctx.error("block_shape has " + m + " elements for a rank-" + rank + " input");
    }
    int[][] pc = Pad.paddings(ctx, ctx.input(PADDINGS_OR_CROPS), m);
    long blocks = 1;
    for (int b : block) {
      if (b < 1) {
        throw ctx.error("block_shape values must be positive");
      }
      blocks *= b;
    }
    int es = in.type().byteSize();
    int rest = (int) ShapeSupport.product(shape, m + 1, rank) * es;
    int[] outShape = shape.clone();
    // Offsets of each block position: offsetStride[k] = prod(block[k+1:]).
    int[] offsetStride = new int[m];
    int acc = 1;
    for (int k = m - 1; k >= 0; k--) {
      offsetStride[k] = acc;
      acc *= block[k];
    }
    int ii = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    if (!toBatch) {
      if (shape[0] % blocks != 0) {
        throw ctx.error("batch " + shape[0] + " is not divisible by the block count " + blocks);
      }
      int outN = (int) (shape[0] / blocks);
      outShape[0] = outN;
      for (int k = 0; k < m; k++) {
        long full = (long) shape[k + 1] * block[k];
        long d = full - pc[k][0] - pc[k][1];
        if (d < 0) {
          throw ctx.error("crops exceed spatial dimension " + k);
        }
        outShape[k + 1] = (int) d;
      }
      ctx.setOutputShape(OUTPUT, outShape);
      int[] inStrides = StridedCopy.strides(shape);
      int[][] maps = new int[m + 1][];
      maps[0] = new int[outN];
      for (int n = 0; n < outN; n++) {
        maps[0][n] = n * inStrides[0] * es;
      }
      for (int k = 0; k < m; k++) {
        maps[k + 1] = new int[outShape[k + 1]];
        for (int i = 0; i < outShape[k + 1]; i++) {
          int pos = i + pc[k][0];
          int off = pos % block[k];
          int inPos = pos / block[k];
          maps[k + 1][i] =
              (off * offsetStride[k] * outN * inStrides[0] + inPos * inStrides[k + 1]) * es;
        }
      }
      MappedCopy copy = new MappedCopy(java.util.Arrays.copyOf(outShape, m + 1), maps, rest);
      return c -> copy.run(c.array(ii), c.offset(ii), c.array(o), c.offset(o));
    }
    int inN = shape[0];
    outShape[0] = Math.multiplyExact(inN, (int) blocks);
    for (int k = 0; k < m; k++) {
      long padded = (long) shape[k + 1] + pc[k][0] + pc[k][1];
      if (padded % block[k] != 0) {
        throw ctx.error("padded spatial dimension " + k + " (" + padded
            + ") is not divisible by block size " + block[k]);
      }
      outShape[k + 1] = (int) (padded / block[k]);
    }
    ctx.setOutputShape(OUTPUT, outShape);
    int[] inStrides = StridedCopy.strides(shape);
    int nb = (int) blocks;
    MappedCopy[] copies = new MappedCopy[nb];
    int[] sub = java.util.Arrays.copyOf(outShape, m + 1);
    sub[0] = inN;
    for (int b = 0; b < nb; b++) {
      int[][] maps = new int[m + 1][];
      maps[0] = new int[inN];
      for (int n = 0; n < inN; n++) {
        maps[0][n] = n * inStrides[0] * es;
      }
      for (int k = 0; k < m; k++) {
        int off = (b / offsetStride[k]) % block[k];
        maps[k + 1] = new int[outShape[k + 1]];
        for (int i = 0; i < outShape[k + 1]; i++) {
          int inPos = i * block[k] + off - pc[k][0];
          maps[k + 1][i] =
              inPos < 0 || inPos >= shape[k + 1] ? -1 : inPos * inStrides[k + 1] * es;
        }
      }
      copies[b] = new MappedCopy(sub, maps, rest);
    }
    int chunk = (int) (ShapeSupport.product(sub, 0, m + 1) * rest);
    byte[] value = new byte[es];
    if (in.type() == DataType.UINT8 || in.type() == DataType.INT8) {
      value[0] = (byte) out.zeroPoint();
    }
    int total = (int) out.elementCount();
    return c -> {
      byte[] dst = c.array(o);
      int dOff = c.offset(o);
      Fill.fill(dst, dOff, total, value, 0, es);
      byte[] src = c.array(ii);
      int sOff = c.offset(ii);
      for (int b = 0; b < nb; b++) {
        copies[b].run(src, sOff, dst, dOff + b * chunk);
      }
    };
  }
}
