package io.tflited.runtime.ops.conv;

import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.Conv2DOptions;
import io.tflited.runtime.model.fb.DepthwiseConv2DOptions;
import io.tflited.runtime.model.fb.Model;
import io.tflited.runtime.model.fb.Operator;
import io.tflited.runtime.model.fb.Pool2DOptions;
import io.tflited.runtime.model.fb.QuantizationParameters;
import io.tflited.runtime.model.fb.SubGraph;
import io.tflited.runtime.model.fb.Tensor;
import io.tflited.runtime.testing.SharedModels;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every conv-family layer of the shared models, cut out as a single-op model with its real
 * weights, quantization and options, run on random inputs in tflited and TFLite 2.4.1.
 */
class RealLayersTest {
  @ParameterizedTest
  @ValueSource(strings = {
    "google-coral-test_data/mobilenet_v1_0.25_128_quant.tflite",
    "google-coral-test_data/mobilenet_v2_1.0_224_quant.tflite",
    "google-coral-test_data/tf2_mobilenet_v2_1.0_224_ptq.tflite",
    "mlcommons-tiny/visual_wake_words/vww_96_int8.tflite",
    "mlcommons-tiny/visual_wake_words/vww_96_float.tflite",
    "mlcommons-tiny/image_classification/pretrainedResnet.tflite",
    "mlcommons-tiny/image_classification/pretrainedResnet_quant.tflite",
    "mlcommons-tiny/keyword_spotting/kws_ref_model.tflite",
    "mlcommons-tiny/keyword_spotting/kws_ref_model_float32.tflite",
    "tflite-micro/person_detection/person_detect.tflite",
  })
  void everyConvLayerMatchesTfLite(String path) throws Exception {
    checkLayers(path);
  }

  static void checkLayers(String path) throws Exception {
    TfLiteOracle.assumeAvailable();
    byte[] bytes = Files.readAllBytes(SharedModels.require(path));
    Model model = Model.getRootAsModel(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
    SubGraph sg = model.subgraphs(0);
    int checked = 0;
    for (int i = 0; i < sg.operatorsLength(); i++) {
      Operator op = sg.operators(i);
      var code = model.operatorCodes((int) op.opcodeIndex());
      int builtin = Math.max(code.builtinCode(), code.deprecatedBuiltinCode());
      if (builtin != BuiltinOperator.CONV_2D && builtin != BuiltinOperator.DEPTHWISE_CONV_2D
          && builtin != BuiltinOperator.AVERAGE_POOL_2D
          && builtin != BuiltinOperator.MAX_POOL_2D) {
        continue;
      }
      ModelBuilder b = new ModelBuilder();
      int[] ins = new int[op.inputsLength()];
      for (int k = 0; k < ins.length; k++) {
        ins[k] = copyTensor(b, model, sg.tensors(op.inputs(k)), k > 0);
      }
      int out = copyTensor(b, model, sg.tensors(op.outputs(0)), false);
      switch (builtin) {
        case BuiltinOperator.CONV_2D -> {
          Conv2DOptions o = (Conv2DOptions) op.builtinOptions(new Conv2DOptions());
          b.addOperator(builtin, code.version(), ins, new int[] {out},
              BuiltinOptions.Conv2DOptions, fbb -> Conv2DOptions.createConv2DOptions(fbb,
                  o.padding(), o.strideW(), o.strideH(), o.fusedActivationFunction(),
                  o.dilationWFactor(), o.dilationHFactor(), (byte) 0));
        }
        case BuiltinOperator.DEPTHWISE_CONV_2D -> {
          DepthwiseConv2DOptions o =
              (DepthwiseConv2DOptions) op.builtinOptions(new DepthwiseConv2DOptions());
          b.addOperator(builtin, code.version(), ins, new int[] {out},
              BuiltinOptions.DepthwiseConv2DOptions,
              fbb -> DepthwiseConv2DOptions.createDepthwiseConv2DOptions(fbb, o.padding(),
                  o.strideW(), o.strideH(), o.depthMultiplier(), o.fusedActivationFunction(),
                  o.dilationWFactor(), o.dilationHFactor()));
        }
        default -> {
          Pool2DOptions o = (Pool2DOptions) op.builtinOptions(new Pool2DOptions());
          b.addOperator(builtin, code.version(), ins, new int[] {out},
              BuiltinOptions.Pool2DOptions, fbb -> Pool2DOptions.createPool2DOptions(fbb,
                  o.padding(), o.strideW(), o.strideH(), o.filterWidth(), o.filterHeight(),
                  o.fusedActivationFunction()));
        }
      }
      b.setInputs(ins[0]).setOutputs(out);
      ConvTestSupport.check(b, i, path + " node " + i + " (" + BuiltinOperator.name(builtin) + ")");
      checked++;
    }
    org.junit.jupiter.api.Assertions.assertTrue(checked > 0);
  }

  /** Copies a tensor; constants keep their data. A lone scale on dimension != 0 (person_detect) becomes per-tensor. */
  private static int copyTensor(ModelBuilder b, Model m, Tensor t, boolean constant) {
    int[] shape = new int[t.shapeLength()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = t.shape(i);
    }
    DataType type = DataType.fromCode(t.type());
    Quantization q = Quantization.NONE;
    QuantizationParameters qp = t.quantization();
    if (qp != null && qp.scaleLength() > 0) {
      float[] s = new float[qp.scaleLength()];
      long[] z = new long[qp.zeroPointLength()];
      for (int i = 0; i < s.length; i++) {
        s[i] = qp.scale(i);
      }
      for (int i = 0; i < z.length; i++) {
        z[i] = qp.zeroPoint(i);
      }
      q = new Quantization(s, z,
          s.length == 1 || qp.quantizedDimension() >= shape.length ? 0 : qp.quantizedDimension());
    }
    var buf = m.buffers((int) t.buffer());
    ByteBuffer data = buf == null ? null : buf.dataAsByteBuffer();
    if (constant && data != null && data.remaining() > 0) {
      byte[] d = new byte[data.remaining()];
      data.duplicate().get(d);
      return b.addConstant(t.name(), type, shape, q, d);
    }
    return b.addTensor(t.name(), type, shape, q);
  }
}
