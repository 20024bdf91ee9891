package io.tflited.runtime.graph;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.TensorInfo;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A tensor of the graph as seen while preparing: its type, current shape, quantization and,
 * for constants, a read-only little-endian view of its bytes in the mapped model file.
 *
 * <p>Shapes are mutable only during preparation (ops set their outputs' shapes); a prepared
 * graph owns its own copies, so resizing one interpreter's inputs never touches another's.
 */
public final class TensorSpec {
  private final int index;
  private final String name;
  private final DataType type;
  private int[] shape;
  private final int[] shapeSignature;
  private final Quantization quantization;
  private final boolean variable;
  private final ByteBuffer constantData;

  public TensorSpec(
      int index,
      String name,
      DataType type,
      int[] shape,
      int[] shapeSignature,
      Quantization quantization,
      boolean variable,
      ByteBuffer constantData) {
    this.index = index;
    this.name = name;
    this.type = type;
    this.shape = shape.clone();
    this.shapeSignature = shapeSignature;
    this.quantization = quantization;
    this.variable = variable;
    this.constantData = constantData;
  }

  /** A copy whose shape can be changed independently. */
  public TensorSpec copy() {
    return new TensorSpec(
        index, name, type, shape, shapeSignature, quantization, variable, constantData);
  }

  public int index() {
    return index;
  }

  public String name() {
    return name;
  }

  public DataType type() {
    return type;
  }

  /** The current shape (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Size of dimension i; negative i counts from the end. */
  public int dim(int i) {
    return shape[i < 0 ? shape.length + i : i];
  }

  public void setShape(int[] newShape) {
    this.shape = newShape.clone();
  }

  /** Declared shape with -1 for dimensions that may vary, or null. */
  public int[] shapeSignature() {
    return shapeSignature == null ? null : shapeSignature.clone();
  }

  public Quantization quantization() {
    return quantization;
  }

  public float scale() {
    return quantization.scale();
  }

  public int zeroPoint() {
    return (int) quantization.zeroPoint();
  }

  public boolean isVariable() {
    return variable;
  }

  /** A tensor with data in the model that no operator may write. */
  public boolean isConstant() {
    return constantData != null && !variable;
  }

  /**
   * The bytes stored in the model (position 0, little-endian, read-only): a constant's value
   * or a variable's initial value; null when the model stores none.
   */
  public ByteBuffer constantData() {
    return constantData == null ? null : constantData.duplicate().order(constantData.order());
  }

  public long elementCount() {
    return Shapes.elementCount(shape);
  }

  public long byteSize() {
    return elementCount() * type.byteSize();
  }

  public TensorInfo info() {
    return new TensorInfo(index, name, type, shape, quantization);
  }

  @Override
  public String toString() {
    return "tensor " + index + " '" + name + "' " + type + Arrays.toString(shape);
  }
}
