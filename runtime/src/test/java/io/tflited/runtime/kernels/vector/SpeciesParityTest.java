package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.InterpreterOptions.KernelSet;
import io.tflited.runtime.kernels.KernelChoice;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The width and kernel-set switches the other parity tests rely on: {@code -Dtflited.vector.bits}
 * fixes every {@link Species} (runtime/pom.xml re-runs all {@code *ParityTest} at 128 and 256
 * bits), {@code -Dtflited.kernels} overrides the interpreter's request, and the species'
 * widening conversions (the first step of every int8 kernel) agree with scalar code at every
 * length around the lane count.
 */
class SpeciesParityTest {

  @Test
  void forcedWidthIsHonouredByEverySpecies() {
    Assumptions.assumeTrue(
        KernelChoice.vectorUnavailableReason() == null, KernelChoice.vectorUnavailableReason());
    Integer forced = Integer.getInteger("tflited.vector.bits");
    if (forced != null) {
      assertEquals(forced.intValue(), Species.BITS, "Species.BITS vs -Dtflited.vector.bits");
    }
    assertEquals(KernelChoice.vectorBits(), Species.BITS);
    assertTrue(Species.BITS >= 128, "vector width " + Species.BITS);
    assertEquals(Species.BITS / 8, Species.B.length());
    assertEquals(Species.BITS / 16, Species.S.length());
    assertEquals(Species.BITS / 32, Species.I.length());
    assertEquals(Species.BITS / 32, Species.F.length());
    for (VectorSpecies<?> s : new VectorSpecies<?>[] {Species.B, Species.S, Species.I, Species.F}) {
      assertEquals(Species.BITS, s.vectorBitSize(), s.toString());
    }
  }

  @Test
  void kernelsPropertyOverridesTheRequest() {
    String saved = System.getProperty("tflited.kernels");
    boolean available = KernelChoice.vectorUnavailableReason() == null;
    try {
      System.setProperty("tflited.kernels", "scalar");
      for (KernelSet k : KernelSet.values()) {
        assertFalse(KernelChoice.useVector(k), "forced scalar, requested " + k);
      }
      System.setProperty("tflited.kernels", "vector");
      for (KernelSet k : KernelSet.values()) {
        assertEquals(available, KernelChoice.useVector(k), "forced vector, requested " + k);
      }
      System.setProperty("tflited.kernels", "auto");
      assertFalse(KernelChoice.useVector(KernelSet.SCALAR));
      assertEquals(available, KernelChoice.useVector(KernelSet.AUTO));
      assertEquals(available, KernelChoice.useVector(KernelSet.VECTOR));
    } finally {
      if (saved == null) {
        System.clearProperty("tflited.kernels");
      } else {
        System.setProperty("tflited.kernels", saved);
      }
    }
  }

  /** Widening s8 -> s32 part by part, summed lane-wise: must equal the scalar sum exactly. */
  @Test
  void widenedByteSumsMatchScalar() {
    Assumptions.assumeTrue(
        KernelChoice.vectorUnavailableReason() == null, KernelChoice.vectorUnavailableReason());
    int lanes = Species.B.length();
    Random rnd = new Random(3);
    int[] lengths = {1, lanes - 1, lanes, lanes + 1, 2 * lanes - 1, 3 * lanes, 1000, 4099};
    for (int len : lengths) {
      for (int fill = 0; fill < 4; fill++) {
        byte[] a = new byte[len];
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
          a[i] = fill == 0 ? -128 : fill == 1 ? 127 : (byte) rnd.nextInt(256);
          b[i] = fill == 0 ? -128 : fill == 2 ? 127 : (byte) rnd.nextInt(256);
        }
        assertEquals(dotScalar(a, b, 0, len), dotVector(a, b, len), "len " + len + " fill " + fill);
      }
    }
  }

  private static int dotScalar(byte[] a, byte[] b, int from, int to) {
    int sum = 0;
    for (int i = from; i < to; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /** s8*s8 products (|p| <= 16384) summed in s32 lanes: no overflow below 2^17 elements. */
  private static int dotVector(byte[] a, byte[] b, int len) {
    int lanes = Species.B.length();
    int parts = Species.B.length() / Species.I.length();
    IntVector acc = IntVector.zero(Species.I);
    int i = 0;
    for (; i <= len - lanes; i += lanes) {
      ByteVector va = ByteVector.fromArray(Species.B, a, i);
      ByteVector vb = ByteVector.fromArray(Species.B, b, i);
      for (int p = 0; p < parts; p++) {
        IntVector wa = (IntVector) va.convertShape(VectorOperators.B2I, Species.I, p);
        IntVector wb = (IntVector) vb.convertShape(VectorOperators.B2I, Species.I, p);
        acc = acc.add(wa.mul(wb));
      }
    }
    return acc.reduceLanes(VectorOperators.ADD) + dotScalar(a, b, i, len);
  }
}
