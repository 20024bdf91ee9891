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
    r.add(BuiltinOperator.HASHTABLE_LOOKUP, 1, new HashtableLookup());
    r.add(BuiltinOperator.SEGMENT_SUM, 1, new SegmentSum());
    r.add(BuiltinOperator.SCATTER_ND, 1, new ScatterNd());
    r.add(BuiltinOperator.SPARSE_TO_DENSE, 3, new SparseToDense());
    r.add(BuiltinOperator.NON_MAX_SUPPRESSION_V4, 1, new NonMaxSuppressionV4());
    r.add(BuiltinOperator.NON_MAX_SUPPRESSION_V5, 1, new NonMaxSuppressionV5());
    r.add(BuiltinOperator.UNSORTED_SEGMENT_SUM, 1, new UnsortedSegmentSum());
    r.add(BuiltinOperator.UNSORTED_SEGMENT_PROD, 1, new UnsortedSegmentProd());
    r.add(BuiltinOperator.UNSORTED_SEGMENT_MAX, 1, new UnsortedSegmentMax());
    r.add(BuiltinOperator.UNSORTED_SEGMENT_MIN, 1, new UnsortedSegmentMin());
  }
}
