package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.MappedCopy;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.MirrorPadMode;
import io.tflited.runtime.model.fb.MirrorPadOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * MIRROR_PAD (TFLite mirror_pad.cc): pads by mirroring, REFLECT excluding the edge element,
 * SYMMETRIC including it. Padded coordinates map to input coordinates with TFLite's
 * GetInputDimension; a padding that would read outside the input is rejected.
 */
public final class MirrorPad implements OpKernel {
  public static final int INPUT = 0;
  public static final int PADDINGS = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    MirrorPadOptions opts = ctx.options(BuiltinOptions.MirrorPadOptions, new MirrorPadOptions());
    int offset = opts.mode() == MirrorPadMode.REFLECT ? 1 : 0;
    int rank = in.rank();
    int[][] pads = Pad.paddings(ctx, ctx.input(PADDINGS), rank);
    int[] shape = in.shape();
    int[] outShape = new int[rank];
    for (int i = 0; i < rank; i++) {
      outShape[i] = shape[i] + pads[i][0] + pads[i][1];
    }
    ctx.setOutputShape(OUTPUT, outShape);
    int es = in.type().byteSize();
    int[] strides = StridedCopy.strides(shape);
    // Trailing unpadded dimensions are copied as one block.
    int mapped = rank;
    while (mapped > 0 && pads[mapped - 1][0] == 0 && pads[mapped - 1][1] == 0) {
      mapped--;
    }
    int block = (int) ShapeSupport.product(shape, mapped, rank) * es;
    int[][] maps = new int[mapped][];
    for (int d = 0; d < mapped; d++) {
      maps[d] = new int[outShape[d]];
      for (int i = 0; i < outShape[d]; i++) {
        int src = inputCoordinate(i, pads[d][0], shape[d], offset);
        if (src < 0 || src >= shape[d]) {
          throw ctx.error("padding " + pads[d][0] + ", " + pads[d][1] + " of dimension " + d
              + " (size " + shape[d] + ") is too large for "
              + (offset == 1 ? "REFLECT" : "SYMMETRIC") + " mode");
        }
        maps[d][i] = src * strides[d] * es;
      }
    }
    MappedCopy copy = new MappedCopy(java.util.Arrays.copyOf(outShape, mapped), maps, block);
    int ii = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return c -> copy.run(c.array(ii), c.offset(ii), c.array(o), c.offset(o));
  }

  /** TFLite mirror_pad.cc GetInputDimension. */
  static int inputCoordinate(int padded, int leftPad, int size, int offset) {
    if (padded < leftPad) {
      int original = leftPad + offset - 1;
      return original - Math.min(padded, original - offset);
    }
    padded -= leftPad;
    if (padded >= size) {
      padded -= size;
      int original = size - (1 + offset);
      return original - Math.min(padded, original);
    }
    return padded;
  }
}
