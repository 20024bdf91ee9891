package io.tflited.runtime.plan;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.ops.OpRegistry;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A graph prepared for fixed input shapes: every node's {@link PreparedOp}, the final tensor
 * shapes, the arena plan, and the constants that ops read directly. Immutable and shared by
 * all interpreters that use these shapes.
 *
 * <ol>
 *   <li>Check every operator is registered in a version tflited implements.
 *   <li>Prepare nodes in execution order (ops set output shapes and pack weights). A node
 *       whose inputs are all known before running (constants, or outputs of folded nodes)
 *       is evaluated once here and its outputs become constants ("constant folding"), so
 *       shape computations such as SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE cost nothing.
 *   <li>Plan the arena for activations, variables and scratch by lifetime.
 * </ol>
 */
public final class PreparedGraph {
  /** Folding is for small shape-like values, not for precomputing big layers. */
  private static final long MAX_FOLDED_BYTES = 1 << 20;

  private final TensorSpec[] tensors;
  private final Node[] nodes;
  private final PreparedOp[] ops;
  private final boolean[] folded;
  private final int[] inputs;
  private final int[] outputs;
  private final long[] offsets;
  private final byte[][] constants;
  private final int[] variables;
  private final int arenaBytes;
  private final List<ArenaPlanner.Request> requests;
  private final ArenaPlanner.Plan plan;

  private PreparedGraph(Builder b) {
    this.tensors = b.tensors;
    this.nodes = b.nodes;
    this.ops = b.ops;
    this.folded = b.folded;
    this.inputs = b.inputs;
    this.outputs = b.outputs;
    this.offsets = b.plan.offsets();
    this.constants = b.constants;
    this.variables = b.variables;
    this.arenaBytes = (int) b.plan.arenaBytes();
    this.requests = List.copyOf(b.requests);
    this.plan = b.plan;
  }

  /**
   * Prepares {@code graph}; {@code inputShapes[i]}, when not null, replaces the declared
   * shape of graph input i.
   */
  public static PreparedGraph prepare(
      Graph graph, OpRegistry registry, InterpreterOptions options, int[][] inputShapes)
      throws ModelException {
    if (io.tflited.runtime.kernels.KernelChoice.useVector(options.kernels())) {
      // Get C2 to compile the vector kernels while this model is prepared (see VectorWarmup).
      io.tflited.runtime.kernels.vector.VectorWarmup.startOnce();
    }
    return new Builder(graph, registry, options, inputShapes).build();
  }

  public TensorSpec tensor(int index) {
    return tensors[index];
  }

  public int tensorCount() {
    return tensors.length;
  }

  public int[] inputs() {
    return inputs.clone();
  }

  public int[] outputs() {
    return outputs.clone();
  }

  public int arenaBytes() {
    return arenaBytes;
  }

  /** Checks that no two buffers alive at the same step overlap (used by tests). */
  public void verifyPlan() {
    ArenaPlanner.verify(requests, plan);
  }

  /** Bytes of constants materialized for ops that read them directly. */
  public long materializedConstantBytes() {
    long n = 0;
    for (byte[] c : constants) {
      if (c != null) {
        n += c.length;
      }
    }
    return n;
  }

  /** Wires an interpreter's arena: array and offset of every tensor and scratch id. */
  public ExecContext bind(byte[] arena) {
    return bind(arena, null);
  }

  /** As {@link #bind(byte[])}, with the interpreter's intra-op worker pool (or null). */
  public ExecContext bind(byte[] arena, io.tflited.runtime.exec.WorkerPool pool) {
    int n = offsets.length;
    byte[][] arrays = new byte[n][];
    int[] offs = new int[n];
    for (int i = 0; i < n; i++) {
      if (i < constants.length && constants[i] != null) {
        arrays[i] = constants[i];
        offs[i] = 0;
      } else if (offsets[i] >= 0) {
        arrays[i] = arena;
        offs[i] = (int) offsets[i];
      }
    }
    return new ExecContext(arrays, offs, pool);
  }

  /** Sets every variable tensor to its reset value (TFLite: zero point for int8, else 0). */
  public void resetVariables(ExecContext ctx) {
    for (int v : variables) {
      TensorSpec t = tensors[v];
      byte fill = t.type() == DataType.INT8 ? (byte) t.zeroPoint() : 0;
      int off = ctx.offset(v);
      Arrays.fill(ctx.array(v), off, off + (int) t.byteSize(), fill);
    }
  }

  /** Runs every node that was not folded. */
  public void run(ExecContext ctx) throws InvocationException {
    for (int i = 0; i < ops.length; i++) {
      if (folded[i]) {
        continue;
      }
      try {
        ops[i].eval(ctx);
      } catch (InvocationException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new InvocationException(
            nodes[i].opName() + " (node " + i + ") failed: " + e);
      }
    }
  }

  /**
   * As {@link #run(ExecContext)}, adding each node's wall time in nanoseconds to {@code
   * nanos[node]} (folded nodes add nothing); for op profiling, not for serving.
   */
  public void runProfiled(ExecContext ctx, long[] nanos) throws InvocationException {
    for (int i = 0; i < ops.length; i++) {
      if (folded[i]) {
        continue;
      }
      long start = System.nanoTime();
      try {
        ops[i].eval(ctx);
      } catch (InvocationException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new InvocationException(
            nodes[i].opName() + " (node " + i + ") failed: " + e);
      }
      nanos[i] += System.nanoTime() - start;
    }
  }

  /** Number of nodes (the length {@link #runProfiled} expects). */
  public int nodeCount() {
    return nodes.length;
  }

  /** Operators by name with the number of nodes using each, for inspect. */
  public Node[] nodes() {
    return nodes.clone();
  }

  private static final class Builder implements PrepareContext.Host {
    final Graph graph;
    final OpRegistry registry;
    final InterpreterOptions options;
    final TensorSpec[] tensors;
    final Node[] nodes;
    final PreparedOp[] ops;
    final boolean[] folded;
    final int[] inputs;
    final int[] outputs;
    final byte[][] known;
    final Set<Long> packed = new HashSet<>();
    final Set<Integer> valueIndependent = new HashSet<>();
    final List<long[]> scratch = new ArrayList<>(); // {node, bytes}
    byte[][] constants;
    int[] variables;
    List<ArenaPlanner.Request> requests;
    ArenaPlanner.Plan plan;

    Builder(Graph graph, OpRegistry registry, InterpreterOptions options, int[][] inputShapes)
        throws ModelException {
      this.graph = graph;
      this.registry = registry;
      this.options = options;
      List<TensorSpec> src = graph.tensors();
      this.tensors = new TensorSpec[src.size()];
      for (int i = 0; i < tensors.length; i++) {
        tensors[i] = src.get(i).copy();
      }
      this.nodes = graph.nodes().toArray(new Node[0]);
      this.ops = new PreparedOp[nodes.length];
      this.folded = new boolean[nodes.length];
      this.inputs = graph.inputs();
      this.outputs = graph.outputs();
      this.known = new byte[tensors.length][];
      if (inputShapes != null) {
        for (int i = 0; i < inputShapes.length && i < inputs.length; i++) {
          if (inputShapes[i] != null) {
            tensors[inputs[i]].setShape(inputShapes[i]);
          }
        }
      }
    }

    PreparedGraph build() throws ModelException {
      checkSupported();
      for (Node node : nodes) {
        prepareNode(node);
      }
      materializeConstants();
      planArena();
      return new PreparedGraph(this);
    }

    private void checkSupported() throws ModelException {
      for (Node node : nodes) {
        OpRegistry.Entry e = registry.lookup(node);
        String kind = node.customCode() != null ? "custom operator '" : "operator ";
        String name = node.customCode() != null ? node.customCode() + "'" : node.opName();
        if (e == null) {
          throw new ModelException(
              "unsupported "
                  + kind
                  + name
                  + " (version "
                  + node.version()
                  + ") at node "
                  + node.index());
        }
        if (node.version() < 1 || node.version() > e.maxVersion()) {
          throw new ModelException(
              "unsupported version "
                  + node.version()
                  + " of "
                  + kind
                  + name
                  + " at node "
                  + node.index()
                  + " (tflited implements versions 1 to "
                  + e.maxVersion()
                  + ")");
        }
      }
    }

    private void prepareNode(Node node) throws ModelException {
      PrepareContext ctx = new PrepareContext(node, this, options);
      PreparedOp op;
      try {
        op = registry.lookup(node).kernel().prepare(ctx);
      } catch (ModelException e) {
        throw e;
      } catch (RuntimeException e) {
        throw ctx.error("invalid operands (" + e + ")");
      }
      ops[node.index()] = op;
      if (isFoldable(node)) {
        fold(node, op);
      }
    }

    private boolean isFoldable(Node node) {
      boolean shapeOnly = valueIndependent.contains(node.index());
      boolean any = shapeOnly;
      for (int t : node.inputs()) {
        if (t < 0) {
          continue;
        }
        if (!shapeOnly && known[t] == null && !tensors[t].isConstant()) {
          return false;
        }
        any = true;
      }
      long bytes = 0;
      for (int t : node.outputs()) {
        if (tensors[t].isVariable()) {
          return false;
        }
        bytes += tensors[t].byteSize();
      }
      return any && bytes <= MAX_FOLDED_BYTES;
    }

    private void fold(Node node, PreparedOp op) throws ModelException {
      int n = tensors.length + scratch.size();
      byte[][] arrays = new byte[n][];
      int[] offs = new int[n];
      for (int t : node.inputs()) {
        if (t >= 0) {
          arrays[t] =
              known[t] != null || tensors[t].isConstant()
                  ? knownBytes(t)
                  : new byte[(int) tensors[t].byteSize()];
        }
      }
      for (int t : node.outputs()) {
        arrays[t] = new byte[(int) tensors[t].byteSize()];
      }
      for (int s = 0; s < scratch.size(); s++) {
        if (scratch.get(s)[0] == node.index()) {
          arrays[tensors.length + s] = new byte[(int) scratch.get(s)[1]];
        }
      }
      try {
        op.eval(new ExecContext(arrays, offs));
      } catch (InvocationException | RuntimeException e) {
        // Leave it to run time, where the error is reported for the request that hits it.
        return;
      }
      for (int t : node.outputs()) {
        known[t] = arrays[t];
      }
      folded[node.index()] = true;
    }

    private byte[] knownBytes(int t) {
      if (known[t] != null) {
        return known[t];
      }
      ByteBuffer b = tensors[t].constantData();
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    }

    private void materializeConstants() {
      constants = new byte[tensors.length][];
      boolean[] needed = new boolean[tensors.length];
      for (Node node : nodes) {
        if (folded[node.index()]) {
          continue;
        }
        for (int t : node.inputs()) {
          if (t >= 0
              && (tensors[t].isConstant() || known[t] != null)
              && !packed.contains(key(node.index(), t))) {
            needed[t] = true;
          }
        }
      }
      for (int t : outputs) {
        if (tensors[t].isConstant() || known[t] != null) {
          needed[t] = true;
        }
      }
      for (int t = 0; t < tensors.length; t++) {
        if (needed[t]) {
          constants[t] = knownBytes(t);
        }
      }
    }

    private void planArena() throws ModelException {
      int n = nodes.length;
      int[] first = new int[tensors.length];
      int[] last = new int[tensors.length];
      Arrays.fill(first, Integer.MAX_VALUE);
      Arrays.fill(last, -1);
      List<Integer> vars = new ArrayList<>();
      for (int t : inputs) {
        first[t] = 0;
        last[t] = n;
      }
      for (Node node : nodes) {
        if (folded[node.index()]) {
          continue;
        }
        int i = node.index();
        for (int t : node.inputs()) {
          if (t >= 0) {
            first[t] = Math.min(first[t], i);
            last[t] = Math.max(last[t], i);
          }
        }
        for (int t : node.outputs()) {
          first[t] = Math.min(first[t], i);
          last[t] = Math.max(last[t], i);
        }
      }
      for (int t : outputs) {
        last[t] = n;
      }
      for (TensorSpec t : tensors) {
        if (t.isVariable() && last[t.index()] >= 0) {
          first[t.index()] = 0;
          last[t.index()] = n;
          vars.add(t.index());
        }
      }
      requests = new ArrayList<>();
      for (int t = 0; t < tensors.length; t++) {
        if (last[t] < 0 || constants[t] != null || tensors[t].isConstant()) {
          continue;
        }
        if (!tensors[t].type().isSupportedStorage()) {
          throw new ModelException(tensors[t] + " has unsupported type " + tensors[t].type());
        }
        requests.add(new ArenaPlanner.Request(t, tensors[t].byteSize(), first[t], last[t]));
      }
      for (int s = 0; s < scratch.size(); s++) {
        int node = (int) scratch.get(s)[0];
        requests.add(
            new ArenaPlanner.Request(tensors.length + s, scratch.get(s)[1], node, node));
      }
      plan = ArenaPlanner.plan(requests, tensors.length + scratch.size());
      long limit = Math.min(Integer.MAX_VALUE - 64, Runtime.getRuntime().maxMemory() / 2);
      if (plan.arenaBytes() > limit) {
        throw new ModelException(
            "the model needs "
                + plan.arenaBytes()
                + " bytes of activations; this JVM allows at most "
                + limit
                + " (half of the heap, at most 2 GiB)");
      }
      variables = vars.stream().mapToInt(Integer::intValue).toArray();
    }

    private static long key(int node, int tensor) {
      return ((long) node << 32) | tensor;
    }

    @Override
    public TensorSpec tensor(int index) {
      return tensors[index];
    }

    @Override
    public ByteBuffer knownValue(int index) {
      if (known[index] != null) {
        return ByteBuffer.wrap(known[index]).order(ByteOrder.LITTLE_ENDIAN);
      }
      if (tensors[index].isConstant()) {
        return tensors[index].constantData();
      }
      // Nothing to know about a tensor without elements (an empty axis or shape list).
      return tensors[index].elementCount() == 0
          ? ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN)
          : null;
    }

    @Override
    public void markPacked(int nodeIndex, int tensorIndex) {
      packed.add(key(nodeIndex, tensorIndex));
    }

    @Override
    public void markValueIndependent(int nodeIndex) {
      valueIndependent.add(nodeIndex);
    }

    @Override
    public int scratch(int nodeIndex, long bytes) throws ModelException {
      if (bytes < 0 || bytes > Integer.MAX_VALUE - 64) {
        throw new ModelException(
            "node " + nodeIndex + " asks for " + bytes + " bytes of scratch; at most 2 GiB");
      }
      scratch.add(new long[] {nodeIndex, bytes});
      return tensors.length + scratch.size() - 1;
    }
  }
}
