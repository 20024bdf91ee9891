package io.tflited.daemon.registry;

import io.tflited.runtime.DataType;
import io.tflited.runtime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic inputs, made exactly like the golden data: one {@code java.util.Random(42)}
 * shared across the inputs in order; float32 inputs get {@code nextFloat()} per element, every
 * other dtype one {@code nextBytes()} over the whole tensor.
 */
public final class SeededInputs {
  public static final long SEED = 42;
  public static final String DESCRIPTION =
      "java.util.Random(42): float32 nextFloat() per element, other dtypes nextBytes()";

  private SeededInputs() {}

  public static List<byte[]> generate(List<TensorInfo> inputs) {
    return generate(inputs, SEED);
  }

  public static List<byte[]> generate(List<TensorInfo> inputs, long seed) {
    Random r = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (TensorInfo t : inputs) {
      byte[] b = new byte[Math.toIntExact(t.byteSize())];
      if (t.dataType() == DataType.FLOAT32) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0, n = t.elementCount(); i < n; i++) {
          bb.putFloat(r.nextFloat());
        }
      } else {
        r.nextBytes(b);
      }
      out.add(b);
    }
    return out;
  }
}
