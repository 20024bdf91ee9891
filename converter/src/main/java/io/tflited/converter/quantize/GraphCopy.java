package io.tflited.converter.quantize;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.Signature;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rewrites subgraph 0 of a model into a {@link ModelBuilder}: tensors are copied unchanged on first
 * use (so a tensor the rewrite replaces is never written), operators are re-emitted in execution
 * order with their options copied.
 */
final class GraphCopy {
  final Graph graph;
  final ModelBuilder builder = new ModelBuilder();
  private final int[] map;

  GraphCopy(Graph graph) {
    this.graph = graph;
    this.map = new int[graph.tensors().size()];
    Arrays.fill(map, -1);
  }

  TensorSpec spec(int index) {
    return graph.tensors().get(index);
  }

  /** The new index of original tensor {@code index}, copying it unchanged if not yet written. */
  int tensor(int index) {
    if (index < 0) {
      return -1;
    }
    if (map[index] < 0) {
      TensorSpec t = spec(index);
      if (t.isConstant()) {
        map[index] = builder.addConstant(t.name(), t.type(), t.shape(), t.quantization(), bytes(t));
      } else if (t.isVariable()) {
        map[index] = builder.addVariable(t.name(), t.type(), t.shape(), t.quantization());
      } else if (t.shapeSignature() != null) {
        map[index] =
            builder.addTensor(t.name(), t.type(), t.shape(), t.quantization(), t.shapeSignature());
      } else {
        map[index] = builder.addTensor(t.name(), t.type(), t.shape(), t.quantization());
      }
    }
    return map[index];
  }

  /** Declares that original tensor {@code index} is written as new tensor {@code newIndex}. */
  void bind(int index, int newIndex) {
    map[index] = newIndex;
  }

  boolean isBound(int index) {
    return map[index] >= 0;
  }

  /** A new activation tensor shaped like original tensor {@code index}. */
  int like(int index, String suffix, DataType type, Quantization q) {
    TensorSpec t = spec(index);
    if (t.shapeSignature() != null) {
      return builder.addTensor(t.name() + suffix, type, t.shape(), q, t.shapeSignature());
    }
    return builder.addTensor(t.name() + suffix, type, t.shape(), q);
  }

  int[] tensors(int[] indices) {
    int[] out = new int[indices.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = tensor(indices[i]);
    }
    return out;
  }

  /** Re-emits {@code node} with the given new tensor indices and version, options copied. */
  void emit(Node node, int version, int[] inputs, int[] outputs) throws ModelException {
    if (node.customCode() != null) {
      ByteBuffer opts = node.operator().customOptionsAsByteBuffer();
      byte[] custom = new byte[opts == null ? 0 : opts.remaining()];
      if (opts != null) {
        opts.duplicate().get(custom);
      }
      builder.addCustomOperator(node.customCode(), version, inputs, outputs, custom);
      return;
    }
    OptionsCopier.Copied opts = OptionsCopier.copy(node.operator());
    int[] intermediates = tensors(node.intermediates());
    if (opts == null) {
      builder.addOperator(node.builtinCode(), version, inputs, outputs, 0, null, intermediates);
    } else {
      builder.addOperator(
          node.builtinCode(), version, inputs, outputs, opts.type(), opts.writer(), intermediates);
    }
  }

  /** Copies {@code node} unchanged. */
  void copy(Node node) throws ModelException {
    emit(node, node.version(), tensors(node.inputs()), tensors(node.outputs()));
  }

  /** Inputs and outputs of the rewritten graph: the originals' new indices. */
  void finishIo(ModelFile model) {
    finishIo(model, tensors(graph.inputs()), tensors(graph.outputs()));
  }

  /**
   * Sets the rewritten graph's inputs and outputs and carries the model's signatures (each alias
   * mapped to the new tensor at the same input or output position) and metadata over; {@code
   * min_runtime_version} is recomputed for the rewritten operators (call after the last one).
   */
  void finishIo(ModelFile model, int[] newInputs, int[] newOutputs) {
    builder.setInputs(newInputs).setOutputs(newOutputs);
    for (Signature sig : model.signatures()) {
      if (sig.subgraphIndex() != 0) {
        continue;
      }
      builder.addSignature(
          sig.key(),
          remap(sig.inputs(), graph.inputs(), newInputs),
          remap(sig.outputs(), graph.outputs(), newOutputs));
    }
    for (Map.Entry<String, ByteBuffer> m : model.metadata().entrySet()) {
      if (!m.getKey().equals("min_runtime_version")) {
        ByteBuffer b = m.getValue().duplicate();
        byte[] data = new byte[b.remaining()];
        b.get(data);
        builder.addMetadata(m.getKey(), data);
      }
    }
    String minRuntime = MinRuntimeVersion.of(builder.operatorVersions());
    if (minRuntime != null) {
      builder.addMetadata("min_runtime_version", MinRuntimeVersion.metadataBytes(minRuntime));
    }
    String tag = " (tflited quantize)";
    if (!model.description().isEmpty()) {
      builder.setDescription(
          model.description().endsWith(tag) ? model.description() : model.description() + tag);
    }
  }

  private static Map<String, Integer> remap(Map<String, Integer> aliases, int[] old, int[] now) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : aliases.entrySet()) {
      for (int k = 0; k < old.length; k++) {
        if (old[k] == e.getValue()) {
          out.put(e.getKey(), now[k]);
        }
      }
    }
    return out;
  }

  static byte[] bytes(TensorSpec t) {
    ByteBuffer b = t.constantData();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  static float[] floats(TensorSpec t) {
    ByteBuffer b = t.constantData();
    float[] out = new float[b.remaining() / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat(4 * i);
    }
    return out;
  }

  static boolean isFloatConstant(TensorSpec t) {
    return t.isConstant() && t.type() == DataType.FLOAT32;
  }

  static final int DEQUANTIZE = BuiltinOperator.DEQUANTIZE;
  static final int QUANTIZE = BuiltinOperator.QUANTIZE;
}
