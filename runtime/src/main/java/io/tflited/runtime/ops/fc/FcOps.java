package io.tflited.runtime.ops.fc;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the matrix-multiplication operators (FULLY_CONNECTED, BATCH_MATMUL). */
public final class FcOps {
  private FcOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.FULLY_CONNECTED, 9, new FullyConnected());
    r.add(BuiltinOperator.BATCH_MATMUL, 3, new BatchMatmul());
  }
}
