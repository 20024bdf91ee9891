package io.tflited.converter.keras;

import static io.tflited.converter.keras.LittleEndianFloats.bytes;
import static io.tflited.converter.keras.LittleEndianFloats.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small Keras models written in both containers by {@link SyntheticKeras}, covering every supported
 * layer: the fused conversion must equal the unfused one (every batch norm as MUL + ADD, every
 * activation its own op) in TFLite 2.4.1 and tflited, both containers must give the same file, and
 * both must equal an independent float64 evaluation of the Keras layers ({@link KerasReference}),
 * which checks the weight layouts (OHWI, depthwise multiplier, separable, dilation) as well as the
 * fusions.
 */
class KerasSyntheticTest {
  @TempDir Path dir;

  private static ObjectNode conv(
      SyntheticKeras k,
      int filters,
      int kernel,
      int stride,
      String padding,
      String activation,
      boolean bias) {
    ObjectNode c = k.cfg();
    c.put("filters", filters);
    c.putArray("kernel_size").add(kernel).add(kernel);
    c.putArray("strides").add(stride).add(stride);
    c.put("padding", padding);
    c.put("activation", activation);
    c.put("use_bias", bias);
    c.put("data_format", "channels_last");
    return c;
  }

  private static ObjectNode bn(SyntheticKeras k, boolean center) {
    ObjectNode c = k.cfg();
    c.putArray("axis").add(3);
    c.put("epsilon", 0.001);
    c.put("center", center);
    c.put("scale", true);
    return c;
  }

  /**
   * Every supported layer in one functional graph: input 1x9x9x3, outputs 1x3 (dense_1) and the
   * 1x5x4x9 feature map of max_pooling2d, so that every feature-map element is compared, not just a
   * pooled summary.
   */
  static SyntheticKeras allLayers() {
    SyntheticKeras k = new SyntheticKeras(7);
    ObjectNode in = k.cfg();
    in.putArray("batch_input_shape").addNull().add(9).add(9).add(3);
    String x = k.add("InputLayer", "input_1", in, List.of());
    ObjectNode zp = k.cfg();
    zp.putArray("padding")
        .add(k.cfg().arrayNode().add(1).add(1))
        .add(k.cfg().arrayNode().add(0).add(1));
    x = k.add("ZeroPadding2D", "zero_padding2d", zp, List.of(x));
    String c1 =
        k.add(
            "Conv2D",
            "conv2d",
            conv(k, 4, 3, 2, "valid", "relu", true),
            List.of(x),
            "kernel",
            new int[] {3, 3, 3, 4},
            "bias",
            new int[] {4});
    ObjectNode dwc = conv(k, 0, 3, 1, "same", "linear", false);
    dwc.remove("filters");
    dwc.put("depth_multiplier", 2);
    x =
        k.add(
            "DepthwiseConv2D",
            "depthwise_conv2d",
            dwc,
            List.of(c1),
            "depthwise_kernel",
            new int[] {3, 3, 4, 2});
    x =
        k.add(
            "BatchNormalization",
            "batch_normalization",
            bn(k, true),
            List.of(x),
            "gamma",
            new int[] {8},
            "beta",
            new int[] {8},
            "moving_mean",
            new int[] {8},
            "moving_variance",
            new int[] {8});
    ObjectNode relu6 = k.cfg();
    relu6.put("max_value", 6.0);
    relu6.put("negative_slope", 0.0);
    relu6.put("threshold", 0.0);
    x = k.add("ReLU", "re_lu", relu6, List.of(x));
    ObjectNode sep = conv(k, 5, 3, 1, "same", "linear", true);
    sep.put("depth_multiplier", 1);
    x =
        k.add(
            "SeparableConv2D",
            "separable_conv2d",
            sep,
            List.of(x),
            "depthwise_kernel",
            new int[] {3, 3, 8, 1},
            "pointwise_kernel",
            new int[] {1, 1, 8, 5},
            "bias",
            new int[] {5});
    x =
        k.add(
            "BatchNormalization",
            "batch_normalization_1",
            bn(k, false),
            List.of(x),
            "gamma",
            new int[] {5},
            "moving_mean",
            new int[] {5},
            "moving_variance",
            new int[] {5});
    ObjectNode relu = k.cfg();
    relu.put("activation", "relu");
    String a1 = k.add("Activation", "activation", relu, List.of(x));
    ObjectNode dil = conv(k, 5, 3, 1, "same", "linear", false);
    dil.putArray("dilation_rate").add(2).add(2);
    String d = k.add("Conv2D", "conv2d_1", dil, List.of(c1), "kernel", new int[] {3, 3, 4, 5});
    x = k.add("Add", "add", k.cfg(), List.of(a1, d));
    x =
        k.add(
            "BatchNormalization",
            "batch_normalization_2",
            bn(k, true),
            List.of(x),
            "gamma",
            new int[] {5},
            "beta",
            new int[] {5},
            "moving_mean",
            new int[] {5},
            "moving_variance",
            new int[] {5});
    ObjectNode r6 = k.cfg();
    r6.put("activation", "relu6");
    x = k.add("Activation", "activation_1", r6, List.of(x));
    ObjectNode cat = k.cfg();
    cat.put("axis", -1);
    x = k.add("Concatenate", "concatenate", cat, List.of(x, c1));
    ObjectNode mp = k.cfg();
    mp.putArray("pool_size").add(2).add(2);
    mp.putArray("strides").add(1).add(1);
    mp.put("padding", "same");
    x = k.add("MaxPooling2D", "max_pooling2d", mp, List.of(x));
    String features = x;
    ObjectNode ap = k.cfg();
    ap.putArray("pool_size").add(2).add(2);
    ap.putNull("strides");
    ap.put("padding", "valid");
    x = k.add("AveragePooling2D", "average_pooling2d", ap, List.of(x));
    ObjectNode dr = k.cfg();
    dr.put("rate", 0.5);
    x = k.add("Dropout", "dropout", dr, List.of(x));
    x = k.add("GlobalAveragePooling2D", "global_average_pooling2d", k.cfg(), List.of(x));
    ObjectNode d1 = k.cfg();
    d1.put("units", 6);
    d1.put("activation", "tanh");
    d1.put("use_bias", true);
    x = k.add("Dense", "dense", d1, List.of(x), "kernel", new int[] {9, 6}, "bias", new int[] {6});
    ObjectNode rs = k.cfg();
    rs.putArray("target_shape").add(2).add(-1);
    x = k.add("Reshape", "reshape", rs, List.of(x));
    ObjectNode sm = k.cfg();
    sm.put("axis", -1);
    x = k.add("Softmax", "softmax", sm, List.of(x));
    x = k.add("Flatten", "flatten", k.cfg(), List.of(x));
    ObjectNode d2 = k.cfg();
    d2.put("units", 3);
    d2.put("activation", "sigmoid");
    d2.put("use_bias", true);
    k.add("Dense", "dense_1", d2, List.of(x), "kernel", new int[] {6, 3}, "bias", new int[] {3});
    k.outputs.add("dense_1");
    k.outputs.add(features);
    return k;
  }

  @Test
  void everyLayerFusedEqualsUnfusedAndKerasInTfLiteAndTflited() throws Exception {
    TfLiteOracle.assumeAvailable();
    SyntheticKeras k = allLayers();
    Path h5 = dir.resolve("all.h5");
    Path keras = dir.resolve("all.keras");
    k.writeH5(h5);
    k.writeKeras(keras);
    KerasConverter.Conversion fused = KerasConverter.convert(KerasModel.read(h5), true);
    KerasConverter.Conversion unfused = KerasConverter.convert(KerasModel.read(h5), false);
    assertArrayEquals(
        fused.model(),
        KerasConverter.convert(KerasModel.read(keras)),
        ".h5 and .keras of the same model must convert to the same file");

    // batch_normalization and _1 fold into their convolutions; _2 follows an ADD and stays.
    assertEquals(2, fused.batchNormsFolded());
    // conv2d's own relu, re_lu (RELU6), activation (RELU) and activation_1 (RELU6 into the
    // unfolded batch norm's ADD); dense's tanh and dense_1's sigmoid stay ops.
    assertEquals(4, fused.activationsFused());
    CompiledModel f =
        CompiledModel.fromBuffer(ByteBuffer.wrap(fused.model()), InterpreterOptions.defaults());
    CompiledModel u =
        CompiledModel.fromBuffer(ByteBuffer.wrap(unfused.model()), InterpreterOptions.defaults());
    Map<String, Integer> ops = f.opHistogram();
    assertEquals(
        "{ADD v1=2, AVERAGE_POOL_2D v1=1, CONCATENATION v1=1, CONV_2D v1=3, DEPTHWISE_CONV_2D v1=2,"
            + " FULLY_CONNECTED v1=2, LOGISTIC v1=1, MAX_POOL_2D v1=1, MEAN v1=1, MUL v1=1, PAD"
            + " v1=1, RESHAPE v1=2, SOFTMAX v1=1, TANH v1=1}",
        new java.util.TreeMap<>(ops).toString());
    assertEquals(List.of(1, 3), toList(f.outputs().get(0).shape()));
    assertEquals(List.of(1, 5, 4, 9), toList(f.outputs().get(1).shape()));
    for (long seed = 1; seed <= 5; seed++) {
      byte[][] inputs = Differential.randomInputs(f.inputs(), seed, 2);
      byte[][] expected = TfLiteOracle.run(unfused.model(), inputs);
      Differential.assertOutputsMatch(
          f.outputs(),
          expected,
          TfLiteOracle.run(fused.model(), inputs),
          "fused in TFLite 2.4.1, seed " + seed + ": ");
      Differential.assertOutputsMatch(
          f.outputs(),
          expected,
          Differential.run(f, inputs),
          "fused in tflited, seed " + seed + ": ");
      Differential.assertOutputsMatch(
          u.outputs(),
          expected,
          Differential.run(u, inputs),
          "unfused in tflited, seed " + seed + ": ");
      KerasModel model = KerasModel.read(h5);
      byte[][] reference = {
        bytes(KerasReference.evaluate(model, floats(inputs[0]), 0)),
        bytes(KerasReference.evaluate(model, floats(inputs[0]), 1))
      };
      Differential.assertOutputsMatch(
          f.outputs(),
          reference,
          TfLiteOracle.run(fused.model(), inputs),
          "fused in TFLite 2.4.1 vs float64 Keras layers, seed " + seed + ": ");
    }
  }

  private static List<Integer> toList(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }

  @Test
  void sequentialDenseBatchNormMatchesKerasMath() throws Exception {
    TfLiteOracle.assumeAvailable();
    SyntheticKeras k = new SyntheticKeras(11);
    k.sequential = true;
    ObjectNode in = k.cfg();
    in.putArray("batch_input_shape").addNull().add(8);
    k.add("InputLayer", "input_1", in, List.of());
    ObjectNode d = k.cfg();
    d.put("units", 16);
    d.put("activation", "linear");
    d.put("use_bias", true);
    k.add("Dense", "dense", d, List.of(), "kernel", new int[] {8, 16}, "bias", new int[] {16});
    ObjectNode b = k.cfg();
    b.putArray("axis").add(1);
    b.put("epsilon", 0.001);
    k.add(
        "BatchNormalization",
        "batch_normalization",
        b,
        List.of(),
        "gamma",
        new int[] {16},
        "beta",
        new int[] {16},
        "moving_mean",
        new int[] {16},
        "moving_variance",
        new int[] {16});
    ObjectNode r = k.cfg();
    r.put("activation", "relu");
    k.add("Activation", "activation", r, List.of());
    k.add("Dropout", "dropout", k.cfg().put("rate", 0.2), List.of());
    ObjectNode d2 = k.cfg();
    d2.put("units", 4);
    d2.put("activation", "softmax");
    d2.put("use_bias", true);
    k.add("Dense", "dense_1", d2, List.of(), "kernel", new int[] {16, 4}, "bias", new int[] {4});
    Path h5 = dir.resolve("seq.h5");
    k.writeH5(h5);
    KerasModel model = KerasModel.read(h5);
    KerasConverter.Conversion c = KerasConverter.convertWithStats(model);
    assertEquals(1, c.batchNormsFolded());
    assertEquals(1, c.activationsFused());
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(c.model()), InterpreterOptions.defaults());
    assertEquals(
        "{FULLY_CONNECTED v1=2, SOFTMAX v1=1}",
        new java.util.TreeMap<>(m.opHistogram()).toString());
    for (long seed = 1; seed <= 5; seed++) {
      byte[][] inputs = Differential.randomInputs(m.inputs(), seed, 3);
      ByteBuffer bb = ByteBuffer.wrap(inputs[0]).order(ByteOrder.LITTLE_ENDIAN);
      float[] x = new float[8];
      for (int i = 0; i < 8; i++) {
        x[i] = bb.getFloat();
      }
      float[] want = KerasReference.evaluate(model, x);
      ByteBuffer wb = ByteBuffer.allocate(want.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : want) {
        wb.putFloat(v);
      }
      byte[][] expected = {wb.array()};
      Differential.assertOutputsMatch(
          m.outputs(), expected, TfLiteOracle.run(c.model(), inputs), "TFLite: ");
      Differential.assertOutputsMatch(
          m.outputs(), expected, Differential.run(m, inputs), "tflited: ");
    }
  }

  /** Dense on a rank-3 input (FULLY_CONNECTED keep_num_dims) and Concatenate on axis 1. */
  @Test
  void denseOnRank3AndConcatenateOnAxis1MatchKeras() throws Exception {
    TfLiteOracle.assumeAvailable();
    SyntheticKeras k = new SyntheticKeras(5);
    ObjectNode in = k.cfg();
    in.putArray("batch_input_shape").addNull().add(4).add(6);
    String x = k.add("InputLayer", "input_1", in, List.of());
    ObjectNode d = k.cfg();
    d.put("units", 5);
    d.put("activation", "relu");
    d.put("use_bias", true);
    String a =
        k.add("Dense", "dense", d, List.of(x), "kernel", new int[] {6, 5}, "bias", new int[] {5});
    ObjectNode d2 = d.deepCopy();
    d2.put("activation", "linear");
    String b =
        k.add(
            "Dense", "dense_1", d2, List.of(x), "kernel", new int[] {6, 5}, "bias", new int[] {5});
    x = k.add("Concatenate", "concatenate", k.cfg().put("axis", 1), List.of(a, b));
    x = k.add("Flatten", "flatten", k.cfg(), List.of(x));
    ObjectNode d3 = k.cfg();
    d3.put("units", 2);
    d3.put("activation", "softmax");
    d3.put("use_bias", true);
    k.add("Dense", "dense_2", d3, List.of(x), "kernel", new int[] {40, 2}, "bias", new int[] {2});
    Path p = dir.resolve("seq3.keras");
    k.writeKeras(p);
    KerasModel model = KerasModel.read(p);
    byte[] converted = KerasConverter.convert(model);
    CompiledModel m =
        CompiledModel.fromBuffer(ByteBuffer.wrap(converted), InterpreterOptions.defaults());
    assertEquals(
        "{CONCATENATION v1=1, FULLY_CONNECTED v1=1, FULLY_CONNECTED v5=2, RESHAPE v1=1, SOFTMAX"
            + " v1=1}",
        new java.util.TreeMap<>(m.opHistogram()).toString());
    for (long seed = 1; seed <= 5; seed++) {
      byte[][] inputs = Differential.randomInputs(m.inputs(), seed, 2);
      byte[][] expected = {bytes(KerasReference.evaluate(model, floats(inputs[0])))};
      Differential.assertOutputsMatch(
          m.outputs(), expected, TfLiteOracle.run(converted, inputs), "TFLite: ");
      Differential.assertOutputsMatch(
          m.outputs(), expected, Differential.run(m, inputs), "tflited: ");
    }
  }

  @Test
  void unsupportedLayerIsNamed() throws Exception {
    SyntheticKeras k = new SyntheticKeras(3);
    ObjectNode in = k.cfg();
    in.putArray("batch_input_shape").addNull().add(4).add(2);
    String x = k.add("InputLayer", "input_1", in, List.of());
    ObjectNode lstm = k.cfg();
    lstm.put("units", 3);
    k.add("LSTM", "lstm_7", lstm, List.of(x));
    Path h5 = dir.resolve("lstm.h5");
    k.writeH5(h5);
    KerasModel m = KerasModel.read(h5);
    ConversionException e =
        assertThrows(ConversionException.class, () -> KerasConverter.convert(m));
    assertTrue(
        e.getMessage().contains("LSTM") && e.getMessage().contains("lstm_7"), e.getMessage());
  }

  @Test
  void notAKerasFileIsRejected() throws Exception {
    Path p = dir.resolve("x.h5");
    java.nio.file.Files.write(p, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    ConversionException e = assertThrows(ConversionException.class, () -> KerasModel.read(p));
    assertTrue(e.getMessage().contains("neither"), e.getMessage());
  }
}
