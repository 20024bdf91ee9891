package io.tflited.runtime.ops.fc;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.fc.BatchMatmulKernels;
import io.tflited.runtime.model.fb.BatchMatMulOptions;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * BATCH_MATMUL as TFLite 2.4.1 computes it: {@code out[..., m, n] = lhs[..., m, k] x
 * rhs[..., k, n]} with {@code adj_x}/{@code adj_y} transposing the last two dims of an operand,
 * ranks 2 to 4 and broadcasting of the leading (batch) dims. float32, int8 (requantized as its
 * x86 ruy kernel does), int16 (zero points 0; TFLite 2.4.1 accepts but does not compute it, we
 * follow later TFLite's int64 reference) and hybrid float32 x constant int8 (lhs rows quantized
 * on the fly, asymmetrically as 2.4.1 always does). A constant RHS is packed once at prepare into
 * contiguous [n][k] rows.
 */
public final class BatchMatmul implements OpKernel {
  public static final int LHS = 0;
  public static final int RHS = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    BatchMatMulOptions opts = ctx.options(BuiltinOptions.BatchMatMulOptions, new BatchMatMulOptions());
    boolean adjX = opts.adjX();
    boolean adjY = opts.adjY();
    TensorSpec lhs = ctx.input(LHS);
    TensorSpec rhs = ctx.input(RHS);
    TensorSpec output = ctx.output(OUTPUT);
    ctx.requireRank(lhs, "lhs", 2, 3, 4);
    ctx.requireRank(rhs, "rhs", 2, 3, 4);
    DataType t = lhs.type();
    ctx.requireType(lhs, "lhs", DataType.FLOAT32, DataType.INT8, DataType.INT16);
    boolean hybrid = t == DataType.FLOAT32 && rhs.type() == DataType.INT8;
    if (!hybrid) {
      ctx.requireType(rhs, "rhs", t);
    }
    ctx.requireType(output, "output", t);

    int rank = Math.max(lhs.rank(), rhs.rank());
    int[] le = Shapes.extend(lhs.shape(), rank);
    int[] re = Shapes.extend(rhs.shape(), rank);
    int[] outShape = new int[rank];
    for (int i = 0; i < rank - 2; i++) {
      if (le[i] != re[i] && le[i] != 1 && re[i] != 1) {
        throw ctx.error("batch dims of " + Arrays.toString(lhs.shape()) + " and "
            + Arrays.toString(rhs.shape()) + " do not broadcast");
      }
      outShape[i] = le[i] == 1 ? re[i] : le[i];
    }
    int m = adjX ? le[rank - 1] : le[rank - 2];
    int depth = adjX ? le[rank - 2] : le[rank - 1];
    int rDepth = adjY ? re[rank - 1] : re[rank - 2];
    int n = adjY ? re[rank - 2] : re[rank - 1];
    if (depth != rDepth) {
      throw ctx.error("lhs " + Arrays.toString(lhs.shape()) + (adjX ? " (adjoint)" : "")
          + " and rhs " + Arrays.toString(rhs.shape()) + (adjY ? " (adjoint)" : "")
          + " have different inner dims " + depth + " and " + rDepth);
    }
    outShape[rank - 2] = m;
    outShape[rank - 1] = n;
    ctx.setOutputShape(OUTPUT, outShape);

    // Batch index maps: for each output batch, the lhs and rhs matrix numbers.
    int batches = 1;
    for (int i = 0; i < rank - 2; i++) {
      batches *= outShape[i];
    }
    int[] lhsBatch = new int[batches];
    int[] rhsBatch = new int[batches];
    for (int b = 0; b < batches; b++) {
      int rem = b;
      int li = 0;
      int ri = 0;
      int lStride = 1;
      int rStride = 1;
      for (int d = rank - 3; d >= 0; d--) {
        int idx = rem % outShape[d];
        rem /= outShape[d];
        li += (le[d] == 1 ? 0 : idx) * lStride;
        ri += (re[d] == 1 ? 0 : idx) * rStride;
        lStride *= le[d];
        rStride *= re[d];
      }
      lhsBatch[b] = li;
      rhsBatch[b] = ri;
    }

    int size = t.byteSize();
    Layout g = new Layout(ctx.inputIndex(LHS), ctx.inputIndex(RHS), ctx.outputIndex(OUTPUT),
        m, n, depth, size, adjX ? 1 : depth, adjX ? m : 1, lhsBatch, rhsBatch);

    // RHS: pack a known value into [rhsMatrices][n][depth]; else read it in place.
    ByteBuffer known = rhs.isConstant() ? ctx.packConstant(RHS) : ctx.knownValue(rhs);
    byte[] packed = null;
    int rColStride;
    int rDepthStride;
    if (known != null) {
      int matrices = (int) (rhs.elementCount() / Math.max(1, (long) n * depth));
      int rSize = rhs.type().byteSize();
      packed = new byte[(int) rhs.byteSize()];
      for (int b = 0; b < matrices; b++) {
        for (int j = 0; j < n; j++) {
          for (int k = 0; k < depth; k++) {
            int src = b * n * depth + (adjY ? j * depth + k : k * n + j);
            int dst = b * n * depth + j * depth + k;
            known.get(src * rSize, packed, dst * rSize, rSize);
          }
        }
      }
      rColStride = depth;
      rDepthStride = 1;
    } else {
      rColStride = adjY ? depth : 1;
      rDepthStride = adjY ? 1 : n;
    }

    if (hybrid) {
      if (packed == null) {
        throw ctx.error("hybrid (float32 x int8) BATCH_MATMUL needs a constant rhs");
      }
      if (!rhs.quantization().isQuantized() || rhs.quantization().isPerChannel()) {
        throw ctx.error("hybrid BATCH_MATMUL needs a per-tensor scale on the int8 rhs");
      }
      int matrices = packed.length / Math.max(1, n * depth);
      int[] rowSums = new int[matrices * n];
      for (int j = 0; j < matrices * n; j++) {
        int s = 0;
        for (int k = 0; k < depth; k++) {
          s += packed[j * depth + k];
        }
        rowSums[j] = s;
      }
      // TFLite 2.4.1 (versions 1-3) quantizes the lhs rows asymmetrically whatever the option
      // says; version 4 introduced the option.
      boolean symmetric = ctx.version() >= 4 && !opts.asymmetricQuantizeInputs();
      int scratch = ctx.scratch((long) m * depth + 8L * m + (adjX ? 4L * depth : 0));
      return new HybridEval(g, packed, rowSums, rhs.scale(), symmetric, scratch);
    }
    return switch (t) {
      case FLOAT32 -> new Eval(g, packed, rColStride, rDepthStride, 0, 0, 0, 0, 0);
      case INT8, INT16 -> {
        if (!(lhs.scale() > 0) || !(rhs.scale() > 0) || !(output.scale() > 0)) {
          throw ctx.error("quantized BATCH_MATMUL needs positive scales on lhs, rhs and output");
        }
        if (lhs.quantization().isPerChannel() || rhs.quantization().isPerChannel()) {
          throw ctx.error("per-channel quantization is not supported by BATCH_MATMUL");
        }
        if (t == DataType.INT16
            && (lhs.zeroPoint() != 0 || rhs.zeroPoint() != 0 || output.zeroPoint() != 0)) {
          throw ctx.error("int16 BATCH_MATMUL needs zero points 0");
        }
        double real = (double) (lhs.scale() * rhs.scale()) / (double) output.scale();
        QuantizedMultiplier qm = QuantizedMultiplier.of(real);
        yield new Eval(g, packed, rColStride, rDepthStride, -lhs.zeroPoint(), -rhs.zeroPoint(),
            output.zeroPoint(), qm.multiplier(), qm.shift());
      }
      default -> throw ctx.error("type " + t + " is not supported");
    };
  }

  /** Operand geometry: tensor ids, matrix sizes, lhs strides and batch maps. */
  private record Layout(int lhs, int rhs, int out, int m, int n, int depth, int size,
      int lRowStride, int lDepthStride, int[] lhsBatch, int[] rhsBatch) {}

  private static final class HybridEval implements PreparedOp {
    private final Layout g;
    private final byte[] packed;
    private final int[] rowSums;
    private final float rScale;
    private final boolean symmetric;
    private final int scratch;

    HybridEval(Layout g, byte[] packed, int[] rowSums, float rScale, boolean symmetric,
        int scratch) {
      this.g = g;
      this.packed = packed;
      this.rowSums = rowSums;
      this.rScale = rScale;
      this.symmetric = symmetric;
      this.scratch = scratch;
    }

    @Override
    public void eval(ExecContext ctx) {
      byte[] l = ctx.array(g.lhs());
      int lOff = ctx.offset(g.lhs());
      byte[] out = ctx.array(g.out());
      int outOff = ctx.offset(g.out());
      byte[] q = ctx.array(scratch);
      int qOff = ctx.offset(scratch);
      int m = g.m();
      int n = g.n();
      int depth = g.depth();
      int gatherOff = qOff + m * depth + 8 * m;
      for (int b = 0; b < g.lhsBatch().length; b++) {
        int rMatrix = g.rhsBatch()[b];
        BatchMatmulKernels.hybridMatmul(l, lOff + g.lhsBatch()[b] * m * depth * 4,
            g.lRowStride(), g.lDepthStride(), packed, rMatrix * n * depth, rowSums, rMatrix * n,
            rScale, symmetric, out, outOff + b * m * n * 4, m, n, depth, q, qOff, gatherOff);
      }
    }
  }

  private static final class Eval implements PreparedOp {
    private final Layout g;
    private final byte[] packed;
    private final int rColStride;
    private final int rDepthStride;
    private final int lOffset;
    private final int rOffset;
    private final int outZp;
    private final int multiplier;
    private final int shift;

    Eval(Layout g, byte[] packed, int rColStride, int rDepthStride, int lOffset, int rOffset,
        int outZp, int multiplier, int shift) {
      this.g = g;
      this.packed = packed;
      this.rColStride = rColStride;
      this.rDepthStride = rDepthStride;
      this.lOffset = lOffset;
      this.rOffset = rOffset;
      this.outZp = outZp;
      this.multiplier = multiplier;
      this.shift = shift;
    }

    @Override
    public void eval(ExecContext ctx) {
      byte[] l = ctx.array(g.lhs());
      int lOff = ctx.offset(g.lhs());
      byte[] r = packed != null ? packed : ctx.array(g.rhs());
      int rOff = packed != null ? 0 : ctx.offset(g.rhs());
      byte[] out = ctx.array(g.out());
      int outOff = ctx.offset(g.out());
      int m = g.m();
      int n = g.n();
      int depth = g.depth();
      int size = g.size();
      int lMat = m * depth * size;
      int rMat = n * depth * size;
      int oMat = m * n * size;
      for (int b = 0; b < g.lhsBatch().length; b++) {
        int lb = lOff + g.lhsBatch()[b] * lMat;
        int rb = rOff + g.rhsBatch()[b] * rMat;
        int ob = outOff + b * oMat;
        switch (size) {
          case 4 -> BatchMatmulKernels.floatMatmul(l, lb, g.lRowStride(), g.lDepthStride(),
              r, rb, rColStride, rDepthStride, out, ob, m, n, depth);
          case 1 -> BatchMatmulKernels.int8Matmul(l, lb, g.lRowStride(), g.lDepthStride(),
              r, rb, rColStride, rDepthStride, out, ob, m, n, depth,
              lOffset, rOffset, multiplier, shift, outZp);
          default -> BatchMatmulKernels.int16Matmul(l, lb, g.lRowStride(), g.lDepthStride(),
              r, rb, rColStride, rDepthStride, out, ob, m, n, depth, multiplier, shift);
        }
      }
    }
  }
}
