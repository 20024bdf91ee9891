package io.tflited.runtime.kernels.vector;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.LSHL;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * int8 x int8 dot products with an int32 result, for the matrix-vector products of the integer
 * recurrent kernels (LSTM gates and projection: one input row per step, so no GEMM tiling pays).
 *
 * <p>2L bytes of each operand are widened to 2L shorts (same lane count: intrinsified on x86
 * and NEON, 128 bits included) and multiplied as shorts: |a * b| <= 128 * 128 = 16384 fits int16
 * exactly. The product vector is reinterpreted as L ints, each an (even, odd) pair, and the two
 * halves are split with shifts and added to an int32 accumulator. int32 lanes and the final
 * lane sum wrap modulo 2^32 like the scalar twin's int accumulator, so the result is the same
 * whatever the order.
 */
public final class DotVector {
  private DotVector() {}

  private static final VectorSpecies<Byte> BH =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Species.BITS / 2));
  private static final VectorSpecies<Short> S = Species.S;
  private static final VectorSpecies<Integer> I = Species.I;
  /** 8 bytes -> 8 shorts -> 4 ints (128 bits): the rest after the full-width loop. */
  private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
  private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;
  private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;

  /** {@code sum_k a[ai + k] * b[bi + k]} over {@code n} int8 elements, in int32. */
  public static int dotS8(byte[] a, int ai, byte[] b, int bi, int n) {
    int step = BH.length();
    int k = 0;
    int sum = 0;
    if (n >= step) {
      IntVector acc = IntVector.zero(I);
      for (; k + step <= n; k += step) {
        ShortVector x = (ShortVector) ByteVector.fromArray(BH, a, ai + k).convertShape(B2S, S, 0);
        ShortVector y = (ShortVector) ByteVector.fromArray(BH, b, bi + k).convertShape(B2S, S, 0);
        IntVector p = x.mul(y).reinterpretAsInts();
        acc = acc.add(p.lanewise(LSHL, 16).lanewise(ASHR, 16)).add(p.lanewise(ASHR, 16));
      }
      sum = acc.reduceLanes(ADD);
    }
    if (step > 8 && k + 8 <= n) {
      // Short rows (an LSTM of 20 cells over 28 inputs) would otherwise be all scalar tail.
      IntVector acc = IntVector.zero(I128);
      for (; k + 8 <= n; k += 8) {
        ShortVector x =
            (ShortVector) ByteVector.fromArray(B64, a, ai + k).convertShape(B2S, S128, 0);
        ShortVector y =
            (ShortVector) ByteVector.fromArray(B64, b, bi + k).convertShape(B2S, S128, 0);
        IntVector p = x.mul(y).reinterpretAsInts();
        acc = acc.add(p.lanewise(LSHL, 16).lanewise(ASHR, 16)).add(p.lanewise(ASHR, 16));
      }
      sum += acc.reduceLanes(ADD);
    }
    for (; k < n; k++) {
      sum += a[ai + k] * b[bi + k];
    }
    return sum;
  }
}
