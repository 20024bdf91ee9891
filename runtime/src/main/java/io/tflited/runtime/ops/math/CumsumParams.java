package io.tflited.runtime.ops.math;

import com.google.flatbuffers.FlatBufferBuilder;
import com.google.flatbuffers.Table;

/**
 * The CumsumOptions table as the TFLite schema defines it ({@code exclusive: bool} at field 0,
 * {@code reverse: bool} at field 1); the generated {@code model.fb.CumsumOptions} has no fields.
 */
public final class CumsumParams extends Table {
  public boolean exclusive() {
    int o = __offset(4);
    return o != 0 && bb.get(o + bb_pos) != 0;
  }

  public boolean reverse() {
    int o = __offset(6);
    return o != 0 && bb.get(o + bb_pos) != 0;
  }

  /** Writes the table (for building models). */
  public static int create(FlatBufferBuilder b, boolean exclusive, boolean reverse) {
    b.startTable(2);
    b.addBoolean(1, reverse, false);
    b.addBoolean(0, exclusive, false);
    return b.endTable();
  }
}
