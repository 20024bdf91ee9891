package io.tflited.runtime.ops.shape;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.DepthToSpaceOptions;
import io.tflited.runtime.model.fb.SpaceToDepthOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * SPACE_TO_DEPTH and DEPTH_TO_SPACE (TFLite space_to_depth.cc / depth_to_space.cc, NHWC):
 * out[n][h][w][(by*b + bx)*C + c] = in[n][h*b + by][w*b + bx][c], and its inverse. Both are a
 * 6-D transpose of reshaped views.
 */
public final class SpaceToDepth implements OpKernel {
  public static final int INPUT = 0;
  public static final int OUTPUT = 0;

  private final boolean toDepth;

  public SpaceToDepth(boolean toDepth) {
    this.toDepth = toDepth;
  }

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(1, 1);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    ctx.requireRank(in, "input", 4);
    int b =
        toDepth
            ? ctx.options(BuiltinOptions.SpaceToDepthOptions, new SpaceToDepthOptions()).blockSize()
            : ctx.options(BuiltinOptions.DepthToSpaceOptions, new DepthToSpaceOptions()).blockSize();
    if (b <= 0) {
      throw ctx.error("block_size must be positive, is " + b);
    }
    int n = in.dim(0);
    int h = in.dim(1);
    int w = in.dim(2);
    int c = in.dim(3);
    // Canonical (space) layout: [n, H, W, C] with H = hb*b, W = wb*b; depth layout:
    // [n, hb, wb, b*b*C]. View both as 6-D [n, hb, by, wb, bx, C] and [n, hb, wb, by, bx, C].
    int hb;
    int wb;
    int cc;
    if (toDepth) {
      if (h % b != 0 || w % b != 0) {
        throw ctx.error("height " + h + " and width " + w + " must be multiples of " + b);
      }
      hb = h / b;
      wb = w / b;
      cc = c;
      ctx.setOutputShape(OUTPUT, n, hb, wb, c * b * b);
    } else {
      if (c % (b * b) != 0) {
        throw ctx.error("depth " + c + " must be a multiple of " + (b * b));
      }
      hb = h;
      wb = w;
      cc = c / (b * b);
      ctx.setOutputShape(OUTPUT, n, h * b, w * b, cc);
    }
    // Iterate the depth layout's order [n, hb, wb, by, bx, C].
    int[] shape = {n, hb, wb, b, b, cc};
    int[] depthStrides = StridedCopy.strides(shape);
    int[] spaceDims = {n, hb, b, wb, b, cc};
    int[] s = StridedCopy.strides(spaceDims);
    int[] spaceStrides = {s[0], s[1], s[3], s[2], s[4], s[5]};
    int es = in.type().byteSize();
    StridedCopy copy =
        toDepth
            ? StridedCopy.plan(shape, spaceStrides, depthStrides, es)
            : StridedCopy.plan(shape, depthStrides, spaceStrides, es);
    int ii = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    return x -> copy.run(x.array(ii), x.offset(ii), x.array(o), x.offset(o));
  }
}
