package io.tflited.converter.keras;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** float32 tensors as the little-endian bytes the interpreters take and return. */
final class LittleEndianFloats {
  private LittleEndianFloats() {}

  static float[] floats(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.length / 4];
    for (int i = 0; i < f.length; i++) {
      f[i] = bb.getFloat();
    }
    return f;
  }

  static byte[] bytes(float[] f) {
    ByteBuffer bb = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : f) {
      bb.putFloat(v);
    }
    return bb.array();
  }
}
