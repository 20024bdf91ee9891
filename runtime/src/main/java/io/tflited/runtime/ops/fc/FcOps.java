package io.tflited.runtime.ops.fc;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the matrix-multiplication operators (FULLY_CONNECTED, BATCH_MATMUL). */
public final class FcOps {
  private FcOps() {}

  public static void register(OpRegistry r) {
    // v1 float/uint8, v3 hybrid, v4 int8, v5 keep_num_dims, v6 no bias, v7 int16x8,
    // v9 hybrid with asymmetric_quantize_inputs (weights_format must be DEFAULT).
    r.add(BuiltinOperator.FULLY_CONNECTED, 9, new FullyConnected());
    // v1 float (and hybrid), v2 int8, v3 int16, v4 hybrid with asymmetric_quantize_inputs.
    r.add(BuiltinOperator.BATCH_MATMUL, 4, new BatchMatmul());
  }
}
