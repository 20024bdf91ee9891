package io.tflited.runtime.ops.index;

import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.PrepareContext;

/** Checks shared by the index ops. */
final class IndexSupport {
  private IndexSupport() {}

  static long product(int[] s, int from, int to) {
    long n = 1;
    for (int i = from; i < to; i++) {
      n *= s[i];
    }
    return n;
  }

  /** Output and input have the same element type. */
  static void requireSameType(PrepareContext ctx, TensorSpec in, TensorSpec out)
      throws ModelException {
    if (in.type() != out.type()) {
      throw ctx.error("output type " + out.type() + " differs from input type " + in.type());
    }
  }

  /** A single known int32 value (k, max_output_size). */
  static int knownScalar(PrepareContext ctx, TensorSpec t, String role) throws ModelException {
    int[] v = ctx.knownInts(t, role);
    if (v.length != 1) {
      throw ctx.error(role + " must hold exactly one value, has " + v.length);
    }
    return v[0];
  }
}
