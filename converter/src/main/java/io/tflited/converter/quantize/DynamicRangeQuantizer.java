package io.tflited.converter.quantize;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.fb.BuiltinOperator;

/**
 * Dynamic-range quantization (TFLite's {@code optimizations = [DEFAULT]} without a dataset): the
 * float32 weights of CONV_2D and DEPTHWISE_CONV_2D (per channel along the output channel) and
 * FULLY_CONNECTED (per tensor) become symmetric int8 when they hold at least 1024 values (TFLite's
 * {@code weights_min_num_elements}); biases and activations stay float32, so the ops run as
 * TFLite's hybrid kernels (CONV_2D v2, DEPTHWISE_CONV_2D v6, FULLY_CONNECTED v3).
 */
final class DynamicRangeQuantizer {
  static final int MIN_ELEMENTS = 1024;

  private DynamicRangeQuantizer() {}

  static byte[] quantize(ModelFile model) throws ModelException {
    return quantize(model, MIN_ELEMENTS);
  }

  /** As {@link #quantize(ModelFile)}, quantizing weights of at least {@code minElements} values. */
  static byte[] quantize(ModelFile model, int minElements) throws ModelException {
    Graph graph = model.graph();
    GraphCopy c = new GraphCopy(graph);
    for (Node n : graph.nodes()) {
      int dim;
      int version;
      switch (n.builtinCode()) {
        case BuiltinOperator.CONV_2D -> {
          dim = 0;
          version = 2;
        }
        case BuiltinOperator.DEPTHWISE_CONV_2D -> {
          dim = 3;
          version = 6;
        }
        case BuiltinOperator.FULLY_CONNECTED -> {
          dim = -1;
          version = 3;
        }
        default -> {
          c.copy(n);
          continue;
        }
      }
      int[] ins = n.inputs();
      TensorSpec in = c.spec(ins[0]);
      TensorSpec w = c.spec(ins[1]);
      if (in.type() != DataType.FLOAT32
          || !GraphCopy.isFloatConstant(w)
          || w.elementCount() < minElements) {
        c.copy(n);
        continue;
      }
      WeightQuantizer.Quantized q = WeightQuantizer.symmetric(GraphCopy.floats(w), w.shape(), dim);
      int qw =
          c.builder.addConstant(w.name(), DataType.INT8, w.shape(), q.quantization(), q.values());
      int[] newIns = new int[ins.length];
      for (int i = 0; i < ins.length; i++) {
        newIns[i] = i == 1 ? qw : c.tensor(ins[i]);
      }
      c.emit(n, Math.max(version, n.version()), newIns, c.tensors(n.outputs()));
    }
    c.finishIo(model);
    return c.builder.buildBytes();
  }
}
