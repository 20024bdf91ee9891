package io.tflited.runtime.ops;

import com.google.flatbuffers.Table;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.fb.Operator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What an {@link OpKernel} sees of its node while preparing: operands with their current
 * shapes, options, constant values, and the means to set output shapes and request scratch.
 */
public final class PrepareContext {
  /** Hooks into the graph being prepared. */
  public interface Host {
    TensorSpec tensor(int index);

    /** Value known before running (constant or folded), little-endian, or null. */
    ByteBuffer knownValue(int index);

    /** Marks a constant as packed by this node, so it need not be materialized for it. */
    void markPacked(int nodeIndex, int tensorIndex);

    /** Records that the node's outputs depend only on input shapes, not input values. */
    void markValueIndependent(int nodeIndex);

    /** Reserves scratch bytes live only while this node runs; returns its id. */
    int scratch(int nodeIndex, long bytes) throws ModelException;
  }

  /** An Operator whose options table is empty: reading it yields every field's default. */
  private static final Operator DEFAULTS = operatorWithEmptyOptions();

  private final Node node;
  private final Host host;
  private final InterpreterOptions options;

  public PrepareContext(Node node, Host host, InterpreterOptions options) {
    this.node = node;
    this.host = host;
    this.options = options;
  }

  public Node node() {
    return node;
  }

  public int nodeIndex() {
    return node.index();
  }

  public String opName() {
    return node.opName();
  }

  public int version() {
    return node.version();
  }

  public InterpreterOptions interpreterOptions() {
    return options;
  }

  /** Whether this model runs the Vector API kernels (see {@code kernels.KernelChoice}). */
  public boolean useVectorKernels() {
    return io.tflited.runtime.kernels.KernelChoice.useVector(options.kernels());
  }

  public int inputCount() {
    return node.inputs().length;
  }

  public int outputCount() {
    return node.outputs().length;
  }

  /** Whether input {@code slot} is present (exists and is not -1). */
  public boolean hasInput(int slot) {
    return slot < node.inputs().length && node.inputs()[slot] >= 0;
  }

  /** Tensor index of input {@code slot}, or -1 when omitted. */
  public int inputIndex(int slot) {
    return hasInput(slot) ? node.inputs()[slot] : -1;
  }

  public int outputIndex(int slot) {
    return node.outputs()[slot];
  }

  /** A required input. */
  public TensorSpec input(int slot) throws ModelException {
    if (!hasInput(slot)) {
      throw error("input " + slot + " is missing");
    }
    return host.tensor(node.inputs()[slot]);
  }

  /** An optional input, or null when omitted. */
  public TensorSpec optionalInput(int slot) {
    return hasInput(slot) ? host.tensor(node.inputs()[slot]) : null;
  }

  public TensorSpec output(int slot) throws ModelException {
    if (slot >= node.outputs().length) {
      throw error("output " + slot + " is missing");
    }
    return host.tensor(node.outputs()[slot]);
  }

  /** Tensor index of intermediate {@code slot} (LSTM quantization tensors), or -1. */
  public TensorSpec intermediate(int slot) {
    return slot < node.intermediates().length ? host.tensor(node.intermediates()[slot]) : null;
  }

  /** Sets an output's shape; every op calls this for each output it produces. */
  public void setOutputShape(int slot, int... shape) throws ModelException {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw error("computed output shape " + Arrays.toString(shape) + " has a negative dim");
      }
      n = Math.multiplyExact(n, (long) d);
    }
    TensorSpec out = output(slot);
    if (n * out.type().byteSize() > Integer.MAX_VALUE - 64) {
      throw error("output " + slot + " would need more than 2 GiB");
    }
    out.setShape(shape);
  }

  /**
   * The node's builtin options table, or a table with every field at its default when the
   * model stores none. {@code type} is the expected {@code BuiltinOptions} union tag.
   */
  public <T extends Table> T options(int type, T table) throws ModelException {
    var op = node.operator();
    int actual = Byte.toUnsignedInt(op.builtinOptionsType());
    if (actual != 0 && actual != type) {
      throw error("has builtin options of type " + actual + ", expected " + type);
    }
    if (actual == 0 || op.builtinOptions(table) == null) {
      DEFAULTS.builtinOptions(table);
    }
    return table;
  }

  /** The custom options bytes (flexbuffer), or an empty buffer. */
  public ByteBuffer customOptions() {
    ByteBuffer b = node.operator().customOptionsAsByteBuffer();
    return b == null
        ? ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN)
        : b.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The bytes of a constant input that this op packs into its own layout at prepare time;
   * the interpreter then does not keep a copy of it for this node.
   */
  public ByteBuffer packConstant(int slot) throws ModelException {
    TensorSpec t = input(slot);
    if (!t.isConstant()) {
      throw error("input " + slot + " (" + t.name() + ") must be a constant tensor");
    }
    host.markPacked(node.index(), t.index());
    return t.constantData();
  }

  /** Whether the input's value is known before running (constant or folded). */
  public boolean isKnown(TensorSpec t) {
    return host.knownValue(t.index()) != null;
  }

  /** The known value (constant or folded) of a tensor, little-endian, or null. */
  public ByteBuffer knownValue(TensorSpec t) {
    ByteBuffer b = host.knownValue(t.index());
    return b == null ? null : b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Reads a known int32/int64 tensor (shapes, axes, paddings) as ints. */
  public int[] knownInts(TensorSpec t, String role) throws ModelException {
    ByteBuffer b = knownValue(t);
    if (b == null) {
      throw error(role + " (" + t.name() + ") must be a constant tensor; dynamic values are not supported");
    }
    int n = (int) t.elementCount();
    int[] out = new int[n];
    switch (t.type()) {
      case INT32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.getInt(4 * i);
        }
      }
      case INT64 -> {
        for (int i = 0; i < n; i++) {
          long v = b.getLong(8 * i);
          if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw error(role + " value " + v + " does not fit in int32");
          }
          out[i] = (int) v;
        }
      }
      default -> throw error(role + " must be int32 or int64, got " + t.type());
    }
    return out;
  }

  /**
   * Declares that this node's outputs depend only on its inputs' shapes (SHAPE, RANK), so it
   * is evaluated once while preparing and its outputs become known values.
   */
  public void declareValueIndependent() {
    host.markValueIndependent(node.index());
  }

  /** Reserves scratch bytes for this node's eval; use the id with {@link ExecContext}. */
  public int scratch(long bytes) throws ModelException {
    return host.scratch(node.index(), bytes);
  }

  public void checkInputCount(int min, int max) throws ModelException {
    int n = inputCount();
    if (n < min || n > max) {
      throw error(
          "has "
              + n
              + " inputs; expected "
              + (min == max ? String.valueOf(min) : min + " to " + max));
    }
  }

  public void checkOutputCount(int min, int max) throws ModelException {
    int n = outputCount();
    if (n < min || n > max) {
      throw error(
          "has "
              + n
              + " outputs; expected "
              + (min == max ? String.valueOf(min) : min + " to " + max));
    }
  }

  /** Fails unless the tensor has one of the allowed types. */
  public void requireType(TensorSpec t, String role, DataType... allowed) throws ModelException {
    for (DataType a : allowed) {
      if (t.type() == a) {
        return;
      }
    }
    throw error(role + " has type " + t.type() + "; supported: " + Arrays.toString(allowed));
  }

  /** Fails unless the tensor has one of the allowed ranks. */
  public void requireRank(TensorSpec t, String role, int... ranks) throws ModelException {
    for (int r : ranks) {
      if (t.rank() == r) {
        return;
      }
    }
    throw error(
        role + " has rank " + t.rank() + " (shape " + Arrays.toString(t.shape()) + "); expected "
            + Arrays.toString(ranks));
  }

  /** "cannot prepare CONV_2D (node 7): " + message. */
  public ModelException error(String message) {
    return new ModelException(
        "cannot prepare " + node.opName() + " (node " + node.index() + "): " + message);
  }

  private static Operator operatorWithEmptyOptions() {
    var b = new com.google.flatbuffers.FlatBufferBuilder(64);
    b.startTable(0);
    int empty = b.endTable();
    Operator.startOperator(b);
    Operator.addBuiltinOptionsType(b, (byte) 1);
    Operator.addBuiltinOptions(b, empty);
    b.finish(Operator.endOperator(b));
    return Operator.getRootAsOperator(b.dataBuffer());
  }
}
