package io.tflited.runtime.model;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.OpNames;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.fb.Buffer;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.Model;
import io.tflited.runtime.model.fb.Operator;
import io.tflited.runtime.model.fb.OperatorCode;
import io.tflited.runtime.model.fb.QuantizationParameters;
import io.tflited.runtime.model.fb.SignatureDef;
import io.tflited.runtime.model.fb.SubGraph;
import io.tflited.runtime.model.fb.Tensor;
import io.tflited.runtime.model.fb.TensorMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a FlatBuffer into a {@link ModelFile}.
 *
 * <ol>
 *   <li>Verify the structure of every table tflited reads ({@link FlatBufferVerifier}).
 *   <li>Read subgraph 0 through the generated accessors, checking every index, type, shape
 *       and buffer size with overflow-safe arithmetic.
 *   <li>Check the execution order: every tensor an operator reads is a constant, a graph
 *       input, a variable or the output of an earlier operator (this also rejects cycles).
 * </ol>
 */
final class ModelReader {
  static final int MAX_RANK = 16;
  static final int MAX_OP_OPERANDS = 1 << 16;
  private static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 64;

  private final ByteBuffer bb;
  private final FlatBufferVerifier v;

  ModelReader(ByteBuffer bb) {
    this.bb = bb;
    this.v = new FlatBufferVerifier(bb);
  }

  ModelFile read() throws ModelException {
    int root = v.root("TFL3");
    verifyModel(root);
    try {
      return build();
    } catch (RuntimeException e) {
      // The verifier should make this unreachable; keep the promise of one exception type.
      throw new ModelException("malformed model: " + e, e);
    }
  }

  // ---- 1. structure -------------------------------------------------------------------

  private void verifyModel(int m) throws ModelException {
    v.scalar(m, 0, 4, "Model.version");
    for (int oc : v.tableVector(m, 1, "Model.operator_codes")) {
      v.scalar(oc, 0, 1, "OperatorCode.deprecated_builtin_code");
      v.string(oc, 1, "OperatorCode.custom_code");
      v.scalar(oc, 2, 4, "OperatorCode.version");
      v.scalar(oc, 3, 4, "OperatorCode.builtin_code");
    }
    int[] subgraphs = v.tableVector(m, 2, "Model.subgraphs");
    if (subgraphs.length == 0) {
      throw new ModelException("malformed model: it has no subgraphs");
    }
    for (int s : subgraphs) {
      verifySubgraph(s);
    }
    v.string(m, 3, "Model.description");
    for (int b : v.tableVector(m, 4, "Model.buffers")) {
      v.vector(b, 0, 1, "Buffer.data");
      v.scalar(b, 1, 8, "Buffer.offset");
      v.scalar(b, 2, 8, "Buffer.size");
    }
    v.vector(m, 5, 4, "Model.metadata_buffer");
    for (int md : v.tableVector(m, 6, "Model.metadata")) {
      v.string(md, 0, "Metadata.name");
      v.scalar(md, 1, 4, "Metadata.buffer");
    }
    for (int sd : v.tableVector(m, 7, "Model.signature_defs")) {
      for (int field = 0; field < 2; field++) {
        for (int tm : v.tableVector(sd, field, "SignatureDef tensor map")) {
          v.string(tm, 0, "TensorMap.name");
          v.scalar(tm, 1, 4, "TensorMap.tensor_index");
        }
      }
      v.string(sd, 2, "SignatureDef.signature_key");
      v.scalar(sd, 4, 4, "SignatureDef.subgraph_index");
    }
  }

  private void verifySubgraph(int s) throws ModelException {
    for (int t : v.tableVector(s, 0, "SubGraph.tensors")) {
      v.vector(t, 0, 4, "Tensor.shape");
      v.scalar(t, 1, 1, "Tensor.type");
      v.scalar(t, 2, 4, "Tensor.buffer");
      v.string(t, 3, "Tensor.name");
      int q = v.subTable(t, 4, "Tensor.quantization");
      if (q >= 0) {
        v.vector(q, 0, 4, "QuantizationParameters.min");
        v.vector(q, 1, 4, "QuantizationParameters.max");
        v.vector(q, 2, 4, "QuantizationParameters.scale");
        v.vector(q, 3, 8, "QuantizationParameters.zero_point");
        v.scalar(q, 4, 1, "QuantizationParameters.details_type");
        v.subTable(q, 5, "QuantizationParameters.details");
        v.scalar(q, 6, 4, "QuantizationParameters.quantized_dimension");
      }
      v.scalar(t, 5, 1, "Tensor.is_variable");
      v.subTable(t, 6, "Tensor.sparsity");
      v.vector(t, 7, 4, "Tensor.shape_signature");
      v.scalar(t, 8, 1, "Tensor.has_rank");
    }
    v.vector(s, 1, 4, "SubGraph.inputs");
    v.vector(s, 2, 4, "SubGraph.outputs");
    for (int op : v.tableVector(s, 3, "SubGraph.operators")) {
      v.scalar(op, 0, 4, "Operator.opcode_index");
      v.vector(op, 1, 4, "Operator.inputs");
      v.vector(op, 2, 4, "Operator.outputs");
      v.scalar(op, 3, 1, "Operator.builtin_options_type");
      int opts = v.subTable(op, 4, "Operator.builtin_options");
      if (opts >= 0) {
        // Options tables hold scalars, except these int vectors (field 0 in both).
        // An absent type field means NONE (0); it is no position to read (found by fuzzing).
        int typeAt = v.scalar(op, 3, 1, "Operator.builtin_options_type");
        int type = typeAt < 0 ? 0 : bb.get(typeAt) & 0xff;
        if (type == io.tflited.runtime.model.fb.BuiltinOptions.ReshapeOptions
            || type == io.tflited.runtime.model.fb.BuiltinOptions.SqueezeOptions) {
          v.vector(opts, 0, 4, "options vector");
        }
        // Every scalar field must be readable at up to 8 bytes.
        for (int f = 0; f < 16; f++) {
          v.scalar(opts, f, 1, "builtin options field");
        }
      }
      v.vector(op, 5, 1, "Operator.custom_options");
      v.scalar(op, 6, 1, "Operator.custom_options_format");
      v.vector(op, 7, 1, "Operator.mutating_variable_inputs");
      v.vector(op, 8, 4, "Operator.intermediates");
    }
    v.string(s, 4, "SubGraph.name");
  }

  // ---- 2. contents --------------------------------------------------------------------

  private ModelFile build() throws ModelException {
    Model model = Model.getRootAsModel(bb);
    long version = model.version();
    if (version != 3) {
      throw new ModelException(
          "unsupported schema version " + version + " (tflited reads version 3 models)");
    }
    ByteBuffer[] buffers = readBuffers(model);
    SubGraph sg = model.subgraphs(0);
    List<TensorSpec> tensors = readTensors(sg, buffers);
    int[] inputs = indices(sg.inputsLength(), sg::inputs, tensors.size(), "subgraph input");
    int[] outputs = indices(sg.outputsLength(), sg::outputs, tensors.size(), "subgraph output");
    List<Node> nodes = readNodes(model, sg, tensors.size());
    checkExecutionOrder(tensors, nodes, inputs, outputs);
    Graph graph = new Graph(tensors, nodes, inputs, outputs);
    return new ModelFile(
        bb.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN),
        version,
        model.description() == null ? "" : model.description(),
        graph,
        model.subgraphsLength(),
        readSignatures(model, tensors.size()),
        readMetadata(model, buffers));
  }

  private ByteBuffer[] readBuffers(Model model) throws ModelException {
    int n = model.buffersLength();
    ByteBuffer[] out = new ByteBuffer[n];
    Buffer b = new Buffer();
    for (int i = 0; i < n; i++) {
      model.buffers(b, i);
      long offset = b.offset();
      long size = b.size();
      ByteBuffer data;
      if (offset > 1) {
        // Buffers stored after the FlatBuffer (schema 3c); offset is from the file start.
        if (size < 0 || offset + size > bb.limit() || offset + size < offset) {
          throw new ModelException(
              "malformed model: buffer "
                  + i
                  + " at offset "
                  + offset
                  + " with "
                  + size
                  + " bytes lies outside the "
                  + bb.limit()
                  + "-byte file");
        }
        data = slice((int) offset, (int) size);
      } else {
        ByteBuffer vec = b.dataAsByteBuffer();
        data = vec == null ? null : slice(vec.position(), vec.remaining());
      }
      out[i] = data;
    }
    return out;
  }

  private ByteBuffer slice(int offset, int size) {
    ByteBuffer d = bb.duplicate();
    d.position(offset);
    d.limit(offset + size);
    return d.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  private List<TensorSpec> readTensors(SubGraph sg, ByteBuffer[] buffers) throws ModelException {
    int n = sg.tensorsLength();
    List<TensorSpec> list = new ArrayList<>(n);
    Tensor t = new Tensor();
    for (int i = 0; i < n; i++) {
      sg.tensors(t, i);
      String name = t.name() == null ? "tensor_" + i : t.name();
      String where = "tensor " + i + " '" + name + "'";
      DataType type = DataType.fromCode(t.type());
      if (type == null) {
        throw new ModelException(where + " has unknown type code " + t.type());
      }
      int rank = t.shapeLength();
      if (rank > MAX_RANK) {
        throw new ModelException(where + " has rank " + rank + "; at most " + MAX_RANK);
      }
      int[] shape = new int[rank];
      long elements = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = t.shape(d);
        if (shape[d] < 0) {
          throw new ModelException(
              where + " has negative dimension " + shape[d] + " in shape " + Arrays.toString(shape));
        }
        elements = Math.multiplyExact(elements, (long) shape[d]);
        if (elements * type.byteSize() > MAX_TENSOR_BYTES) {
          throw new ModelException(where + " declares more than 2 GiB of data");
        }
      }
      int[] signature = null;
      if (t.shapeSignatureLength() > 0) {
        if (t.shapeSignatureLength() != rank) {
          signature = null;
        } else {
          signature = new int[rank];
          for (int d = 0; d < rank; d++) {
            signature[d] = t.shapeSignature(d);
          }
        }
      }
      Quantization q = readQuantization(t, where, shape);
      long bufferIndex = t.buffer();
      if (bufferIndex >= buffers.length && bufferIndex != 0) {
        throw new ModelException(
            where + " refers to buffer " + bufferIndex + " but the model has " + buffers.length);
      }
      ByteBuffer data = bufferIndex < buffers.length ? buffers[(int) bufferIndex] : null;
      boolean emptyConstant = elements == 0 && bufferIndex != 0;
      if (emptyConstant) {
        // A zero-element tensor with a buffer (e.g. the shape of a reshape to a scalar) is an
        // empty constant, as in TFLite, not a tensor nobody writes.
        data = ByteBuffer.allocate(0).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
      } else if (data != null && data.remaining() == 0) {
        data = null;
      }
      if (data != null) {
        if (t.sparsity() != null) {
          throw new ModelException(where + " is sparse; sparse tensors are not supported");
        }
        long expected = elements * type.byteSize();
        if (type == DataType.STRING) {
          expected = data.remaining();
        }
        if (data.remaining() != expected) {
          throw new ModelException(
              where
                  + " has "
                  + data.remaining()
                  + " bytes of data but its shape "
                  + Arrays.toString(shape)
                  + " of "
                  + type
                  + " needs "
                  + expected);
        }
      }
      list.add(new TensorSpec(i, name, type, shape, signature, q, t.isVariable(), data));
    }
    return list;
  }

  private static Quantization readQuantization(Tensor t, String where, int[] shape)
      throws ModelException {
    QuantizationParameters qp = t.quantization();
    if (qp == null || qp.scaleLength() == 0) {
      return Quantization.NONE;
    }
    int n = qp.scaleLength();
    int nz = qp.zeroPointLength();
    if (nz != n && nz != 0) {
      throw new ModelException(
          where + " has " + n + " quantization scales but " + nz + " zero points");
    }
    float[] scales = new float[n];
    long[] zps = new long[n];
    for (int i = 0; i < n; i++) {
      scales[i] = qp.scale(i);
      zps[i] = nz == 0 ? 0 : qp.zeroPoint(i);
      if (!Float.isFinite(scales[i]) || scales[i] < 0) {
        throw new ModelException(where + " has invalid quantization scale " + scales[i]);
      }
    }
    int dim = qp.quantizedDimension();
    if (n > 1) {
      if (dim < 0 || dim >= shape.length || shape[dim] != n) {
        // Old converters (TOCO, e.g. person_detect.tflite) wrote quantized_dimension=3 on
        // every tensor; like TFLite Micro, accept it when exactly the channel count fits
        // another dimension (the ops check the channel dimension they expect).
        int inferred = -1;
        for (int d = 0; d < shape.length && inferred < 0; d++) {
          if (shape[d] == n) {
            inferred = d;
          }
        }
        if (inferred < 0) {
          throw new ModelException(
              where
                  + " has "
                  + n
                  + " per-channel scales but no dimension of its shape "
                  + Arrays.toString(shape)
                  + " has that size (quantized_dimension "
                  + dim
                  + ")");
        }
        dim = inferred;
      }
    } else {
      // One scale is per-tensor whatever quantized_dimension says (TFLite Micro accepts
      // person_detect.tflite, which declares quantized_dimension=3 with a single scale).
      dim = 0;
    }
    return new Quantization(scales, zps, dim);
  }

  private interface IntAt {
    int at(int i);
  }

  private static int[] indices(int n, IntAt src, int tensorCount, String what)
      throws ModelException {
    if (n > MAX_OP_OPERANDS) {
      throw new ModelException("malformed model: " + n + " " + what + "s");
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = src.at(i);
      if (out[i] < 0 || out[i] >= tensorCount) {
        throw new ModelException(
            what + " " + i + " is tensor " + out[i] + " but the subgraph has " + tensorCount);
      }
    }
    return out;
  }

  private List<Node> readNodes(Model model, SubGraph sg, int tensorCount) throws ModelException {
    int codes = model.operatorCodesLength();
    int n = sg.operatorsLength();
    List<Node> nodes = new ArrayList<>(n);
    OperatorCode oc = new OperatorCode();
    for (int i = 0; i < n; i++) {
      Operator op = sg.operators(new Operator(), i);
      long codeIndex = op.opcodeIndex();
      if (codeIndex >= codes) {
        throw new ModelException(
            "operator " + i + " uses opcode " + codeIndex + " but the model has " + codes);
      }
      model.operatorCodes(oc, (int) codeIndex);
      // Newer files put codes > 127 in builtin_code; older ones only the deprecated byte.
      int builtin = Math.max(oc.builtinCode(), oc.deprecatedBuiltinCode());
      String custom = null;
      if (builtin == BuiltinOperator.CUSTOM) {
        custom = oc.customCode() == null ? "" : oc.customCode();
      }
      String opName = custom != null ? custom : OpNames.name(builtin);
      String where = "operator " + i + " (" + opName + ")";
      int nin = op.inputsLength();
      if (nin > MAX_OP_OPERANDS) {
        throw new ModelException("malformed model: " + where + " has " + nin + " inputs");
      }
      int[] ins = new int[nin];
      for (int k = 0; k < nin; k++) {
        ins[k] = op.inputs(k);
        if (ins[k] < -1 || ins[k] >= tensorCount) {
          throw new ModelException(
              where + " input " + k + " is tensor " + ins[k] + " of " + tensorCount);
        }
      }
      int[] outs = indices(op.outputsLength(), op::outputs, tensorCount, where + " output");
      int[] inter =
          indices(op.intermediatesLength(), op::intermediates, tensorCount, where + " intermediate");
      nodes.add(new Node(i, builtin, custom, oc.version(), ins, outs, inter, op));
    }
    return nodes;
  }

  private static void checkExecutionOrder(
      List<TensorSpec> tensors, List<Node> nodes, int[] inputs, int[] outputs)
      throws ModelException {
    boolean[] ready = new boolean[tensors.size()];
    for (TensorSpec t : tensors) {
      // A tensor without elements holds nothing to read (e.g. an empty axis list).
      ready[t.index()] = t.isConstant() || t.isVariable() || t.elementCount() == 0;
    }
    for (int i : inputs) {
      ready[i] = true;
    }
    for (Node node : nodes) {
      for (int k = 0; k < node.inputs().length; k++) {
        int t = node.inputs()[k];
        if (t >= 0 && !ready[t]) {
          throw new ModelException(
              "operator "
                  + node.index()
                  + " ("
                  + node.opName()
                  + ") reads "
                  + tensors.get(t)
                  + " before any operator writes it (graph out of order or cyclic)");
        }
      }
      for (int t : node.outputs()) {
        if (tensors.get(t).isConstant()) {
          throw new ModelException(
              "operator " + node.index() + " (" + node.opName() + ") writes constant " + tensors.get(t));
        }
        ready[t] = true;
      }
    }
    for (int t : outputs) {
      if (!ready[t]) {
        throw new ModelException("subgraph output " + tensors.get(t) + " is never written");
      }
    }
  }

  private static List<Signature> readSignatures(Model model, int tensorCount)
      throws ModelException {
    List<Signature> list = new ArrayList<>();
    for (int i = 0; i < model.signatureDefsLength(); i++) {
      SignatureDef sd = model.signatureDefs(i);
      Map<String, Integer> in = new LinkedHashMap<>();
      Map<String, Integer> out = new LinkedHashMap<>();
      for (int k = 0; k < sd.inputsLength(); k++) {
        put(in, sd.inputs(k), tensorCount);
      }
      for (int k = 0; k < sd.outputsLength(); k++) {
        put(out, sd.outputs(k), tensorCount);
      }
      String key = sd.signatureKey() == null ? "signature_" + i : sd.signatureKey();
      list.add(
          new Signature(
              key,
              (int) sd.subgraphIndex(),
              Collections.unmodifiableMap(in),
              Collections.unmodifiableMap(out)));
    }
    return List.copyOf(list);
  }

  private static void put(Map<String, Integer> map, TensorMap tm, int tensorCount)
      throws ModelException {
    long idx = tm.tensorIndex();
    if (idx >= tensorCount) {
      throw new ModelException(
          "signature tensor '" + tm.name() + "' is tensor " + idx + " of " + tensorCount);
    }
    map.put(tm.name() == null ? "tensor_" + idx : tm.name(), (int) idx);
  }

  private static Map<String, ByteBuffer> readMetadata(Model model, ByteBuffer[] buffers) {
    Map<String, ByteBuffer> out = new LinkedHashMap<>();
    for (int i = 0; i < model.metadataLength(); i++) {
      var md = model.metadata(i);
      long b = md.buffer();
      if (md.name() != null && b < buffers.length && buffers[(int) b] != null) {
        out.put(md.name(), buffers[(int) b]);
      }
    }
    return out;
  }
}
