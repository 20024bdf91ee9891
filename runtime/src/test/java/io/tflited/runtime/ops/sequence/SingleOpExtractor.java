package io.tflited.runtime.ops.sequence;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.Model;
import io.tflited.runtime.model.fb.Operator;
import io.tflited.runtime.model.fb.OperatorCode;
import io.tflited.runtime.model.fb.QuantizationParameters;
import io.tflited.runtime.model.fb.SVDFOptions;
import io.tflited.runtime.model.fb.SubGraph;
import io.tflited.runtime.model.fb.Tensor;
import io.tflited.runtime.model.fb.UnidirectionalSequenceLSTMOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one LSTM or SVDF node out of a real model into a single-op model with the same weights,
 * quantization and options, so it can be compared against TFLite on its own.
 */
final class SingleOpExtractor {
  private SingleOpExtractor() {}

  static int builtinCode(Model m, Operator op) {
    OperatorCode oc = m.operatorCodes((int) op.opcodeIndex());
    return Math.max(oc.deprecatedBuiltinCode(), oc.builtinCode());
  }

  /** Indices of the operators of subgraph 0 with the given builtin code. */
  static List<Integer> find(ByteBuffer model, int code) {
    Model m = Model.getRootAsModel(model.duplicate().order(ByteOrder.LITTLE_ENDIAN));
    SubGraph g = m.subgraphs(0);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < g.operatorsLength(); i++) {
      if (builtinCode(m, g.operators(i)) == code) {
        out.add(i);
      }
    }
    return out;
  }

  private static Quantization quant(Tensor t) {
    QuantizationParameters q = t.quantization();
    if (q == null || q.scaleLength() == 0) {
      return Quantization.NONE;
    }
    float[] s = new float[q.scaleLength()];
    long[] z = new long[q.scaleLength()];
    for (int i = 0; i < s.length; i++) {
      s[i] = q.scale(i);
      z[i] = i < q.zeroPointLength() ? q.zeroPoint(i) : 0;
    }
    return new Quantization(s, z, q.quantizedDimension());
  }

  private static String name(Tensor t, int index) {
    return t.name() == null ? "t" + index : t.name();
  }

  private static int[] shape(Tensor t) {
    int[] s = new int[t.shapeLength()];
    for (int i = 0; i < s.length; i++) {
      s[i] = t.shape(i);
    }
    return s;
  }

  static ByteBuffer extract(ByteBuffer model, int opIndex) {
    Model m = Model.getRootAsModel(model.duplicate().order(ByteOrder.LITTLE_ENDIAN));
    SubGraph g = m.subgraphs(0);
    Operator op = g.operators(opIndex);
    int code = builtinCode(m, op);
    OperatorCode oc = m.operatorCodes((int) op.opcodeIndex());
    ModelBuilder b = new ModelBuilder();
    List<Integer> modelInputs = new ArrayList<>();
    int[] inputs = new int[op.inputsLength()];
    for (int i = 0; i < inputs.length; i++) {
      int ti = op.inputs(i);
      if (ti < 0) {
        inputs[i] = -1;
        continue;
      }
      Tensor t = g.tensors(ti);
      DataType type = DataType.fromCode(t.type());
      var buf = m.buffers((int) t.buffer());
      if (t.isVariable()) {
        inputs[i] = b.addVariable(name(t, ti), type, shape(t), quant(t));
      } else if (buf != null && buf.dataLength() > 0) {
        byte[] data = new byte[buf.dataLength()];
        buf.dataAsByteBuffer().get(data);
        inputs[i] = b.addConstant(name(t, ti), type, shape(t), quant(t), data);
      } else {
        inputs[i] = b.addTensor(name(t, ti), type, shape(t), quant(t));
        modelInputs.add(inputs[i]);
      }
    }
    int[] outputs = new int[op.outputsLength()];
    for (int i = 0; i < outputs.length; i++) {
      Tensor t = g.tensors(op.outputs(i));
      outputs[i] = b.addTensor(name(t, op.outputs(i)), DataType.fromCode(t.type()), shape(t), quant(t));
    }
    int[] intermediates = new int[op.intermediatesLength()];
    for (int i = 0; i < intermediates.length; i++) {
      Tensor t = g.tensors(op.intermediates(i));
      intermediates[i] = b.addTensor(name(t, op.intermediates(i)), DataType.fromCode(t.type()), shape(t), quant(t));
    }
    if (code == BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM) {
      var o = (UnidirectionalSequenceLSTMOptions) op.builtinOptions(new UnidirectionalSequenceLSTMOptions());
      b.addOperator(code, oc.version(), inputs, outputs, BuiltinOptions.UnidirectionalSequenceLSTMOptions,
          fbb -> UnidirectionalSequenceLSTMOptions.createUnidirectionalSequenceLSTMOptions(fbb,
              o.fusedActivationFunction(), o.cellClip(), o.projClip(), o.timeMajor(),
              o.asymmetricQuantizeInputs(), false),
          intermediates);
    } else if (code == BuiltinOperator.SVDF) {
      var o = (SVDFOptions) op.builtinOptions(new SVDFOptions());
      b.addOperator(code, oc.version(), inputs, outputs, BuiltinOptions.SVDFOptions,
          fbb -> SVDFOptions.createSVDFOptions(fbb, o.rank(), o.fusedActivationFunction(),
              o.asymmetricQuantizeInputs()));
    } else {
      throw new IllegalArgumentException("unsupported op " + code);
    }
    b.setInputs(modelInputs.stream().mapToInt(Integer::intValue).toArray()).setOutputs(outputs);
    return b.build();
  }
}
