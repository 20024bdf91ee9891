package io.tflited.runtime.ops.detection;

import io.tflited.runtime.ops.OpRegistry;

/** Registers the operators of this package. */
public final class DetectionOps {
  private DetectionOps() {}

  public static void register(OpRegistry r) {
    r.addCustom("TFLite_Detection_PostProcess", 1, new TfliteDetectionPostProcess());
  }
}
