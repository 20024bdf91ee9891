package io.tflited.runtime.ops.sequence;

import com.google.flatbuffers.Table;

/**
 * Field access by slot number to an options table whose generated class lacks accessors
 * (BidirectionalSequenceRNNOptions, BidirectionalSequenceLSTMOptions).
 */
final class RawOptions extends Table {
  boolean bool(int field, boolean dflt) {
    int o = bb == null ? 0 : __offset(4 + 2 * field);
    return o != 0 ? bb.get(o + bb_pos) != 0 : dflt;
  }

  byte int8(int field, byte dflt) {
    int o = bb == null ? 0 : __offset(4 + 2 * field);
    return o != 0 ? bb.get(o + bb_pos) : dflt;
  }

  float float32(int field, float dflt) {
    int o = bb == null ? 0 : __offset(4 + 2 * field);
    return o != 0 ? bb.getFloat(o + bb_pos) : dflt;
  }
}
