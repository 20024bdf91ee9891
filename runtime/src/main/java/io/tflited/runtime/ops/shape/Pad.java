package io.tflited.runtime.ops.shape;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.shape.Fill;
import io.tflited.runtime.kernels.shape.StridedCopy;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * PAD and PADV2 (TFLite pad.cc). Paddings: a known [rank, 2] int32/int64 tensor of
 * non-negative before/after counts. The pad value is PADV2's scalar constant_values input when
 * given, else the output zero point for uint8/int8 and 0 otherwise. Data is copied unchanged
 * (TFLite does not rescale between input and output quantization).
 */
public final class Pad implements OpKernel {
  public static final int INPUT = 0;
  public static final int PADDINGS = 1;
  public static final int CONSTANT_VALUES = 2;
  public static final int OUTPUT = 0;

  private final boolean v2;

  public Pad(boolean v2) {
    this.v2 = v2;
  }

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, v2 ? 3 : 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    int rank = in.rank();
    int[][] pads = paddings(ctx, ctx.input(PADDINGS), rank);
    int[] shape = in.shape();
    int[] outShape = new int[rank];
    for (int i = 0; i < rank; i++) {
      long d = (long) shape[i] + pads[i][0] + pads[i][1];
      if (d > Integer.MAX_VALUE) {
        throw ctx.error("padded dimension too large");
      }
      outShape[i] = (int) d;
    }
    ctx.setOutputShape(OUTPUT, outShape);
    DataType type = in.type();
    int es = type.byteSize();
    TensorSpec cv = v2 ? ctx.optionalInput(CONSTANT_VALUES) : null;
    int cvIdx = -1;
    if (cv != null) {
      if (cv.type() != type) {
        throw ctx.error("constant_values type " + cv.type() + " differs from input type " + type);
      }
      if (cv.elementCount() != 1) {
        throw ctx.error("constant_values must be a scalar, has shape "
            + java.util.Arrays.toString(cv.shape()));
      }
      if ((type == DataType.UINT8 || type == DataType.INT8)
          && cv.quantization().isQuantized()
          && !ShapeSupport.sameQuant(cv, out)) {
        throw ctx.error("constant_values quantization (" + cv.quantization()
            + ") differs from the output's (" + out.quantization() + ")");
      }
      cvIdx = ctx.inputIndex(CONSTANT_VALUES);
    }
    byte[] value = new byte[es];
    if (cv == null && (type == DataType.UINT8 || type == DataType.INT8)) {
      value[0] = (byte) out.zeroPoint();
    }
    int[] outStrides = StridedCopy.strides(outShape);
    int interior = 0;
    for (int i = 0; i < rank; i++) {
      interior += pads[i][0] * outStrides[i];
    }
    StridedCopy copy = StridedCopy.plan(shape, StridedCopy.strides(shape), outStrides, es);
    int inIdx = ctx.inputIndex(INPUT);
    int o = ctx.outputIndex(OUTPUT);
    int total = (int) out.elementCount();
    int interiorBytes = interior * es;
    int constIdx = cvIdx;
    return c -> {
      byte[] dst = c.array(o);
      int dOff = c.offset(o);
      if (constIdx >= 0) {
        Fill.fill(dst, dOff, total, c.array(constIdx), c.offset(constIdx), es);
      } else {
        Fill.fill(dst, dOff, total, value, 0, es);
      }
      copy.run(c.array(inIdx), c.offset(inIdx), dst, dOff + interiorBytes);
    };
  }

  /** Reads a known [rank, 2] paddings tensor; counts must be non-negative. */
  static int[][] paddings(PrepareContext ctx, TensorSpec p, int rank) throws ModelException {
    if (p.rank() != 2 || p.dim(0) != rank || p.dim(1) != 2) {
      throw ctx.error("paddings must have shape [" + rank + ", 2], has "
          + java.util.Arrays.toString(p.shape()));
    }
    int[] v = ctx.knownInts(p, "paddings");
    int[][] out = new int[rank][2];
    for (int i = 0; i < rank; i++) {
      out[i][0] = v[2 * i];
      out[i][1] = v[2 * i + 1];
      if (out[i][0] < 0 || out[i][1] < 0) {
        throw ctx.error("paddings must be non-negative, dimension " + i + " has "
            + out[i][0] + ", " + out[i][1]);
      }
    }
    return out;
  }
}
