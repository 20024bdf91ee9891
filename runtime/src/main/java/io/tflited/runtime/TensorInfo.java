package io.tflited.runtime;

import java.util.Arrays;

/**
 * What a caller needs to know about an input or output tensor: its name, type, shape and
 * quantization. Immutable snapshot; shapes change only through
 * {@link Interpreter#resizeInput(int, int...)}.
 *
 * @param index the tensor's index in subgraph 0
 */
public record TensorInfo(
    int index, String name, DataType dataType, int[] shape, Quantization quantization) {

  public TensorInfo {
    shape = shape.clone();
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Number of elements (1 for a scalar). */
  public long elementCount() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  public long byteSize() {
    return elementCount() * dataType.byteSize();
  }

  @Override
  public String toString() {
    return name + " " + dataType + Arrays.toString(shape) + " " + quantization;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && t.index == index
        && t.name.equals(name)
        && t.dataType == dataType
        && Arrays.equals(t.shape, shape)
        && t.quantization.equals(quantization);
  }

  @Override
  public int hashCode() {
    return index * 31 + Arrays.hashCode(shape);
  }
}
