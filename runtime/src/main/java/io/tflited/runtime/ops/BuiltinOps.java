package io.tflited.runtime.ops;

/** Collects the registrations of every op family package. */
final class BuiltinOps {
  private BuiltinOps() {}

  static void registerAll(OpRegistry r) {
    io.tflited.runtime.ops.conv.ConvOps.register(r);
    io.tflited.runtime.ops.elementwise.ElementwiseOps.register(r);
    io.tflited.runtime.ops.shape.ShapeOps.register(r);
    io.tflited.runtime.ops.sequence.SequenceOps.register(r);
    io.tflited.runtime.ops.activation.ActivationOps.register(r);
    io.tflited.runtime.ops.reduce.ReduceOps.register(r);
    io.tflited.runtime.ops.detection.DetectionOps.register(r);
    io.tflited.runtime.ops.fc.FcOps.register(r);
    io.tflited.runtime.ops.logical.LogicalOps.register(r);
    io.tflited.runtime.ops.math.MathOps.register(r);
    io.tflited.runtime.ops.generate.GenerateOps.register(r);
    io.tflited.runtime.ops.index.IndexOps.register(r);
  }
}
