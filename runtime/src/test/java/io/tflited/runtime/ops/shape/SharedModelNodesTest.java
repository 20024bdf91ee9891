package io.tflited.runtime.ops.shape;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.DataType;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ConcatenationOptions;
import io.tflited.runtime.model.fb.ReshapeOptions;
import io.tflited.runtime.model.fb.SplitOptions;
import io.tflited.runtime.model.fb.StridedSliceOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.SharedModels;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every shape-family node of the shared models, cut out as a single-op model with the same
 * tensors (shapes, types, quantization, constant operands) and options, and checked against
 * TFLite 2.4.1 on random inputs.
 */
class SharedModelNodesTest {
  static final String[] MODELS = {
    "google-coral-test_data/deeplab_mobilenet_edgetpu_slim_cityscapes_quant.tflite",
    "google-coral-test_data/tools/split_concat.tflite",
    "google-coral-test_data/mobilenet_v1_0.25_128_quant.tflite",
    "google-coral-test_data/mobilenet_v2_1.0_224_quant.tflite",
    "google-coral-test_data/tf2_mobilenet_v2_1.0_224_ptq.tflite",
    "google-coral-test_data/keras_lstm_mnist_ptq.tflite",
    "mlcommons-tiny/visual_wake_words/vww_96_float.tflite",
    "mlcommons-tiny/visual_wake_words/vww_96_int8.tflite",
    "mlcommons-tiny/image_classification/pretrainedResnet.tflite",
    "mlcommons-tiny/image_classification/pretrainedResnet_quant.tflite",
    "mlcommons-tiny/keyword_spotting/kws_ref_model.tflite",
    "mlcommons-tiny/keyword_spotting/kws_ref_model_float32.tflite",
  };

  @Test
  void shapeNodesOfSharedModelsMatchTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    int checked = 0;
    for (String name : MODELS) {
      Path root = SharedModels.root();
      if (root == null || !java.nio.file.Files.exists(root.resolve(name))) {
        continue;
      }
      ModelFile mf = ModelFile.open(root.resolve(name));
      for (Node node : mf.graph().nodes()) {
        byte[] single = extract(mf, node);
        if (single == null) {
          continue;
        }
        byte[][] inputs = Differential.randomInputs(OpHarness.inputInfos(single), node.index(), 5f);
        try {
          Differential.assertMatchesTfLite(single, inputs);
        } catch (AssertionError e) {
          throw new AssertionError(name + " node " + node.index() + " " + node.opName() + ": " + e.getMessage(), e);
        }
        checked++;
      }
    }
    System.out.println("SharedModelNodesTest: " + checked + " nodes checked");
    org.junit.jupiter.api.Assumptions.assumeTrue(checked > 0, "no shared models found");
    assertTrue(checked >= 1);
  }

  /** A single-op model of one node, or null when the node is not a shape op handled here. */
  static byte[] extract(ModelFile mf, Node node) {
    int code = node.builtinCode();
    var op = node.operator();
    ModelBuilder.OptionsWriter ow;
    int ot;
    switch (code) {
      case BuiltinOperator.CONCATENATION -> {
        ConcatenationOptions o = (ConcatenationOptions) op.builtinOptions(new ConcatenationOptions());
        int axis = o == null ? 0 : o.axis();
        byte act = o == null ? 0 : o.fusedActivationFunction();
        ot = BuiltinOptions.ConcatenationOptions;
        ow = fbb -> ConcatenationOptions.createConcatenationOptions(fbb, axis, act);
      }
      case BuiltinOperator.RESHAPE -> {
        ReshapeOptions o = (ReshapeOptions) op.builtinOptions(new ReshapeOptions());
        if (o == null) {
          ot = 0;
          ow = null;
        } else {
          int[] s = new int[o.newShapeLength()];
          for (int i = 0; i < s.length; i++) {
            s[i] = o.newShape(i);
          }
          ot = BuiltinOptions.ReshapeOptions;
          ow = fbb -> ReshapeOptions.createReshapeOptions(fbb, ReshapeOptions.createNewShapeVector(fbb, s));
        }
      }
      case BuiltinOperator.SPLIT -> {
        SplitOptions o = (SplitOptions) op.builtinOptions(new SplitOptions());
        int n = o.numSplits();
        ot = BuiltinOptions.SplitOptions;
        ow = fbb -> SplitOptions.createSplitOptions(fbb, n);
      }
      case BuiltinOperator.STRIDED_SLICE -> {
        StridedSliceOptions o = (StridedSliceOptions) op.builtinOptions(new StridedSliceOptions());
        int bm = o.beginMask();
        int em = o.endMask();
        int el = o.ellipsisMask();
        int na = o.newAxisMask();
        int sm = o.shrinkAxisMask();
        ot = BuiltinOptions.StridedSliceOptions;
        ow = fbb -> StridedSliceOptions.createStridedSliceOptions(fbb, bm, em, el, na, sm, false);
      }
      case BuiltinOperator.TILE, BuiltinOperator.PAD, BuiltinOperator.TRANSPOSE,
          BuiltinOperator.SQUEEZE -> {
        ot = 0;
        ow = null;
        if (code == BuiltinOperator.SQUEEZE) {
          return null; // options not replicated here
        }
      }
      default -> {
        return null;
      }
    }
    ModelBuilder b = new ModelBuilder();
    List<Integer> modelInputs = new ArrayList<>();
    int[] ins = new int[node.inputs().length];
    for (int i = 0; i < ins.length; i++) {
      TensorSpec t = mf.graph().tensors().get(node.inputs()[i]);
      if (t.type() == DataType.INT16) {
        return null; // the oracle's Java API has no int16; seanet goldens cover these
      }
      if (t.isConstant()) {
        ByteBuffer d = t.constantData();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        ins[i] = b.addConstant(t.name(), t.type(), t.shape(), t.quantization(), bytes);
      } else {
        ins[i] = b.addTensor(t.name(), t.type(), t.shape(), t.quantization());
        modelInputs.add(ins[i]);
      }
    }
    int[] outs = new int[node.outputs().length];
    for (int i = 0; i < outs.length; i++) {
      TensorSpec t = mf.graph().tensors().get(node.outputs()[i]);
      outs[i] = b.addTensor(t.name(), t.type(), t.shape(), t.quantization());
    }
    b.addOperator(code, node.version(), ins, outs, ot, ow);
    return b.setInputs(modelInputs.stream().mapToInt(Integer::intValue).toArray()).setOutputs(outs).buildBytes();
  }
}
