package io.tflited.runtime.kernels;

/** Isolates the one Vector API call KernelChoice needs, so it loads only when the module is there. */
final class VectorWidthProbe {
  private VectorWidthProbe() {}

  static int preferredBits() {
    return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
  }
}
