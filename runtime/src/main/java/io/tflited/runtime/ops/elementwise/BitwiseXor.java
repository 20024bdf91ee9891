package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.kernels.elementwise.BitwiseRows;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;

/**
 * BITWISE_XOR (TFLite bitwise_xor.cc; absent from 2.4.1) on int8/uint8/int16/uint16/int32/
 * uint32, with TFLite's broadcasting (rank <= 4 when the shapes differ). XOR acts on the bit
 * pattern, so signed and unsigned types share one byte-wise loop.
 */
public final class BitwiseXor implements OpKernel {
  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    BitwiseSupport.check(ctx);
    int size = ctx.input(Binary.INPUT1).type().byteSize();
    return Binary.op(ctx, (a, ai, as, b, bi, bs, o, oi, n) ->
        BitwiseRows.xorRow(size, a, ai, as, b, bi, bs, o, oi, n));
  }
}
