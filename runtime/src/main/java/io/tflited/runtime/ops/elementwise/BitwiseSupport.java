package io.tflited.runtime.ops.elementwise;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Shapes;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.PrepareContext;
import java.util.Arrays;

/** Checks shared by BITWISE_XOR and RIGHT_SHIFT. */
final class BitwiseSupport {
  private BitwiseSupport() {}

  /**
   * Two inputs of one integer type, output of that type with the broadcast shape. TFLite
   * broadcasts these ops with BroadcastBinaryFunction4DSlow, so differing shapes must have
   * rank <= 4.
   */
  static void check(PrepareContext ctx) throws ModelException {
    Binary.check(ctx, true, DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16,
        DataType.INT32, DataType.UINT32);
    TensorSpec a = ctx.input(Binary.INPUT1);
    TensorSpec b = ctx.input(Binary.INPUT2);
    if (!Arrays.equals(a.shape(), b.shape()) && ctx.output(Binary.OUTPUT).rank() > 4) {
      throw ctx.error("broadcasting " + Shapes.str(a.shape()) + " with " + Shapes.str(b.shape())
          + " needs rank <= 4");
    }
  }
}
