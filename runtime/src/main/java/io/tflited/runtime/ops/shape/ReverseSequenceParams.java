package io.tflited.runtime.ops.shape;

import com.google.flatbuffers.FlatBufferBuilder;
import com.google.flatbuffers.Table;

/**
 * The ReverseSequenceOptions table as the TFLite schema defines it ({@code seq_dim: int} at
 * field 0, {@code batch_dim: int} at field 1); the generated class has no fields.
 */
public final class ReverseSequenceParams extends Table {
  public int seqDim() {
    int o = __offset(4);
    return o != 0 ? bb.getInt(o + bb_pos) : 0;
  }

  public int batchDim() {
    int o = __offset(6);
    return o != 0 ? bb.getInt(o + bb_pos) : 0;
  }

  /** Writes the table (for building models). */
  public static int create(FlatBufferBuilder b, int seqDim, int batchDim) {
    b.startTable(2);
    b.addInt(1, batchDim, 0);
    b.addInt(0, seqDim, 0);
    return b.endTable();
  }
}
