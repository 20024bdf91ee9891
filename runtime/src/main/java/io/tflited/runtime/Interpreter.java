package io.tflited.runtime;

import io.tflited.runtime.exec.WorkerPool;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.Signature;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.plan.PreparedGraph;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a {@link CompiledModel}, in the manner of {@code org.tensorflow.lite.Interpreter}.
 *
 * <p>Not thread-safe: use one interpreter per thread. Creating another interpreter from the
 * same compiled model is cheap (one arena; weights and prepared ops are shared).
 *
 * <pre>{@code
 * CompiledModel model = CompiledModel.open(Path.of("mobilenet.tflite"));
 * try (Interpreter it = model.newInterpreter()) {
 *   it.copyInput(0, imageBytes);
 *   it.run();
 *   byte[] scores = it.outputBytes(0);
 * }
 * }</pre>
 */
public final class Interpreter implements AutoCloseable {
  private final CompiledModel model;
  private PreparedGraph graph;
  private byte[] arena;
  private ExecContext ctx;
  private int[][] pendingShapes;
  private final WorkerPool pool;

  Interpreter(CompiledModel model, PreparedGraph graph) {
    this.model = model;
    int threads = model.options().threads();
    this.pool = threads > 1 ? new WorkerPool(threads) : null;
    bind(graph);
  }

  /** Opens a model and returns an interpreter for it. */
  public static Interpreter open(Path path, InterpreterOptions options)
      throws ModelException, IOException {
    return CompiledModel.open(path, options).newInterpreter();
  }

  public static Interpreter open(Path path) throws ModelException, IOException {
    return open(path, InterpreterOptions.defaults());
  }

  public static Interpreter open(ByteBuffer model, InterpreterOptions options)
      throws ModelException {
    return CompiledModel.fromBuffer(model, options).newInterpreter();
  }

  private void bind(PreparedGraph g) {
    this.graph = g;
    this.arena = new byte[g.arenaBytes()];
    this.ctx = g.bind(arena, pool);
    g.resetVariables(ctx);
  }

  public CompiledModel model() {
    return model;
  }

  public int inputCount() {
    return graph.inputs().length;
  }

  public int outputCount() {
    return graph.outputs().length;
  }

  public TensorInfo input(int i) {
    return graph.tensor(inputIndex(i)).info();
  }

  public TensorInfo output(int i) {
    return graph.tensor(outputIndex(i)).info();
  }

  public List<TensorInfo> inputs() {
    List<TensorInfo> l = new ArrayList<>();
    for (int i = 0; i < inputCount(); i++) {
      l.add(input(i));
    }
    return l;
  }

  public List<TensorInfo> outputs() {
    List<TensorInfo> l = new ArrayList<>();
    for (int i = 0; i < outputCount(); i++) {
      l.add(output(i));
    }
    return l;
  }

  /** Position of the input with this tensor name, or -1. */
  public int inputPosition(String name) {
    int[] in = graph.inputs();
    for (int i = 0; i < in.length; i++) {
      if (graph.tensor(in[i]).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Position of the output with this tensor name, or -1. */
  public int outputPosition(String name) {
    int[] out = graph.outputs();
    for (int i = 0; i < out.length; i++) {
      if (graph.tensor(out[i]).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  public List<Signature> signatures() {
    return model.signatures();
  }

  /** Input position of a signature's input alias, or -1. */
  public int signatureInputPosition(String signatureKey, String alias) {
    for (Signature s : model.signatures()) {
      if (s.key().equals(signatureKey) && s.inputs().containsKey(alias)) {
        int t = s.inputs().get(alias);
        int[] in = graph.inputs();
        for (int i = 0; i < in.length; i++) {
          if (in[i] == t) {
            return i;
          }
        }
      }
    }
    return -1;
  }

  /** Output position of a signature's output alias, or -1. */
  public int signatureOutputPosition(String signatureKey, String alias) {
    for (Signature s : model.signatures()) {
      if (s.key().equals(signatureKey) && s.outputs().containsKey(alias)) {
        int t = s.outputs().get(alias);
        int[] out = graph.outputs();
        for (int i = 0; i < out.length; i++) {
          if (out[i] == t) {
            return i;
          }
        }
      }
    }
    return -1;
  }

  /**
   * Changes the shape of input i; the graph is re-prepared and the arena re-planned at the
   * next {@link #allocateTensors()} or {@link #run()}. Input data is not preserved.
   */
  public void resizeInput(int i, int... shape) throws ModelException {
    inputIndex(i);
    for (int d : shape) {
      if (d < 0) {
        throw new ModelException("cannot resize input " + i + " to " + Arrays.toString(shape));
      }
    }
    if (pendingShapes == null) {
      pendingShapes = new int[inputCount()][];
      for (int k = 0; k < pendingShapes.length; k++) {
        pendingShapes[k] = graph.tensor(inputIndex(k)).shape();
      }
    }
    pendingShapes[i] = shape.clone();
  }

  /** Applies pending resizes: re-prepares the graph and plans a new arena. */
  public void allocateTensors() throws ModelException {
    if (pendingShapes != null) {
      int[][] shapes = pendingShapes;
      pendingShapes = null;
      bind(model.prepareWithInputShapes(shapes));
    }
  }

  /** Runs the model once on the current inputs. */
  public void run() throws InvocationException {
    if (pendingShapes != null) {
      try {
        allocateTensors();
      } catch (ModelException e) {
        throw new InvocationException("cannot apply the new input shapes: " + e.getMessage());
      }
    }
    graph.run(ctx);
  }

  /**
   * Runs the model once like {@link #run()}, adding each node's wall time in nanoseconds to
   * {@code nanosPerNode[node]} (length {@link #nodeCount()}); for op profiling.
   */
  public void runProfiled(long[] nanosPerNode) throws InvocationException {
    if (pendingShapes != null) {
      try {
        allocateTensors();
      } catch (ModelException e) {
        throw new InvocationException("cannot apply the new input shapes: " + e.getMessage());
      }
    }
    if (nanosPerNode.length < graph.nodeCount()) {
      throw new IllegalArgumentException(
          "need " + graph.nodeCount() + " timing slots, got " + nanosPerNode.length);
    }
    graph.runProfiled(ctx, nanosPerNode);
  }

  /** Number of nodes in execution order. */
  public int nodeCount() {
    return graph.nodeCount();
  }

  /**
   * Node i (execution order) for profiles: its operator name, the shape of its first input
   * and its output shapes, e.g. "CONV_2D [1,96,96,3] -> [1,48,48,8]".
   */
  public String nodeDescription(int i) {
    Node node = graph.nodes()[i];
    StringBuilder sb = new StringBuilder(node.opName());
    if (node.inputs().length > 0 && node.inputs()[0] >= 0) {
      sb.append(" ").append(Arrays.toString(graph.tensor(node.inputs()[0]).shape()));
    }
    sb.append(" ->");
    for (int o : node.outputs()) {
      sb.append(' ').append(Arrays.toString(graph.tensor(o).shape()));
    }
    return sb.toString().replace(", ", ",");
  }

  /** Resets variable tensors (LSTM/SVDF state) to their initial value. */
  public void resetVariables() {
    graph.resetVariables(ctx);
  }

  /** Bytes of this interpreter's arena. */
  public int arenaBytes() {
    return arena.length;
  }

  // ---- data in ------------------------------------------------------------------------

  /** A little-endian view of input i's bytes in the arena; valid until the next resize. */
  public ByteBuffer inputBuffer(int i) {
    return view(inputIndex(i));
  }

  /** A little-endian read-only view of output i's bytes; valid until the next run. */
  public ByteBuffer outputBuffer(int i) {
    return view(outputIndex(i)).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Copies raw little-endian bytes into input i; the size must match exactly. */
  public void copyInput(int i, ByteBuffer src) throws InvocationException {
    int t = inputIndex(i);
    TensorSpec spec = graph.tensor(t);
    if (src.remaining() != spec.byteSize()) {
      throw new InvocationException(
          "input "
              + i
              + " ('"
              + spec.name()
              + "', "
              + spec.type()
              + Arrays.toString(spec.shape())
              + ") needs "
              + spec.byteSize()
              + " bytes, got "
              + src.remaining());
    }
    src.duplicate().order(src.order()).get(ctx.array(t), ctx.offset(t), src.remaining());
  }

  public void copyInput(int i, byte[] src) throws InvocationException {
    copyInput(i, ByteBuffer.wrap(src));
  }

  /** Copies floats into a float32 input. */
  public void copyInput(int i, float[] src) throws InvocationException {
    requireType(inputIndex(i), DataType.FLOAT32);
    ByteBuffer b = ByteBuffer.allocate(src.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(src);
    copyInput(i, b);
  }

  /** Copies ints into an int32 input. */
  public void copyInput(int i, int[] src) throws InvocationException {
    requireType(inputIndex(i), DataType.INT32);
    ByteBuffer b = ByteBuffer.allocate(src.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(src);
    copyInput(i, b);
  }

  // ---- data out -----------------------------------------------------------------------

  /** Copies output i's raw little-endian bytes into dst (which must have room). */
  public void copyOutput(int i, ByteBuffer dst) {
    int t = outputIndex(i);
    dst.put(ctx.array(t), ctx.offset(t), (int) graph.tensor(t).byteSize());
  }

  /** Output i's raw little-endian bytes. */
  public byte[] outputBytes(int i) {
    int t = outputIndex(i);
    int off = ctx.offset(t);
    return Arrays.copyOfRange(ctx.array(t), off, off + (int) graph.tensor(t).byteSize());
  }

  /** Output i as floats (float32 outputs only). */
  public float[] outputFloats(int i) throws InvocationException {
    int t = outputIndex(i);
    requireType(t, DataType.FLOAT32);
    float[] out = new float[(int) graph.tensor(t).elementCount()];
    outputBuffer(i).asFloatBuffer().get(out);
    return out;
  }

  /** Output i as real values: floats as they are, quantized types dequantized. */
  public float[] outputDequantized(int i) {
    int t = outputIndex(i);
    TensorSpec spec = graph.tensor(t);
    ByteBuffer b = outputBuffer(i);
    int n = (int) spec.elementCount();
    float[] out = new float[n];
    float scale = spec.quantization().isQuantized() ? spec.scale() : 1f;
    int zp = spec.zeroPoint();
    for (int k = 0; k < n; k++) {
      out[k] =
          switch (spec.type()) {
            case FLOAT32 -> b.getFloat(4 * k);
            case INT8 -> scale * (b.get(k) - zp);
            case UINT8 -> scale * ((b.get(k) & 0xff) - zp);
            case INT16 -> scale * (b.getShort(2 * k) - zp);
            case INT32 -> scale * (b.getInt(4 * k) - zp);
            case INT64 -> scale * (b.getLong(8 * k) - zp);
            case BOOL -> b.get(k) != 0 ? 1f : 0f;
            case FLOAT16 -> Float.float16ToFloat(b.getShort(2 * k));
            default -> Float.NaN;
          };
    }
    return out;
  }

  private void requireType(int t, DataType type) throws InvocationException {
    if (graph.tensor(t).type() != type) {
      throw new InvocationException(
          "tensor '" + graph.tensor(t).name() + "' is " + graph.tensor(t).type() + ", not " + type);
    }
  }

  private ByteBuffer view(int t) {
    return ByteBuffer.wrap(ctx.array(t), ctx.offset(t), (int) graph.tensor(t).byteSize())
        .slice()
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  private int inputIndex(int i) {
    int[] in = graph.inputs();
    if (i < 0 || i >= in.length) {
      throw new IndexOutOfBoundsException("input " + i + " of " + in.length);
    }
    return in[i];
  }

  private int outputIndex(int i) {
    int[] out = graph.outputs();
    if (i < 0 || i >= out.length) {
      throw new IndexOutOfBoundsException("output " + i + " of " + out.length);
    }
    return out[i];
  }

  /** Releases the arena and stops the worker threads (the compiled model stays usable). */
  @Override
  public void close() {
    arena = new byte[0];
    if (pool != null) {
      pool.close();
    }
  }
}
