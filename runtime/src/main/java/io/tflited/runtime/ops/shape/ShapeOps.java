package io.tflited.runtime.ops.shape;

import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class ShapeOps {
  private ShapeOps() {}

  public static void register(OpRegistry r) {
    r.add(BuiltinOperator.RESHAPE, 1, new Reshape());
    r.add(BuiltinOperator.BITCAST, 1, new Bitcast());
    r.add(BuiltinOperator.DYNAMIC_UPDATE_SLICE, 4, new DynamicUpdateSlice());
    r.add(BuiltinOperator.SQUEEZE, 1, new Squeeze());
    r.add(BuiltinOperator.EXPAND_DIMS, 1, new ExpandDims());
    r.add(BuiltinOperator.SHAPE, 1, new Shape());
    r.add(BuiltinOperator.CONCATENATION, 3, new Concatenation());
    r.add(BuiltinOperator.SPLIT, 4, new Split());
    r.add(BuiltinOperator.SPLIT_V, 2, new SplitV());
    r.add(BuiltinOperator.PACK, 3, new Pack());
    r.add(BuiltinOperator.UNPACK, 4, new Unpack());
    r.add(BuiltinOperator.PAD, 4, new Pad(false));
    r.add(BuiltinOperator.PADV2, 4, new Pad(true));
    r.add(BuiltinOperator.STRIDED_SLICE, 6, new StridedSlice());
    r.add(BuiltinOperator.SLICE, 5, new Slice());
    r.add(BuiltinOperator.TILE, 2, new Tile());
    r.add(BuiltinOperator.TRANSPOSE, 6, new Transpose());
    r.add(BuiltinOperator.GATHER, 5, new Gather());
    r.add(BuiltinOperator.GATHER_ND, 4, new GatherNd());
    r.add(BuiltinOperator.SPACE_TO_DEPTH, 2, new SpaceToDepth(true));
    r.add(BuiltinOperator.DEPTH_TO_SPACE, 2, new SpaceToDepth(false));
    r.add(BuiltinOperator.MIRROR_PAD, 2, new MirrorPad());
    r.add(BuiltinOperator.SPACE_TO_BATCH_ND, 3, new BatchToSpaceNd(true));
    r.add(BuiltinOperator.BATCH_TO_SPACE_ND, 3, new BatchToSpaceNd(false));
    r.add(BuiltinOperator.REVERSE_V2, 3, new ReverseV2());
    r.add(BuiltinOperator.REVERSE_SEQUENCE, 1, new ReverseSequence());
  }
}
