package io.tflited.runtime;

import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.Signature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code tflited inspect} shows: a verified model's declared inputs and outputs,
 * signatures, operator histogram and sizes, and whether tflited can run it (with the reason
 * when not). Reading it needs only a structurally valid file, not supported operators.
 *
 * @param inputs declared inputs of subgraph 0
 * @param outputs declared outputs of subgraph 0
 * @param opHistogram "CONV_2D v3" to number of nodes
 * @param compiled the prepared model, or null when it cannot be prepared
 * @param unsupportedReason why it cannot be prepared, or null
 */
public record ModelInfo(
    long fileBytes,
    long schemaVersion,
    String description,
    int subgraphCount,
    int tensorCount,
    int nodeCount,
    long weightBytes,
    List<TensorInfo> inputs,
    List<TensorInfo> outputs,
    List<Signature> signatures,
    Map<String, Integer> opHistogram,
    List<String> metadataNames,
    CompiledModel compiled,
    String unsupportedReason) {

  /** Reads and verifies the file, then tries to prepare it. */
  public static ModelInfo read(Path path, InterpreterOptions options)
      throws ModelException, IOException {
    ModelFile file = ModelFile.open(path);
    CompiledModel compiled = null;
    String reason = null;
    try {
      compiled = CompiledModel.open(path, options);
    } catch (ModelException e) {
      reason = e.getMessage();
    }
    List<TensorSpec> tensors = file.graph().tensors();
    List<TensorInfo> ins = new ArrayList<>();
    for (int i : file.graph().inputs()) {
      ins.add(tensors.get(i).info());
    }
    List<TensorInfo> outs = new ArrayList<>();
    for (int i : file.graph().outputs()) {
      outs.add(tensors.get(i).info());
    }
    if (compiled != null) {
      ins = compiled.inputs();
      outs = compiled.outputs();
    }
    Map<String, Integer> hist = new TreeMap<>();
    for (Node n : file.graph().nodes()) {
      hist.merge(n.opName() + " v" + n.version(), 1, Integer::sum);
    }
    long weights = 0;
    for (TensorSpec t : tensors) {
      if (t.isConstant()) {
        weights += t.constantData().remaining();
      }
    }
    return new ModelInfo(
        file.buffer().capacity(),
        file.schemaVersion(),
        file.description(),
        file.subgraphCount(),
        tensors.size(),
        file.graph().nodes().size(),
        weights,
        List.copyOf(ins),
        List.copyOf(outs),
        file.signatures(),
        hist,
        List.copyOf(file.metadata().keySet()),
        compiled,
        reason);
  }

  public boolean supported() {
    return compiled != null;
  }

  /** Arena bytes per interpreter, or -1 when the model cannot be prepared. */
  public long arenaBytes() {
    return compiled == null ? -1 : compiled.arenaBytes();
  }
}
