package io.tflited.runtime.ops.shape;

import io.tflited.runtime.model.fb.ReverseSequenceOptions;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * REVERSE_SEQUENCE (TFLite reverse_sequence.cc): for each index {@code b} along
 * {@code batch_dim}, reverses the first {@code seq_lengths[b]} slices along {@code seq_dim} and
 * copies the rest (lengths of 0 or less copy everything). seq_lengths is an int32/int64 vector
 * read at run time; a length beyond the sequence dimension is an error.
 */
public final class ReverseSequence implements OpKernel {
  public static final int INPUT = 0;
  public static final int SEQ_LENGTHS = 1;
  public static final int OUTPUT = 0;

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(2, 2);
    ctx.checkOutputCount(1, 1);
    TensorSpec in = ctx.input(INPUT);
    TensorSpec out = ctx.output(OUTPUT);
    ShapeSupport.requireSameType(ctx, in, out);
    TensorSpec lens = ctx.input(SEQ_LENGTHS);
    ctx.requireRank(lens, "seq_lengths", 1);
    ctx.requireType(lens, "seq_lengths", DataType.INT32, DataType.INT64);
    ReverseSequenceOptions p =
        ctx.options(BuiltinOptions.ReverseSequenceOptions, new ReverseSequenceOptions());
    int seqDim = p.seqDim();
    int batchDim = p.batchDim();
    int[] shape = in.shape();
    int rank = shape.length;
    if (seqDim < 0 || batchDim < 0 || seqDim >= rank || batchDim >= rank || seqDim == batchDim) {
      throw ctx.error("seq_dim " + seqDim + " and batch_dim " + batchDim
          + " must be distinct axes of the rank-" + rank + " input");
    }
    if (lens.dim(0) != shape[batchDim]) {
      throw ctx.error("seq_lengths has " + lens.dim(0) + " elements for batch dimension "
          + shape[batchDim]);
    }
    ctx.setOutputShape(OUTPUT, shape);
    int size = in.type().byteSize();
    int[] strides = io.tflited.runtime.kernels.shape.StridedCopy.strides(shape);
    int seqStride = strides[seqDim] * size;
    int seqLen = shape[seqDim];
    int batch = shape[batchDim];
    int n = (int) in.elementCount();
    boolean wide = lens.type() == DataType.INT64;
    int ii = ctx.inputIndex(INPUT);
    int li = ctx.inputIndex(SEQ_LENGTHS);
    int o = ctx.outputIndex(OUTPUT);
    return c -> {
      byte[] l = c.array(li);
      int lo = c.offset(li);
      for (int b = 0; b < batch; b++) {
        long len = wide ? LittleEndian.getLong(l, lo + 8 * b) : LittleEndian.getInt(l, lo + 4 * b);
        if (len > seqLen) {
          throw new InvocationException("REVERSE_SEQUENCE: seq_lengths[" + b + "] = " + len
              + " exceeds the sequence dimension " + seqLen);
        }
      }
      byte[] src = c.array(ii);
      int so = c.offset(ii);
      byte[] dst = c.array(o);
      int d0 = c.offset(o);
      for (int e = 0; e < n; e++) {
        int off = e * size;
        int s = (e / strides[seqDim]) % seqLen;
        int b = (e / strides[batchDim]) % batch;
        long len = wide ? LittleEndian.getLong(l, lo + 8 * b) : LittleEndian.getInt(l, lo + 4 * b);
        int from = off;
        if (s < len) {
          from = off + (int) (len - 1 - 2L * s) * seqStride;
        }
        System.arraycopy(src, so + from, dst, d0 + off, size);
      }
    };
  }
}
