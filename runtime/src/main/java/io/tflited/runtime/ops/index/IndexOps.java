package io.tflited.runtime.ops.index;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the index, lookup and sparse operators of this package. */
public final class IndexOps {
  private IndexOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.TOPK_V2, 2, new TopkV2());
    r.add(BuiltinOperator.MATRIX_DIAG, 1, new MatrixDiag());
    r.add(BuiltinOperator.MATRIX_SET_DIAG, 1, new MatrixSetDiag());
    r.add(BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION, 1, new LocalResponseNormalization());
    r.add(BuiltinOperator.EMBEDDING_LOOKUP, 3, new EmbeddingLookup());
  }
}
