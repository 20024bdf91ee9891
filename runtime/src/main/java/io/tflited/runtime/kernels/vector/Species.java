package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.kernels.KernelChoice;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species every vector kernel uses, fixed once per JVM as static finals so that C2
 * constant-folds them (a species in an instance field is not trusted as a constant and costs
 * an order of magnitude). The width is {@code -Dtflited.vector.bits} when set, else the CPU's
 * preferred width. Parity tests at other widths run in their own JVMs.
 */
public final class Species {
  private Species() {}

  public static final int BITS = KernelChoice.vectorBits();
  private static final VectorShape SHAPE = VectorShape.forBitSize(BITS);

  public static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, SHAPE);
  public static final VectorSpecies<Short> S = VectorSpecies.of(short.class, SHAPE);
  public static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, SHAPE);
  public static final VectorSpecies<Float> F = VectorSpecies.of(float.class, SHAPE);
}
