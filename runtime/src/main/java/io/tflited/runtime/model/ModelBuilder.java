package io.tflited.runtime.model;

import com.google.flatbuffers.FlatBufferBuilder;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Writes standard TFLite model files (schema 3) with one subgraph: the single-op models of
 * the differential tests, the daemon's built-in demo model, and the converter's output.
 *
 * <pre>{@code
 * ModelBuilder b = new ModelBuilder();
 * int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 4});
 * int y = b.addTensor("y", DataType.FLOAT32, new int[] {1, 4});
 * b.addOperator(BuiltinOperator.RELU, 1, new int[] {x}, new int[] {y});
 * b.setInputs(x).setOutputs(y);
 * ByteBuffer model = b.build();
 * }</pre>
 */
public final class ModelBuilder {
  /** Writes a builtin options table into the builder and returns its offset. */
  @FunctionalInterface
  public interface OptionsWriter extends ToIntFunction<FlatBufferBuilder> {}

  private record TensorDef(
      String name,
      DataType type,
      int[] shape,
      Quantization quantization,
      byte[] data,
      boolean variable,
      int[] shapeSignature) {}

  private record OpDef(
      int builtinCode,
      String customCode,
      int version,
      int[] inputs,
      int[] outputs,
      int optionsType,
      OptionsWriter options,
      byte[] customOptions,
      int[] intermediates) {}

  private record SignatureDefn(String key, Map<String, Integer> inputs, Map<String, Integer> outputs) {}

  private final List<TensorDef> tensors = new ArrayList<>();
  private final List<OpDef> ops = new ArrayList<>();
  private final List<SignatureDefn> signatures = new ArrayList<>();
  private final Map<String, byte[]> metadata = new LinkedHashMap<>();
  private final Map<Integer, float[][]> recordedRanges = new HashMap<>();
  private int[] inputs = new int[0];
  private int[] outputs = new int[0];
  private String description = "tflited";

  /** An activation tensor without quantization. */
  public int addTensor(String name, DataType type, int[] shape) {
    return addTensor(name, type, shape, Quantization.NONE);
  }

  /** An activation tensor. */
  public int addTensor(String name, DataType type, int[] shape, Quantization q) {
    tensors.add(new TensorDef(name, type, shape.clone(), q, null, false, null));
    return tensors.size() - 1;
  }

  /** An activation tensor with a shape signature (-1 marks a dimension that may vary). */
  public int addTensor(String name, DataType type, int[] shape, Quantization q, int[] signature) {
    tensors.add(new TensorDef(name, type, shape.clone(), q, null, false, signature.clone()));
    return tensors.size() - 1;
  }

  /** A constant tensor holding {@code data} (little-endian bytes). */
  public int addConstant(String name, DataType type, int[] shape, Quantization q, byte[] data) {
    tensors.add(new TensorDef(name, type, shape.clone(), q, data.clone(), false, null));
    return tensors.size() - 1;
  }

  /** An int32 constant (shapes, axes, paddings). */
  public int addInt32Constant(String name, int[] shape, int... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return addConstant(name, DataType.INT32, shape, Quantization.NONE, b.array());
  }

  /** A float32 constant. */
  public int addFloatConstant(String name, int[] shape, float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return addConstant(name, DataType.FLOAT32, shape, Quantization.NONE, b.array());
  }

  /** A variable tensor (LSTM/SVDF state), reset to zero (zero point for int8). */
  public int addVariable(String name, DataType type, int[] shape, Quantization q) {
    tensors.add(new TensorDef(name, type, shape.clone(), q, null, true, null));
    return tensors.size() - 1;
  }

  /** A builtin operator without options. */
  public ModelBuilder addOperator(int builtinCode, int version, int[] inputs, int[] outputs) {
    return addOperator(builtinCode, version, inputs, outputs, 0, null);
  }

  /**
   * A builtin operator; {@code optionsType} is the {@code BuiltinOptions} union tag and
   * {@code options} writes the table (e.g. {@code fbb -> Conv2DOptions.createConv2DOptions(...)}).
   */
  public ModelBuilder addOperator(
      int builtinCode,
      int version,
      int[] inputs,
      int[] outputs,
      int optionsType,
      OptionsWriter options) {
    ops.add(
        new OpDef(builtinCode, null, version, inputs.clone(), outputs.clone(), optionsType, options,
            null, new int[0]));
    return this;
  }

  /** A builtin operator with intermediate tensors (quantized LSTM). */
  public ModelBuilder addOperator(
      int builtinCode,
      int version,
      int[] inputs,
      int[] outputs,
      int optionsType,
      OptionsWriter options,
      int[] intermediates) {
    ops.add(
        new OpDef(builtinCode, null, version, inputs.clone(), outputs.clone(), optionsType, options,
            null, intermediates.clone()));
    return this;
  }

  /** A custom operator with flexbuffer options bytes (may be empty). */
  public ModelBuilder addCustomOperator(
      String name, int version, int[] inputs, int[] outputs, byte[] customOptions) {
    ops.add(
        new OpDef(BuiltinOperator.CUSTOM, name, version, inputs.clone(), outputs.clone(), 0, null,
            customOptions == null ? new byte[0] : customOptions.clone(), new int[0]));
    return this;
  }

  public ModelBuilder setInputs(int... tensorIndices) {
    this.inputs = tensorIndices.clone();
    return this;
  }

  public ModelBuilder setOutputs(int... tensorIndices) {
    this.outputs = tensorIndices.clone();
    return this;
  }

  public ModelBuilder setDescription(String d) {
    this.description = d;
    return this;
  }

  /** Adds a SignatureDef over subgraph 0. */
  public ModelBuilder addSignature(
      String key, Map<String, Integer> inputAliases, Map<String, Integer> outputAliases) {
    signatures.add(new SignatureDefn(key, new LinkedHashMap<>(inputAliases), new LinkedHashMap<>(outputAliases)));
    return this;
  }

  /**
   * Records the float range a quantized tensor was derived from (the {@code min} and {@code max}
   * arrays of its QuantizationParameters, one entry per channel), as TensorFlow's converter
   * writes them; interpreters ignore them, tools read them.
   */
  public ModelBuilder setRecordedRange(int tensor, float[] min, float[] max) {
    if (min.length != max.length) {
      throw new IllegalArgumentException(min.length + " mins but " + max.length + " maxes");
    }
    recordedRanges.put(tensor, new float[][] {min.clone(), max.clone()});
    return this;
  }

  /** The (builtin code, version) of every operator added so far, in order. */
  public List<int[]> operatorVersions() {
    List<int[]> out = new ArrayList<>(ops.size());
    for (OpDef op : ops) {
      out.add(new int[] {op.builtinCode(), op.version()});
    }
    return out;
  }

  /** Adds a named metadata entry (stored in its own buffer). */
  public ModelBuilder addMetadata(String name, byte[] data) {
    metadata.put(name, data.clone());
    return this;
  }

  /** Serializes the model; the result is little-endian, positioned at 0. */
  public ByteBuffer build() {
    FlatBufferBuilder fbb = new FlatBufferBuilder(1024);

    // Buffers: 0 is the empty sentinel; one per constant, then one per metadata entry.
    List<Integer> bufferOffsets = new ArrayList<>();
    Buffer.startBuffer(fbb);
    bufferOffsets.add(Buffer.endBuffer(fbb));
    int[] tensorBuffer = new int[tensors.size()];
    for (int i = 0; i < tensors.size(); i++) {
      TensorDef t = tensors.get(i);
      if (t.data() != null) {
        fbb.startVector(1, t.data().length, 16);
        for (int k = t.data().length - 1; k >= 0; k--) {
          fbb.addByte(t.data()[k]);
        }
        int vec = fbb.endVector();
        bufferOffsets.add(Buffer.createBuffer(fbb, vec, 0, 0));
        tensorBuffer[i] = bufferOffsets.size() - 1;
      }
    }
    List<int[]> metadataRefs = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : metadata.entrySet()) {
      int vec = Buffer.createDataVector(fbb, e.getValue());
      bufferOffsets.add(Buffer.createBuffer(fbb, vec, 0, 0));
      metadataRefs.add(new int[] {fbb.createString(e.getKey()), bufferOffsets.size() - 1});
    }

    int[] tensorOffsets = new int[tensors.size()];
    for (int i = 0; i < tensors.size(); i++) {
      TensorDef t = tensors.get(i);
      int name = fbb.createString(t.name());
      int shape = Tensor.createShapeVector(fbb, t.shape());
      int signature = t.shapeSignature() == null ? 0 : Tensor.createShapeSignatureVector(fbb, t.shapeSignature());
      int quant = 0;
      if (t.quantization().isQuantized()) {
        int scales = QuantizationParameters.createScaleVector(fbb, t.quantization().scales());
        int zps = QuantizationParameters.createZeroPointVector(fbb, t.quantization().zeroPoints());
        float[][] range = recordedRanges.get(i);
        int min = range == null ? 0 : QuantizationParameters.createMinVector(fbb, range[0]);
        int max = range == null ? 0 : QuantizationParameters.createMaxVector(fbb, range[1]);
        QuantizationParameters.startQuantizationParameters(fbb);
        if (range != null) {
          QuantizationParameters.addMin(fbb, min);
          QuantizationParameters.addMax(fbb, max);
        }
        QuantizationParameters.addScale(fbb, scales);
        QuantizationParameters.addZeroPoint(fbb, zps);
        QuantizationParameters.addQuantizedDimension(fbb, t.quantization().quantizedDimension());
        quant = QuantizationParameters.endQuantizationParameters(fbb);
      }
      Tensor.startTensor(fbb);
      Tensor.addShape(fbb, shape);
      Tensor.addType(fbb, (byte) t.type().code());
      Tensor.addBuffer(fbb, tensorBuffer[i]);
      Tensor.addName(fbb, name);
      if (quant != 0) {
        Tensor.addQuantization(fbb, quant);
      }
      Tensor.addIsVariable(fbb, t.variable());
      if (signature != 0) {
        Tensor.addShapeSignature(fbb, signature);
      }
      tensorOffsets[i] = Tensor.endTensor(fbb);
    }

    // Operator codes: one per distinct (code, custom name, version).
    List<String> codeKeys = new ArrayList<>();
    List<Integer> codeOffsets = new ArrayList<>();
    int[] opCodeIndex = new int[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      OpDef op = ops.get(i);
      String key = op.builtinCode() + "/" + op.customCode() + "/" + op.version();
      int idx = codeKeys.indexOf(key);
      if (idx < 0) {
        int custom = op.customCode() == null ? 0 : fbb.createString(op.customCode());
        OperatorCode.startOperatorCode(fbb);
        OperatorCode.addDeprecatedBuiltinCode(fbb, (byte) Math.min(op.builtinCode(), 127));
        if (custom != 0) {
          OperatorCode.addCustomCode(fbb, custom);
        }
        OperatorCode.addVersion(fbb, op.version());
        OperatorCode.addBuiltinCode(fbb, op.builtinCode());
        codeOffsets.add(OperatorCode.endOperatorCode(fbb));
        codeKeys.add(key);
        idx = codeKeys.size() - 1;
      }
      opCodeIndex[i] = idx;
    }

    int[] opOffsets = new int[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      OpDef op = ops.get(i);
      int ins = Operator.createInputsVector(fbb, op.inputs());
      int outs = Operator.createOutputsVector(fbb, op.outputs());
      int opts = op.options() == null ? 0 : op.options().applyAsInt(fbb);
      int custom = op.customOptions() == null ? 0 : Operator.createCustomOptionsVector(fbb, op.customOptions());
      int inter = op.intermediates().length == 0 ? 0 : Operator.createIntermediatesVector(fbb, op.intermediates());
      Operator.startOperator(fbb);
      Operator.addOpcodeIndex(fbb, opCodeIndex[i]);
      Operator.addInputs(fbb, ins);
      Operator.addOutputs(fbb, outs);
      if (opts != 0) {
        Operator.addBuiltinOptionsType(fbb, (byte) op.optionsType());
        Operator.addBuiltinOptions(fbb, opts);
      }
      if (custom != 0) {
        Operator.addCustomOptions(fbb, custom);
      }
      if (inter != 0) {
        Operator.addIntermediates(fbb, inter);
      }
      opOffsets[i] = Operator.endOperator(fbb);
    }

    int sgTensors = SubGraph.createTensorsVector(fbb, tensorOffsets);
    int sgInputs = SubGraph.createInputsVector(fbb, inputs);
    int sgOutputs = SubGraph.createOutputsVector(fbb, outputs);
    int sgOps = SubGraph.createOperatorsVector(fbb, opOffsets);
    int sgName = fbb.createString("main");
    SubGraph.startSubGraph(fbb);
    SubGraph.addTensors(fbb, sgTensors);
    SubGraph.addInputs(fbb, sgInputs);
    SubGraph.addOutputs(fbb, sgOutputs);
    SubGraph.addOperators(fbb, sgOps);
    SubGraph.addName(fbb, sgName);
    int subgraph = SubGraph.endSubGraph(fbb);

    int[] sigOffsets = new int[signatures.size()];
    for (int i = 0; i < signatures.size(); i++) {
      SignatureDefn s = signatures.get(i);
      int sin = SignatureDef.createInputsVector(fbb, tensorMaps(fbb, s.inputs()));
      int sout = SignatureDef.createOutputsVector(fbb, tensorMaps(fbb, s.outputs()));
      int key = fbb.createString(s.key());
      SignatureDef.startSignatureDef(fbb);
      SignatureDef.addInputs(fbb, sin);
      SignatureDef.addOutputs(fbb, sout);
      SignatureDef.addSignatureKey(fbb, key);
      SignatureDef.addSubgraphIndex(fbb, 0);
      sigOffsets[i] = SignatureDef.endSignatureDef(fbb);
    }
    int[] mdOffsets = new int[metadataRefs.size()];
    for (int i = 0; i < mdOffsets.length; i++) {
      mdOffsets[i] =
          io.tflited.runtime.model.fb.Metadata.createMetadata(
              fbb, metadataRefs.get(i)[0], metadataRefs.get(i)[1]);
    }

    int codes = Model.createOperatorCodesVector(fbb, codeOffsets.stream().mapToInt(Integer::intValue).toArray());
    int subgraphs = Model.createSubgraphsVector(fbb, new int[] {subgraph});
    int desc = fbb.createString(description);
    int buffers = Model.createBuffersVector(fbb, bufferOffsets.stream().mapToInt(Integer::intValue).toArray());
    int sigs = signatures.isEmpty() ? 0 : Model.createSignatureDefsVector(fbb, sigOffsets);
    int mds = mdOffsets.length == 0 ? 0 : Model.createMetadataVector(fbb, mdOffsets);
    Model.startModel(fbb);
    Model.addVersion(fbb, 3);
    Model.addOperatorCodes(fbb, codes);
    Model.addSubgraphs(fbb, subgraphs);
    Model.addDescription(fbb, desc);
    Model.addBuffers(fbb, buffers);
    if (sigs != 0) {
      Model.addSignatureDefs(fbb, sigs);
    }
    if (mds != 0) {
      Model.addMetadata(fbb, mds);
    }
    int model = Model.endModel(fbb);
    Model.finishModelBuffer(fbb, model);
    ByteBuffer data = fbb.dataBuffer();
    ByteBuffer out = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    out.put(data.duplicate());
    out.flip();
    return out;
  }

  /** The serialized model as bytes. */
  public byte[] buildBytes() {
    ByteBuffer b = build();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static int[] tensorMaps(FlatBufferBuilder fbb, Map<String, Integer> aliases) {
    int[] out = new int[aliases.size()];
    int i = 0;
    for (Map.Entry<String, Integer> e : aliases.entrySet()) {
      int name = fbb.createString(e.getKey());
      out[i++] = TensorMap.createTensorMap(fbb, name, e.getValue());
    }
    return out;
  }
}
