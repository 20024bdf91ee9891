package io.tflited.runtime;

import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.Signature;
import io.tflited.runtime.ops.OpRegistry;
import io.tflited.runtime.plan.PreparedGraph;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A verified, prepared model: the mapped file, the graph with packed weights, and the memory
 * plan for its declared input shapes. Immutable and thread-safe; create one per model and any
 * number of {@link Interpreter}s from it (each costs one arena, weights are shared).
 */
public final class CompiledModel {
  private final ModelFile file;
  private final OpRegistry registry;
  private final InterpreterOptions options;
  private final PreparedGraph prepared;

  private CompiledModel(ModelFile file, OpRegistry registry, InterpreterOptions options)
      throws ModelException {
    this.file = file;
    this.registry = registry;
    this.options = options;
    this.prepared = PreparedGraph.prepare(file.graph(), registry, options, null);
  }

  /** Maps, verifies and prepares a model file. */
  public static CompiledModel open(Path path, InterpreterOptions options)
      throws ModelException, IOException {
    return new CompiledModel(ModelFile.open(path), OpRegistry.builtin(), options);
  }

  public static CompiledModel open(Path path) throws ModelException, IOException {
    return open(path, InterpreterOptions.defaults());
  }

  /** Verifies and prepares a model held in memory (the buffer is used, not copied). */
  public static CompiledModel fromBuffer(ByteBuffer model, InterpreterOptions options)
      throws ModelException {
    return new CompiledModel(ModelFile.parse(model), OpRegistry.builtin(), options);
  }

  /** A new interpreter with its own arena. */
  public Interpreter newInterpreter() {
    return new Interpreter(this, prepared);
  }

  public InterpreterOptions options() {
    return options;
  }

  ModelFile file() {
    return file;
  }

  PreparedGraph prepareWithInputShapes(int[][] shapes) throws ModelException {
    return PreparedGraph.prepare(file.graph(), registry, options, shapes);
  }

  public List<TensorInfo> inputs() {
    return infos(prepared.inputs());
  }

  public List<TensorInfo> outputs() {
    return infos(prepared.outputs());
  }

  private List<TensorInfo> infos(int[] indices) {
    List<TensorInfo> out = new ArrayList<>();
    for (int i : indices) {
      out.add(prepared.tensor(i).info());
    }
    return List.copyOf(out);
  }

  public List<Signature> signatures() {
    return file.signatures();
  }

  /** Model description string from the file ("" when absent). */
  public String description() {
    return file.description();
  }

  /** Metadata entries by name (e.g. "min_runtime_version", "TFLITE_METADATA"). */
  public Map<String, ByteBuffer> metadata() {
    return file.metadata();
  }

  /** Bytes of the activation arena each interpreter allocates. */
  public long arenaBytes() {
    return prepared.arenaBytes();
  }

  /** Bytes of constant tensor data in the file (weights, biases, tables). */
  public long weightBytes() {
    long n = 0;
    for (TensorSpec t : file.graph().tensors()) {
      if (t.isConstant()) {
        n += t.constantData().remaining();
      }
    }
    return n;
  }

  public long fileBytes() {
    return file.buffer().capacity();
  }

  public int tensorCount() {
    return file.graph().tensors().size();
  }

  public int nodeCount() {
    return file.graph().nodes().size();
  }

  public int subgraphCount() {
    return file.subgraphCount();
  }

  /** "CONV_2D v3" to its number of nodes, sorted. */
  public Map<String, Integer> opHistogram() {
    Map<String, Integer> h = new TreeMap<>();
    for (Node n : file.graph().nodes()) {
      h.merge(n.opName() + " v" + n.version(), 1, Integer::sum);
    }
    return h;
  }

  /** Names and highest versions of every operator this runtime implements. */
  public static Map<String, Integer> supportedOperators() {
    return OpRegistry.builtin().supported();
  }

  /** Checks the prepared plan for overlapping live buffers (used by tests). */
  void verifyPlan() {
    prepared.verifyPlan();
  }
}
