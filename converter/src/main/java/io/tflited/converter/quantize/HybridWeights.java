package io.tflited.converter.quantize;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A dynamic-range (hybrid) model read as the float model it stands for: the int8 weights of its
 * CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED operators with float inputs become float32
 * constants holding scale * (q - zeroPoint), the values TFLite computes with. Lets a model that
 * was only published in dynamic-range form (MLPerf Tiny's kws_ref_model_float32) be quantized
 * in every mode.
 */
final class HybridWeights {
  private HybridWeights() {}

  /** True when {@code graph} has an operator with float input and int8 constant weights. */
  static boolean present(Graph graph) {
    for (Node n : graph.nodes()) {
      if (hybridWeights(graph, n) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** {@code model} with every hybrid operator's weights dequantized (operator versions kept). */
  static ModelFile dequantized(ModelFile model) throws ModelException {
    return ModelFile.parse(ByteBuffer.wrap(dequantizedBytes(model)));
  }

  /** The file of {@link #dequantized(ModelFile)}. */
  static byte[] dequantizedBytes(ModelFile model) throws ModelException {
    Graph graph = model.graph();
    GraphCopy c = new GraphCopy(graph);
    for (Node n : graph.nodes()) {
      int w = hybridWeights(graph, n);
      if (w >= 0 && !c.isBound(w)) {
        TensorSpec s = graph.tensors().get(w);
        c.bind(
            w,
            c.builder.addConstant(
                s.name(), DataType.FLOAT32, s.shape(), Quantization.NONE, dequantize(s)));
      }
      c.copy(n);
    }
    c.finishIo(model);
    return c.builder.buildBytes();
  }

  /** The weights tensor of a hybrid operator, or -1. */
  private static int hybridWeights(Graph graph, Node n) {
    int code = n.builtinCode();
    if (code != BuiltinOperator.CONV_2D
        && code != BuiltinOperator.DEPTHWISE_CONV_2D
        && code != BuiltinOperator.FULLY_CONNECTED) {
      return -1;
    }
    int[] ins = n.inputs();
    if (ins.length < 2 || ins[0] < 0 || ins[1] < 0) {
      return -1;
    }
    TensorSpec in = graph.tensors().get(ins[0]);
    TensorSpec w = graph.tensors().get(ins[1]);
    boolean hybrid =
        in.type() == DataType.FLOAT32
            && w.isConstant()
            && w.type() == DataType.INT8
            && w.quantization().isQuantized();
    return hybrid ? ins[1] : -1;
  }

  /** Little-endian float32 bytes of scale[c] * (q - zeroPoint[c]), c along the quantized dim. */
  private static byte[] dequantize(TensorSpec s) {
    Quantization q = s.quantization();
    int[] shape = s.shape();
    int dim = q.quantizedDimension();
    int inner = 1;
    for (int d = dim + 1; d < shape.length; d++) {
      inner *= shape[d];
    }
    int channels = q.channelCount();
    ByteBuffer data = s.constantData();
    ByteBuffer out = ByteBuffer.allocate(4 * data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < data.remaining(); i++) {
      int c = channels == 1 ? 0 : (i / inner) % channels;
      // as TFLite's DEQUANTIZE: in double, then rounded to float
      out.putFloat((float) ((double) q.scale(c) * (data.get(i) - q.zeroPoint(c))));
    }
    return out.array();
  }
}
