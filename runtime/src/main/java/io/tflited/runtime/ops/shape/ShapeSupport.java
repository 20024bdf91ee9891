package io.tflited.runtime.ops.shape;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.PrepareContext;

/** Checks shared by the data-movement operators. */
final class ShapeSupport {
  private ShapeSupport() {}

  /** Element types every data-movement op copies (by byte size). */
  static final DataType[] MOVABLE = {
    DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16, DataType.INT32,
    DataType.INT64, DataType.BOOL
  };

  /** Input type is movable and the output has the same type. */
  static void requireSameType(PrepareContext ctx, TensorSpec in, TensorSpec out)
      throws ModelException {
    ctx.requireType(in, "input", MOVABLE);
    if (out.type() != in.type()) {
      throw ctx.error("output type " + out.type() + " differs from input type " + in.type());
    }
  }

  /** Normalizes an axis in [-rank, rank). */
  static int axis(PrepareContext ctx, int axis, int rank, String role) throws ModelException {
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw ctx.error(role + " " + axis + " is out of range for rank " + rank);
    }
    return a;
  }

  /** A scalar (or single-element) known int. */
  static int knownScalar(PrepareContext ctx, TensorSpec t, String role) throws ModelException {
    int[] v = ctx.knownInts(t, role);
    if (v.length != 1) {
      throw ctx.error(role + " must have one element, has " + v.length);
    }
    return v[0];
  }

  /** Whether two quantized tensors have the same scale and zero point (TFLite compares both). */
  static boolean sameQuant(TensorSpec a, TensorSpec b) {
    return a.scale() == b.scale() && a.zeroPoint() == b.zeroPoint();
  }

  /** TFLite's check for ops that require inputs and output quantized identically. */
  static void requireSameQuant(PrepareContext ctx, TensorSpec in, TensorSpec out, String role)
      throws ModelException {
    if ((in.type() == DataType.INT8 || in.type() == DataType.UINT8) && !sameQuant(in, out)) {
      throw ctx.error(
          role + " quantization (" + in.quantization() + ") differs from the output's ("
              + out.quantization() + ")");
    }
  }

  static long product(int[] s, int from, int to) {
    long n = 1;
    for (int i = from; i < to; i++) {
      n *= s[i];
    }
    return n;
  }
}
