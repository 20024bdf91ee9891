package io.tflited.runtime.model;

import io.tflited.runtime.ModelException;
import java.nio.ByteBuffer;

/**
 * Structural verification of a TFLite FlatBuffer before any generated accessor touches it.
 *
 * <p>flatbuffers-java has no verifier, and its accessors read wherever an offset points. This
 * class walks every table, vector and string of the schema parts tflited reads and checks
 * that each lies inside the buffer, using 64-bit arithmetic so hostile lengths cannot wrap.
 * After it passes, generated accessors can only read in-bounds bytes. The walk is linear in
 * the number of objects visited; vectors are bounded by the file size.
 */
final class FlatBufferVerifier {
  /** Nesting is fixed by the schema; this bounds the work on a hostile file. */
  private static final int MAX_OBJECTS = 50_000_000;

  private final ByteBuffer bb;
  private final long limit;
  private int visited;

  FlatBufferVerifier(ByteBuffer bb) {
    this.bb = bb;
    this.limit = bb.limit();
  }

  /** Position of the root table after checking header and identifier. */
  int root(String identifier) throws ModelException {
    if (limit < 8) {
      throw new ModelException("not a TFLite model: file is " + limit + " bytes, too short");
    }
    for (int i = 0; i < 4; i++) {
      if (bb.get(4 + i) != identifier.charAt(i)) {
        throw new ModelException(
            "not a TFLite model: file identifier is '"
                + printable(4, 4)
                + "', expected '"
                + identifier
                + "'");
      }
    }
    long root = Integer.toUnsignedLong(bb.getInt(0));
    return table(root, "model root");
  }

  /** Checks the table header at {@code pos} and returns pos. */
  int table(long pos, String what) throws ModelException {
    count();
    if (pos < 0 || pos + 4 > limit) {
      throw bad(what + ": table offset " + pos + " is outside the file");
    }
    int t = (int) pos;
    long vt = pos - bb.getInt(t);
    if (vt < 0 || vt + 4 > limit) {
      throw bad(what + ": vtable offset " + vt + " is outside the file");
    }
    int vtSize = Short.toUnsignedInt(bb.getShort((int) vt));
    int tableSize = Short.toUnsignedInt(bb.getShort((int) vt + 2));
    if (vtSize < 4 || (vtSize & 1) != 0 || vt + vtSize > limit) {
      throw bad(what + ": vtable size " + vtSize + " is invalid");
    }
    if (tableSize < 4 || pos + tableSize > limit) {
      throw bad(what + ": table size " + tableSize + " runs past the end of the file");
    }
    int fields = (vtSize - 4) / 2;
    for (int f = 0; f < fields; f++) {
      int fo = Short.toUnsignedInt(bb.getShort((int) vt + 4 + 2 * f));
      if (fo != 0 && fo >= tableSize) {
        throw bad(what + ": field " + f + " lies outside its table");
      }
    }
    return t;
  }

  /** Offset of field {@code id} inside table t, or 0 when absent. */
  int fieldOffset(int t, int id) {
    int vt = t - bb.getInt(t);
    int vtSize = Short.toUnsignedInt(bb.getShort(vt));
    int slot = 4 + 2 * id;
    if (slot + 2 > vtSize) {
      return 0;
    }
    return Short.toUnsignedInt(bb.getShort(vt + slot));
  }

  /** Checks a scalar field of the given width; returns its absolute position or -1. */
  int scalar(int t, int id, int width, String what) throws ModelException {
    int fo = fieldOffset(t, id);
    if (fo == 0) {
      return -1;
    }
    long p = (long) t + fo;
    if (p + width > limit) {
      throw bad(what + ": field runs past the end of the file");
    }
    return (int) p;
  }

  /** Follows a reference field; returns the absolute target position or -1 when absent. */
  long ref(int t, int id, String what) throws ModelException {
    int p = scalar(t, id, 4, what);
    if (p < 0) {
      return -1;
    }
    long target = p + Integer.toUnsignedLong(bb.getInt(p));
    if (target + 4 > limit) {
      throw bad(what + ": offset points outside the file");
    }
    return target;
  }

  /** Checks a sub-table field; returns its position or -1. */
  int subTable(int t, int id, String what) throws ModelException {
    long target = ref(t, id, what);
    return target < 0 ? -1 : table(target, what);
  }

  /** Checks a vector field of fixed-size elements; returns its element count or -1. */
  long vector(int t, int id, int elementSize, String what) throws ModelException {
    long v = ref(t, id, what);
    if (v < 0) {
      return -1;
    }
    return vectorAt(v, elementSize, what);
  }

  long vectorAt(long v, int elementSize, String what) throws ModelException {
    count();
    long len = Integer.toUnsignedLong(bb.getInt((int) v));
    if (v + 4 + len * elementSize > limit) {
      throw bad(what + ": vector of " + len + " elements runs past the end of the file");
    }
    return len;
  }

  /** Checks a string field (length, bytes and terminating NUL). */
  void string(int t, int id, String what) throws ModelException {
    long v = ref(t, id, what);
    if (v < 0) {
      return;
    }
    long len = vectorAt(v, 1, what);
    if (v + 4 + len + 1 > limit) {
      throw bad(what + ": string is not terminated inside the file");
    }
  }

  /** Checks a vector of tables; returns the positions of its elements. */
  int[] tableVector(int t, int id, String what) throws ModelException {
    long v = ref(t, id, what);
    if (v < 0) {
      return new int[0];
    }
    long len = vectorAt(v, 4, what);
    int[] out = new int[(int) len];
    for (int i = 0; i < len; i++) {
      long e = v + 4 + 4L * i;
      long target = e + Integer.toUnsignedLong(bb.getInt((int) e));
      out[i] = table(target, what + "[" + i + "]");
    }
    return out;
  }

  private void count() throws ModelException {
    if (++visited > MAX_OBJECTS) {
      throw bad("too many objects (more than " + MAX_OBJECTS + ")");
    }
  }

  private String printable(int from, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int c = bb.get(from + i) & 0xff;
      sb.append(c >= 32 && c < 127 ? (char) c : '?');
    }
    return sb.toString();
  }

  private static ModelException bad(String msg) {
    return new ModelException("malformed model: " + msg);
  }
}
