package io.tflited.runtime.graph;

import java.util.List;

/**
 * Subgraph 0 of a verified model: tensors (declared shapes), nodes in execution order, and
 * the graph's inputs and outputs. Immutable; preparation works on copies of the tensors.
 */
public record Graph(List<TensorSpec> tensors, List<Node> nodes, int[] inputs, int[] outputs) {
  public Graph {
    tensors = List.copyOf(tensors);
    nodes = List.copyOf(nodes);
    inputs = inputs.clone();
    outputs = outputs.clone();
  }

  @Override
  public int[] inputs() {
    return inputs.clone();
  }

  @Override
  public int[] outputs() {
    return outputs.clone();
  }
}
