package io.tflited.runtime.ops.reduce;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class ReduceOps {
  private ReduceOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.MEAN, 3, new Mean());
    r.add(BuiltinOperator.SUM, 2, new Sum());
    r.add(BuiltinOperator.REDUCE_MAX, 2, new ReduceMax());
    r.add(BuiltinOperator.REDUCE_MIN, 2, new ReduceMin());
    r.add(BuiltinOperator.REDUCE_PROD, 1, new ReduceProd());
    r.add(BuiltinOperator.REDUCE_ANY, 1, new ReduceAny());
    r.add(BuiltinOperator.REDUCE_ALL, 1, new ReduceAll());
    r.add(BuiltinOperator.ARG_MAX, 2, new ArgMax());
    r.add(BuiltinOperator.ARG_MIN, 2, new ArgMin());
    r.add(BuiltinOperator.RESIZE_BILINEAR, 4, new ResizeBilinear());
    r.add(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, 4, new ResizeNearestNeighbor());
    r.add(BuiltinOperator.L2_POOL_2D, 1, new L2Pool2d());
  }
}
