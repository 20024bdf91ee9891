package io.tflited.converter.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.AddOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.Model;
import io.tflited.runtime.model.fb.QuantizationParameters;
import io.tflited.runtime.model.fb.SubGraph;
import io.tflited.runtime.model.fb.Tensor;
import io.tflited.runtime.model.fb.TensorType;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ConcatenationOptions;
import io.tflited.runtime.model.fb.Conv2DOptions;
import io.tflited.runtime.model.fb.DepthwiseConv2DOptions;
import io.tflited.runtime.model.fb.FullyConnectedOptions;
import io.tflited.runtime.model.fb.MulOptions;
import io.tflited.runtime.model.fb.Padding;
import io.tflited.runtime.model.fb.Pool2DOptions;
import io.tflited.runtime.model.fb.ReducerOptions;
import io.tflited.runtime.model.fb.ReshapeOptions;
import io.tflited.runtime.model.fb.SoftmaxOptions;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Quantization rules on small hand-built graphs covering operators the shared models do not use
 * (CONCATENATION with different input ranges, MAX_POOL_2D, PAD, LOGISTIC, TANH, MUL and ADD with
 * constants, MEAN, RESHAPE with options), and the parameter arithmetic itself.
 */
class QuantizeOpsTest {

  @Test
  void asymmetricParametersIncludeZeroAndNudgeTheZeroPoint() {
    Quantization q = FullIntegerQuantizer.asymmetric(0f, 6f);
    assertEquals(6f / 255, q.scale(), 1e-9);
    assertEquals(-128, q.zeroPoint());
    q = FullIntegerQuantizer.asymmetric(2f, 5f); // widened to [0, 5]
    assertEquals(5f / 255, q.scale(), 1e-9);
    assertEquals(-128, q.zeroPoint());
    q = FullIntegerQuantizer.asymmetric(-4f, -1f); // widened to [-4, 0]
    assertEquals(127, q.zeroPoint());
    q = FullIntegerQuantizer.asymmetric(-1f, 1f);
    assertEquals(-1, q.zeroPoint()); // -128 + 127.5 rounds half away from zero (TfLiteRound)
    // 0.0 is exactly representable: scale * (q - zp) == 0 at q == zp
    q = FullIntegerQuantizer.asymmetric(-0.3f, 2.2f);
    double zeroAsReal = (0 / q.scale()) + q.zeroPoint();
    assertEquals(Math.rint(zeroAsReal), zeroAsReal);
  }

  @Test
  void perSampleRangesAreCombinedByMethod() {
    float[] mins = new float[11];
    float[] maxes = new float[11];
    for (int i = 0; i < 11; i++) {
      mins[i] = -(i + 1);
      maxes[10 - i] = i + 1; // unsorted on purpose
    }
    assertArrayEquals(
        new float[] {-11, 11}, Calibrator.combine(mins, maxes, Calibrator.Method.MINMAX));
    assertArrayEquals(
        new float[] {-6, 6}, Calibrator.combine(mins, maxes, Calibrator.Method.MEAN));
    // 90th percentile of 1..11 is the 10th value; the most extreme sample is left out
    assertArrayEquals(
        new float[] {-10, 10}, Calibrator.combine(mins, maxes, Calibrator.Method.PERCENTILE));
    assertEquals(1.8f, Calibrator.quantile(new float[] {0, 1, 2}, 0.9), 1e-6);
    // one sample: every method gives its range
    for (Calibrator.Method m : Calibrator.Method.values()) {
      assertArrayEquals(
          new float[] {-2, 3}, Calibrator.combine(new float[] {-2}, new float[] {3}, m));
    }
    assertEquals(Calibrator.Method.PERCENTILE, Calibrator.Method.DEFAULT);
  }

  @Test
  void symmetricPerChannelWeights() {
    // shape [2, 3]: channel 0 max |w| = 2, channel 1 max |w| = 0.5
    float[] w = {1f, -2f, 0.5f, 0.25f, -0.5f, 0f};
    // 1 / (2 / 127) = 63.5 -> 64 and 0.5 / (2 / 127) = 31.75 -> 32
    WeightQuantizer.Quantized q = WeightQuantizer.symmetric(w, new int[] {2, 3}, 0);
    assertArrayEquals(new float[] {2f / 127, 0.5f / 127}, q.scales(), 1e-9f);
    assertArrayEquals(new byte[] {64, -127, 32, 64, -127, 0}, q.values());
    assertEquals(0, q.quantization().quantizedDimension());
    // along the last dimension (depthwise [1, H, W, C])
    q = WeightQuantizer.symmetric(w, new int[] {1, 2, 3}, 2);
    assertEquals(3, q.scales().length);
    assertEquals(1f / 127, q.scales()[0], 1e-9f);
    // an all-zero channel gets scale 1, not 0
    q = WeightQuantizer.symmetric(new float[] {0f, 0f}, new int[] {2, 1}, 0);
    assertArrayEquals(new float[] {1f, 1f}, q.scales());
    WeightQuantizer.Quantized b =
        WeightQuantizer.bias(new float[] {1f, -1f}, 0.5f, new float[] {0.01f, 0.02f});
    assertEquals(
        200, ByteBuffer.wrap(b.values()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0));
    assertEquals(
        -100, ByteBuffer.wrap(b.values()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4));
  }

  /**
   * A channel whose weights are ~0 but whose bias is not (vww_96 has hundreds) gets its range
   * widened until the bias fits in half the int32 range, as TFLite's converter does; quantizing
   * with max|w| alone would clip the bias to int32 and lose the channel's output.
   */
  @Test
  void nearZeroChannelIsWidenedSoItsBiasFitsInInt32() {
    float[] w = {1e-30f, -2e-30f, 0.5f, -1f};
    float[] bias = {0.75f, 0.25f};
    float inputScale = 0.02f;
    WeightQuantizer.Quantized q = WeightQuantizer.symmetric(w, new int[] {2, 2}, 0, bias, inputScale);
    float widened = (float) (2.0 * 0.75f / Integer.MAX_VALUE * (127 / inputScale));
    assertEquals(widened, q.max()[0]);
    assertEquals(-widened, q.min()[0]);
    assertEquals(widened / 127, q.scales()[0]);
    assertEquals(1f / 127, q.scales()[1]); // a channel whose bias fits keeps max|w|
    assertArrayEquals(new byte[] {0, 0, 64, -127}, q.values());
    WeightQuantizer.Quantized b = WeightQuantizer.bias(bias, inputScale, q.scales());
    int quantizedBias = ByteBuffer.wrap(b.values()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0);
    assertTrue(
        quantizedBias > Integer.MAX_VALUE / 4 && quantizedBias < Integer.MAX_VALUE,
        "bias " + quantizedBias + " is represented, not clipped");
    // per tensor: the largest |bias| decides
    q = WeightQuantizer.symmetric(new float[] {1e-30f, 0f}, new int[] {2, 1}, -1, bias, inputScale);
    assertEquals(widened / 127, q.scales()[0]);
  }

  /** A float graph exercising the non-trivial rules; two outputs. */
  static byte[] floatGraph(long seed) {
    Random r = new Random(seed);
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 8, 8, 3});
    int cw = b.addFloatConstant("conv_w", new int[] {4, 3, 3, 3}, rand(r, 108, 0.5f));
    int cb = b.addFloatConstant("conv_b", new int[] {4}, rand(r, 4, 0.2f));
    int c1 = b.addTensor("conv", DataType.FLOAT32, new int[] {1, 8, 8, 4});
    b.addOperator(
        BuiltinOperator.CONV_2D,
        1,
        new int[] {x, cw, cb},
        new int[] {c1},
        BuiltinOptions.Conv2DOptions,
        fbb ->
            Conv2DOptions.createConv2DOptions(
                fbb, Padding.SAME, 1, 1, ActivationFunctionType.RELU6, 1, 1, (byte) 0));
    int dw = b.addFloatConstant("dw_w", new int[] {1, 3, 3, 3}, rand(r, 27, 1f));
    int db = b.addFloatConstant("dw_b", new int[] {3}, rand(r, 3, 0.5f));
    int d1 = b.addTensor("dw", DataType.FLOAT32, new int[] {1, 8, 8, 3});
    b.addOperator(
        BuiltinOperator.DEPTHWISE_CONV_2D,
        1,
        new int[] {x, dw, db},
        new int[] {d1},
        BuiltinOptions.DepthwiseConv2DOptions,
        fbb ->
            DepthwiseConv2DOptions.createDepthwiseConv2DOptions(
                fbb, Padding.SAME, 1, 1, 1, ActivationFunctionType.NONE, 1, 1));
    int cat = b.addTensor("cat", DataType.FLOAT32, new int[] {1, 8, 8, 7});
    b.addOperator(
        BuiltinOperator.CONCATENATION,
        1,
        new int[] {c1, d1},
        new int[] {cat},
        BuiltinOptions.ConcatenationOptions,
        fbb ->
            ConcatenationOptions.createConcatenationOptions(fbb, 3, ActivationFunctionType.NONE));
    int mp = b.addTensor("maxpool", DataType.FLOAT32, new int[] {1, 4, 4, 7});
    b.addOperator(
        BuiltinOperator.MAX_POOL_2D,
        1,
        new int[] {cat},
        new int[] {mp},
        BuiltinOptions.Pool2DOptions,
        fbb ->
            Pool2DOptions.createPool2DOptions(
                fbb, Padding.VALID, 2, 2, 2, 2, ActivationFunctionType.NONE));
    int paddings = b.addInt32Constant("paddings", new int[] {4, 2}, 0, 0, 1, 1, 1, 1, 0, 0);
    int pad = b.addTensor("pad", DataType.FLOAT32, new int[] {1, 6, 6, 7});
    b.addOperator(BuiltinOperator.PAD, 1, new int[] {mp, paddings}, new int[] {pad});
    int lg = b.addTensor("logistic", DataType.FLOAT32, new int[] {1, 6, 6, 7});
    b.addOperator(BuiltinOperator.LOGISTIC, 1, new int[] {pad}, new int[] {lg});
    int th = b.addTensor("tanh", DataType.FLOAT32, new int[] {1, 6, 6, 7});
    b.addOperator(BuiltinOperator.TANH, 1, new int[] {pad}, new int[] {th});
    int mul = b.addTensor("mul", DataType.FLOAT32, new int[] {1, 6, 6, 7});
    b.addOperator(
        BuiltinOperator.MUL,
        1,
        new int[] {lg, th},
        new int[] {mul},
        BuiltinOptions.MulOptions,
        fbb -> MulOptions.createMulOptions(fbb, ActivationFunctionType.NONE));
    int addc = b.addFloatConstant("add_c", new int[] {1, 6, 6, 7}, rand(r, 252, 2f));
    int add = b.addTensor("add", DataType.FLOAT32, new int[] {1, 6, 6, 7});
    b.addOperator(
        BuiltinOperator.ADD,
        1,
        new int[] {mul, addc},
        new int[] {add},
        BuiltinOptions.AddOptions,
        fbb -> AddOptions.createAddOptions(fbb, ActivationFunctionType.RELU, true));
    int axes = b.addInt32Constant("axes", new int[] {2}, 1, 2);
    int mean = b.addTensor("mean", DataType.FLOAT32, new int[] {1, 7});
    b.addOperator(
        BuiltinOperator.MEAN,
        1,
        new int[] {add, axes},
        new int[] {mean},
        BuiltinOptions.ReducerOptions,
        fbb -> ReducerOptions.createReducerOptions(fbb, false));
    int shape = b.addInt32Constant("shape", new int[] {2}, 1, 7);
    int rs = b.addTensor("reshape", DataType.FLOAT32, new int[] {1, 7});
    b.addOperator(
        BuiltinOperator.RESHAPE,
        1,
        new int[] {mean, shape},
        new int[] {rs},
        BuiltinOptions.ReshapeOptions,
        fbb ->
            ReshapeOptions.createReshapeOptions(
                fbb, ReshapeOptions.createNewShapeVector(fbb, new int[] {1, 7})));
    int fw = b.addFloatConstant("fc_w", new int[] {5, 7}, rand(r, 35, 1f));
    int fb = b.addFloatConstant("fc_b", new int[] {5}, rand(r, 5, 0.3f));
    int fc = b.addTensor("fc", DataType.FLOAT32, new int[] {1, 5});
    b.addOperator(
        BuiltinOperator.FULLY_CONNECTED,
        1,
        new int[] {rs, fw, fb},
        new int[] {fc},
        BuiltinOptions.FullyConnectedOptions,
        fbb ->
            FullyConnectedOptions.createFullyConnectedOptions(
                fbb, ActivationFunctionType.NONE, (byte) 0, false, false, (byte) 0));
    int sm = b.addTensor("softmax", DataType.FLOAT32, new int[] {1, 5});
    b.addOperator(
        BuiltinOperator.SOFTMAX,
        1,
        new int[] {fc},
        new int[] {sm},
        BuiltinOptions.SoftmaxOptions,
        fbb -> SoftmaxOptions.createSoftmaxOptions(fbb, 1f));
    b.setInputs(x).setOutputs(sm, add);
    return b.buildBytes();
  }

  private static float[] rand(Random r, int n, float range) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (r.nextFloat() * 2 - 1) * range;
    }
    return v;
  }

  private static List<byte[][]> samples(byte[] model, int n, long seed) throws Exception {
    List<TensorInfo> ins =
        CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults()).inputs();
    List<byte[][]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Differential.randomInputs(ins, seed + i, 3f));
    }
    return out;
  }

  @Test
  void int8GraphMatchesTfLiteBitExactForEveryIoType() throws Exception {
    for (long seed = 1; seed <= 4; seed++) {
      byte[] f = floatGraph(seed);
      ModelFile mf = ModelFile.parse(ByteBuffer.wrap(f));
      CalibrationData cal = new CalibrationData(samples(f, 8, 100 * seed));
      for (Quantizer.IoType io : Quantizer.IoType.values()) {
        for (Calibrator.Method m : Calibrator.Method.values()) {
          byte[] q = Quantizer.quantize(mf, Quantizer.Mode.INT8, io, cal, m);
          List<TensorInfo> ins =
              CompiledModel.fromBuffer(ByteBuffer.wrap(q), InterpreterOptions.defaults()).inputs();
          for (byte[][] s : samples(f, 3, 7000 + seed)) {
            Differential.assertMatchesTfLite(
                q, new byte[][] {QuantizationReport.convert(s[0], ins.get(0))});
          }
          checkRules(ModelFile.parse(ByteBuffer.wrap(q)), io);
        }
      }
      for (Quantizer.Mode mode : List.of(Quantizer.Mode.FLOAT16, Quantizer.Mode.DYNAMIC)) {
        byte[] q = Quantizer.quantize(mf, mode, Quantizer.IoType.FLOAT, null);
        for (byte[][] s : samples(f, 2, 9000 + seed)) {
          Differential.assertMatchesTfLite(q, s);
        }
      }
    }
  }

  /** Fixed output parameters, shared parameters and int8 tensors everywhere inside. */
  private static void checkRules(ModelFile q, Quantizer.IoType io) {
    List<TensorSpec> t = q.graph().tensors();
    for (Node n : q.graph().nodes()) {
      TensorSpec in = t.get(n.inputs()[0]);
      TensorSpec out = t.get(n.outputs()[0]);
      switch (n.builtinCode()) {
        case BuiltinOperator.SOFTMAX, BuiltinOperator.LOGISTIC -> {
          assertEquals(1f / 256, out.scale());
          assertEquals(-128, out.zeroPoint());
        }
        case BuiltinOperator.TANH -> {
          assertEquals(1f / 128, out.scale());
          assertEquals(0, out.zeroPoint());
        }
        case BuiltinOperator.MAX_POOL_2D, BuiltinOperator.PAD, BuiltinOperator.RESHAPE ->
            assertEquals(in.quantization(), out.quantization());
        case BuiltinOperator.CONCATENATION -> {
          for (int i : n.inputs()) {
            assertEquals(out.quantization(), t.get(i).quantization());
          }
        }
        case BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D -> {
          TensorSpec w = t.get(n.inputs()[1]);
          assertTrue(w.quantization().isPerChannel());
          assertEquals(
              n.builtinCode() == BuiltinOperator.CONV_2D ? 0 : 3,
              w.quantization().quantizedDimension());
          assertEquals(DataType.INT32, t.get(n.inputs()[2]).type());
        }
        default -> {}
      }
      if (n.builtinCode() != BuiltinOperator.QUANTIZE
          && n.builtinCode() != BuiltinOperator.DEQUANTIZE) {
        assertEquals(DataType.INT8, out.type(), n.opName());
      }
    }
    DataType edge =
        switch (io) {
          case FLOAT -> DataType.FLOAT32;
          case INT8 -> DataType.INT8;
          case UINT8 -> DataType.UINT8;
        };
    assertEquals(edge, t.get(q.graph().inputs()[0]).type());
    assertEquals(edge, t.get(q.graph().outputs()[0]).type());
  }

  /**
   * Like TensorFlow's converter, the int8 file records the float range behind every quantized
   * tensor (QuantizationParameters min/max: calibrated activations, per-channel weights; none where
   * the parameters are fixed or derived, as for softmax outputs and int32 biases) and the oldest
   * TFLite release that runs it.
   */
  @Test
  void int8FileRecordsRangesAndMinRuntimeVersion() throws Exception {
    byte[] f = floatGraph(3);
    ModelFile mf = ModelFile.parse(ByteBuffer.wrap(f));
    CalibrationData cal = new CalibrationData(samples(f, 8, 300));
    for (Quantizer.IoType io : Quantizer.IoType.values()) {
      byte[] q = Quantizer.quantize(mf, Quantizer.Mode.INT8, io, cal);
      Model m = Model.getRootAsModel(ByteBuffer.wrap(q).order(java.nio.ByteOrder.LITTLE_ENDIAN));
      ModelFile parsed = ModelFile.parse(ByteBuffer.wrap(q));
      java.util.Set<Integer> fixed = new java.util.HashSet<>();
      java.util.Set<Integer> weights = new java.util.HashSet<>();
      for (Node n : parsed.graph().nodes()) {
        int code = n.builtinCode();
        if (code == BuiltinOperator.CONV_2D
            || code == BuiltinOperator.DEPTHWISE_CONV_2D
            || code == BuiltinOperator.FULLY_CONNECTED) {
          weights.add(n.inputs()[1]);
        }
        if (code == BuiltinOperator.SOFTMAX
            || code == BuiltinOperator.LOGISTIC
            || code == BuiltinOperator.TANH) {
          fixed.add(n.outputs()[0]);
        }
      }
      SubGraph g = m.subgraphs(0);
      int withRange = 0;
      for (int i = 0; i < g.tensorsLength(); i++) {
        Tensor t = g.tensors(i);
        QuantizationParameters p = t.quantization();
        boolean quantized = p != null && p.scaleLength() > 0;
        if (!quantized || t.type() == TensorType.INT32 || fixed.contains(i)) {
          assertTrue(p == null || p.minLength() == 0, t.name() + " has no recorded range");
          continue;
        }
        if (t.type() == TensorType.UINT8) {
          continue;
        }
        assertEquals(p.scaleLength(), p.minLength(), t.name());
        assertEquals(p.scaleLength(), p.maxLength(), t.name());
        withRange++;
        for (int c = 0; c < p.scaleLength(); c++) {
          float expected =
              weights.contains(i)
                  ? Math.max(Math.abs(p.min(c)), Math.abs(p.max(c))) / 127
                  : FullIntegerQuantizer.asymmetric(p.min(c), p.max(c)).scale();
          assertEquals(expected, p.scale(c), expected * 1e-6, t.name() + " channel " + c);
        }
      }
      assertTrue(withRange > 10, withRange + " tensors with a recorded range");
      // the concatenation's requantizing QUANTIZE (v2) first ran in TFLite 1.15; the other
      // operators (CONV_2D v3, SOFTMAX v2, ...) in 1.14
      assertEquals(
          "1.15.0",
          new String(parsed.metadata().get("min_runtime_version") == null
                  ? new byte[0]
                  : bytes(parsed.metadata().get("min_runtime_version")),
                  java.nio.charset.StandardCharsets.US_ASCII)
              .replace("\0", ""),
          io.toString());
    }
    assertEquals(0, MinRuntimeVersion.compare("1.14.0", "1.14.0"));
    assertTrue(MinRuntimeVersion.compare("1.15.0", "1.14.0") > 0);
    assertTrue(MinRuntimeVersion.compare("2.3.0", "1.15.0") > 0);
    assertTrue(MinRuntimeVersion.compare("1.13.1", "1.14.0") < 0);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /**
   * A dynamic-range file is quantized as the float model it stands for: its int8 weights are read
   * as scale * q, so re-quantizing it dynamically gives back the same weight bytes, and int8 and
   * float16 files made from it run bit-exact / within 1e-4 in TFLite.
   */
  @Test
  void dynamicRangeInputIsReadAsItsFloatModel() throws Exception {
    byte[] f = floatGraph(4);
    ModelFile mf = ModelFile.parse(ByteBuffer.wrap(f));
    // every weight hybrid, however small (the CLI's threshold is 1024 values)
    byte[] dyn = DynamicRangeQuantizer.quantize(mf, 1);
    ModelFile hybrid = ModelFile.parse(ByteBuffer.wrap(dyn));
    assertTrue(HybridWeights.present(hybrid.graph()));
    ModelFile asFloat = HybridWeights.dequantized(hybrid);
    assertFalse(HybridWeights.present(asFloat.graph()));
    int checked = 0;
    for (int i = 0; i < hybrid.graph().tensors().size(); i++) {
      TensorSpec t = hybrid.graph().tensors().get(i);
      if (t.isConstant() && t.type() == DataType.INT8) {
        TensorSpec d =
            asFloat.graph().tensors().stream()
                .filter(x -> x.name().equals(t.name()))
                .findFirst()
                .orElseThrow();
        assertEquals(DataType.FLOAT32, d.type());
        Quantization q = t.quantization();
        int channels = q.channelCount();
        int inner = 1;
        for (int dim = q.quantizedDimension() + 1; dim < t.rank(); dim++) {
          inner *= t.dim(dim);
        }
        for (int k = 0; k < (int) t.elementCount(); k++) {
          int c = channels == 1 ? 0 : (k / inner) % channels;
          assertEquals(
              (float) ((double) q.scale(c) * t.constantData().get(k)),
              d.constantData().getFloat(4 * k),
              t.name() + "[" + k + "]");
        }
        checked++;
      }
    }
    assertTrue(checked > 0);
    byte[] again = DynamicRangeQuantizer.quantize(HybridWeights.dequantized(hybrid), 1);
    ModelFile againFile = ModelFile.parse(ByteBuffer.wrap(again));
    for (TensorSpec t : hybrid.graph().tensors()) {
      if (t.isConstant() && t.type() == DataType.INT8) {
        TensorSpec a =
            againFile.graph().tensors().stream()
                .filter(x -> x.name().equals(t.name()))
                .findFirst()
                .orElseThrow();
        assertEquals(t.constantData(), a.constantData(), t.name());
      }
    }
    CalibrationData cal = new CalibrationData(samples(f, 8, 400));
    byte[] i8 = Quantizer.quantize(hybrid, Quantizer.Mode.INT8, Quantizer.IoType.FLOAT, cal);
    byte[] f16 = Quantizer.quantize(hybrid, Quantizer.Mode.FLOAT16, Quantizer.IoType.FLOAT, null);
    for (byte[][] s : samples(f, 2, 4000)) {
      Differential.assertMatchesTfLite(i8, s);
      Differential.assertMatchesTfLite(f16, s);
    }
  }

  @Test
  void reshapeOptionsVectorIsCopied() throws Exception {
    byte[] q =
        Quantizer.quantize(
            ModelFile.parse(ByteBuffer.wrap(floatGraph(1))),
            Quantizer.Mode.FLOAT16,
            Quantizer.IoType.FLOAT,
            null);
    ModelFile mf = ModelFile.parse(ByteBuffer.wrap(q));
    Node reshape =
        mf.graph().nodes().stream()
            .filter(n -> n.builtinCode() == BuiltinOperator.RESHAPE)
            .findFirst()
            .orElseThrow();
    ReshapeOptions o = (ReshapeOptions) reshape.operator().builtinOptions(new ReshapeOptions());
    assertEquals(2, o.newShapeLength());
    assertEquals(7, o.newShape(1));
  }

  @Test
  void float16HalvesTheWeightsAndDynamicQuantizesOnlyLargeWeights() throws Exception {
    byte[] f = floatGraph(3);
    ModelFile mf = ModelFile.parse(ByteBuffer.wrap(f));
    ModelFile h =
        ModelFile.parse(
            ByteBuffer.wrap(
                Quantizer.quantize(mf, Quantizer.Mode.FLOAT16, Quantizer.IoType.FLOAT, null)));
    long floatConstants =
        h.graph().tensors().stream()
            .filter(t -> t.isConstant() && t.type() == DataType.FLOAT32)
            .count();
    long halfConstants =
        h.graph().tensors().stream()
            .filter(t -> t.isConstant() && t.type() == DataType.FLOAT16)
            .count();
    assertEquals(0, floatConstants);
    assertEquals(7, halfConstants);
    // every weight here is below TFLite's 1024-element threshold: nothing changes
    ModelFile d =
        ModelFile.parse(
            ByteBuffer.wrap(
                Quantizer.quantize(mf, Quantizer.Mode.DYNAMIC, Quantizer.IoType.FLOAT, null)));
    assertTrue(d.graph().tensors().stream().noneMatch(t -> t.type() == DataType.INT8));
  }

  @Test
  void operatorWithoutInt8RuleStaysFloatBetweenDequantizeAndQuantize() throws Exception {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", DataType.FLOAT32, new int[] {1, 6});
    int w = b.addFloatConstant("w", new int[] {6, 6}, rand(new Random(5), 36, 1f));
    int h = b.addTensor("h", DataType.FLOAT32, new int[] {1, 6});
    int e = b.addTensor("e", DataType.FLOAT32, new int[] {1, 6});
    int y = b.addTensor("y", DataType.FLOAT32, new int[] {1, 6});
    b.addOperator(
        BuiltinOperator.FULLY_CONNECTED,
        1,
        new int[] {x, w, -1},
        new int[] {h},
        BuiltinOptions.FullyConnectedOptions,
        fbb ->
            FullyConnectedOptions.createFullyConnectedOptions(
                fbb, ActivationFunctionType.NONE, (byte) 0, false, false, (byte) 0));
    b.addOperator(BuiltinOperator.EXP, 1, new int[] {h}, new int[] {e});
    b.addOperator(BuiltinOperator.LOGISTIC, 1, new int[] {e}, new int[] {y});
    b.setInputs(x).setOutputs(y, e);
    byte[] f = b.buildBytes();
    ModelFile mf = ModelFile.parse(ByteBuffer.wrap(f));
    CalibrationData cal = new CalibrationData(samples(f, 6, 1));
    for (Quantizer.IoType io : Quantizer.IoType.values()) {
      Quantizer.Result r =
          Quantizer.quantizeWithDetails(mf, Quantizer.Mode.INT8, io, cal, Calibrator.Method.MINMAX);
      assertEquals(List.of("EXP (node 1)"), r.floatOperators());
      List<TensorInfo> ins =
          CompiledModel.fromBuffer(ByteBuffer.wrap(r.model()), InterpreterOptions.defaults())
              .inputs();
      for (byte[][] s : samples(f, 3, 50)) {
        Differential.assertMatchesTfLite(
            r.model(), new byte[][] {QuantizationReport.convert(s[0], ins.get(0))});
      }
      ModelFile q = ModelFile.parse(ByteBuffer.wrap(r.model()));
      Node exp =
          q.graph().nodes().stream()
              .filter(n -> n.builtinCode() == BuiltinOperator.EXP)
              .findFirst()
              .orElseThrow();
      assertEquals(DataType.FLOAT32, q.graph().tensors().get(exp.inputs()[0]).type());
    }
  }
}
