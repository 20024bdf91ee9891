package io.tflited.runtime.ops.generate;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class GenerateOps {
  private GenerateOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.ZEROS_LIKE, 1, new ZerosLike());
    r.add(BuiltinOperator.FILL, 3, new Fill());
    r.add(BuiltinOperator.RANGE, 1, new Range());
    r.add(BuiltinOperator.ONE_HOT, 1, new OneHot());
    r.add(BuiltinOperator.RANK, 1, new Rank());
    r.add(BuiltinOperator.BROADCAST_TO, 3, new BroadcastTo());
    r.add(BuiltinOperator.BROADCAST_ARGS, 1, new BroadcastArgs());
  }
}
