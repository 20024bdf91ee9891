package io.tflited.converter.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.fb.Model;
import io.tflited.runtime.model.fb.QuantizationParameters;
import io.tflited.runtime.model.fb.SubGraph;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.SharedModels;
import io.tflited.runtime.testing.TfLiteOracle;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MLPerf Tiny float models quantized in every mode: each output loads and runs in TensorFlow
 * Lite 2.4.1 and in tflited with identical results (int8 bit-exact, float within 1e-4), and the
 * int8 files are compared with TensorFlow's own int8 models shipped beside them (top-1 agreement
 * with the float model, file size).
 */
class QuantizeSharedModelsTest {
  private static final String TINY = "mlcommons-tiny/";

  private record Case(String floatModel, String tfInt8Model, List<byte[][]> samples) {}

  @ParameterizedTest
  @ValueSource(strings = {"vww", "resnet", "ad01", "kws"})
  void quantizedModelsMatchTfLiteAndTensorFlowsInt8(String name) throws Exception {
    TfLiteOracle.assumeAvailable();
    Case c = load(name);
    byte[] floatBytes = Files.readAllBytes(SharedModels.require(c.floatModel()));
    ModelFile mf = ModelFile.parse(ByteBuffer.wrap(floatBytes));
    CalibrationData cal = new CalibrationData(c.samples());

    byte[] f16 = Quantizer.quantize(mf, Quantizer.Mode.FLOAT16, Quantizer.IoType.FLOAT, null);
    byte[] dyn = Quantizer.quantize(mf, Quantizer.Mode.DYNAMIC, Quantizer.IoType.FLOAT, null);
    byte[] i8 = Quantizer.quantize(mf, Quantizer.Mode.INT8, Quantizer.IoType.FLOAT, cal);
    byte[] i8io = Quantizer.quantize(mf, Quantizer.Mode.INT8, Quantizer.IoType.INT8, cal);
    byte[] u8io = Quantizer.quantize(mf, Quantizer.Mode.INT8, Quantizer.IoType.UINT8, cal);
    byte[] i8minmax =
        Quantizer.quantize(
            mf, Quantizer.Mode.INT8, Quantizer.IoType.INT8, cal, Calibrator.Method.MINMAX);

    // int8 files: bit-exact on every 4th sample (int8 I/O) and every 12th (the other I/O types
    // and the MINMAX calibration).
    for (byte[] model : List.of(i8, i8io, u8io, i8minmax)) {
      int step = model == i8io ? 4 : 12;
      for (int s = 0; s < c.samples().size(); s += step) {
        Differential.assertMatchesTfLite(model, converted(model, c.samples().get(s)));
      }
    }
    // float16 and dynamic files: float outputs within 1e-4 on the samples where the original
    // float32 model itself is within 1e-4 of TFLite (ad01_fp32 is not on one sample: float
    // summation order in FULLY_CONNECTED, a runtime matter). Hybrid outputs are compared with
    // a looser bound on every sample: each hybrid layer re-quantizes its float input, so an
    // ulp of difference upstream can move one int8 step. The hybrid layers themselves are
    // bit-exact (everyHybridLayerIsBitExactOnTfLitesInputs); the float conv layers ahead of
    // them are within 1e-4 of TFLite but not bit-identical (summation order). Measured: vww_96
    // 3 and pretrainedResnet 2 of 24 samples end beyond 1e-4.
    // The bound here: same top-1 and within 1e-2.
    int strictSamples = 0;
    int hybridBeyondTolerance = 0;
    int checked = 0;
    for (int s = 0; s < c.samples().size(); s += 2) {
      byte[][] sample = c.samples().get(s);
      checked++;
      byte[][] expected = TfLiteOracle.run(floatBytes, sample);
      byte[][] actual = Differential.run(compiled(floatBytes), sample);
      if (Differential.describeMismatch(DataType.FLOAT32, expected[0], actual[0]) == null) {
        strictSamples++;
        Differential.assertMatchesTfLite(f16, sample);
      }
      byte[] e = TfLiteOracle.run(dyn, sample)[0];
      byte[] a = Differential.run(compiled(dyn), sample)[0];
      if (Differential.describeMismatch(DataType.FLOAT32, e, a) != null) {
        hybridBeyondTolerance++;
      }
      assertTrue(
          maxAbsDiff(e, a) <= 1e-2 && argmax(e) == argmax(a),
          "dynamic: " + Differential.describeMismatch(DataType.FLOAT32, e, a));
    }
    assertTrue(strictSamples >= checked - 1, strictSamples + " strict samples of " + checked);
    System.out.println(
        c.floatModel()
            + ": float32 (and so float16, asserted) within 1e-4 on "
            + strictSamples
            + " of "
            + checked
            + " samples; dynamic beyond 1e-4 on "
            + hybridBeyondTolerance);
    assertEquals(DataType.FLOAT16, typeOfFirstConstant(f16));

    byte[] tfInt8 = Files.readAllBytes(SharedModels.require(c.tfInt8Model()));
    QuantizationReport r = QuantizationReport.start(floatBytes, c.samples(), 5, "float32");
    r.add("float16", f16, 5);
    r.add("dynamic", dyn, 5);
    QuantizationReport.Row ours = r.add("int8", i8io, 5);
    r.add("int8-minmax", i8minmax, 5);
    QuantizationReport.Row theirs = r.add("tf-int8", tfInt8, 5);
    System.out.println(
        "== " + c.floatModel() + " (" + c.samples().size() + " samples)\n" + r.table() + r.json());
    // the weights take half the bytes of the float32 model's (for kws: of the float model its
    // int8 weights stand for); small files also carry names and the DEQUANTIZE operators
    ModelFile float32 =
        HybridWeights.present(mf.graph()) ? HybridWeights.dequantized(mf) : mf;
    long f16Weights = constantBytes(ModelFile.parse(ByteBuffer.wrap(f16)));
    assertTrue(
        f16Weights < 0.52 * constantBytes(float32),
        "float16 weights " + f16Weights + " bytes, float32 " + constantBytes(float32));
    assertTrue(
        Math.abs(ours.fileBytes() - theirs.fileBytes()) <= 0.05 * theirs.fileBytes(),
        "int8 file " + ours.fileBytes() + " bytes vs TensorFlow's " + theirs.fileBytes());
    if (r.classifier()) {
      // The default (PERCENTILE) calibration; MINMAX (TFLite's calibrator, which reproduces
      // TensorFlow's file given its data: see the test below) falls short on pretrainedResnet
      // with these 48 images (38 vs 45 agreements) and kws (46 vs 47).
      assertTrue(
          ours.top1() >= theirs.top1(),
          "top-1 " + ours.top1() + " vs TensorFlow's " + theirs.top1());
    }
  }

  /**
   * The quantizer given the activation ranges TensorFlow's converter calibrated (read from the
   * min/max it records in its int8 file) writes the same file contents: every tensor's scales
   * and zero points and every weight and bias byte. What remains different between the two
   * converters is therefore only the calibration data.
   */
  @ParameterizedTest
  @ValueSource(strings = {"vww", "resnet", "ad01"})
  void withTensorFlowsRangesTheInt8TensorsAreIdenticalToTensorFlows(String name) throws Exception {
    Case c = load(name);
    ModelFile mf =
        ModelFile.parse(ByteBuffer.wrap(Files.readAllBytes(SharedModels.require(c.floatModel()))));
    byte[] tfBytes = Files.readAllBytes(SharedModels.require(c.tfInt8Model()));
    Graph f = mf.graph();
    Graph t = ModelFile.parse(ByteBuffer.wrap(tfBytes)).graph();
    assertEquals(f.nodes().size(), t.nodes().size(), "same operators");
    SubGraph tfGraph =
        Model.getRootAsModel(ByteBuffer.wrap(tfBytes).order(ByteOrder.LITTLE_ENDIAN)).subgraphs(0);
    float[][] ranges = new float[f.tensors().size()][];
    ranges[f.inputs()[0]] = recordedRange(tfGraph, t.inputs()[0]);
    for (int i = 0; i < f.nodes().size(); i++) {
      assertEquals(f.nodes().get(i).builtinCode(), t.nodes().get(i).builtinCode());
      ranges[f.nodes().get(i).outputs()[0]] =
          recordedRange(tfGraph, t.nodes().get(i).outputs()[0]);
    }
    byte[] ours = FullIntegerQuantizer.quantize(mf, ranges, Quantizer.IoType.INT8).model();
    Graph o = ModelFile.parse(ByteBuffer.wrap(ours)).graph();
    assertEquals(t.nodes().size(), o.nodes().size());
    int compared = 0;
    for (int i = 0; i < o.nodes().size(); i++) {
      Node on = o.nodes().get(i);
      Node tn = t.nodes().get(i);
      List<int[]> pairs = new ArrayList<>();
      for (int k = 0; k < on.inputs().length; k++) {
        pairs.add(new int[] {on.inputs()[k], tn.inputs()[k]});
      }
      pairs.add(new int[] {on.outputs()[0], tn.outputs()[0]});
      for (int[] p : pairs) {
        if (p[0] < 0) {
          continue;
        }
        TensorSpec a = o.tensors().get(p[0]);
        TensorSpec b = t.tensors().get(p[1]);
        String where = on.opName() + " (node " + i + ") tensor " + b.name();
        assertEquals(b.type(), a.type(), where);
        assertEquals(b.quantization(), a.quantization(), where);
        if (b.isConstant()) {
          assertEquals(b.constantData(), a.constantData(), where + ": bytes");
        }
        compared++;
      }
    }
    System.out.println(name + ": " + compared + " tensors identical to TensorFlow's");
  }

  /**
   * Every hybrid layer of the dynamic-range models, run alone on the input TFLite computed for it,
   * gives TFLite's bytes. End to end the outputs can still differ beyond 1e-4 on a few samples
   * (vww_96: 3 of 24, pretrainedResnet: 2 of 24): the float conv layers ahead of the hybrid ones
   * agree with TFLite within 1e-4 but not bit for bit (summation order), and each hybrid layer
   * re-quantizes its input per inference, so a one-ulp difference occasionally moves one int8
   * step.
   */
  @ParameterizedTest
  @ValueSource(strings = {"vww", "resnet", "ad01"})
  void everyHybridLayerIsBitExactOnTfLitesInputs(String name) throws Exception {
    TfLiteOracle.assumeAvailable();
    Case c = load(name);
    ModelFile original =
        ModelFile.parse(ByteBuffer.wrap(Files.readAllBytes(SharedModels.require(c.floatModel()))));
    byte[] dyn = Quantizer.quantize(original, Quantizer.Mode.DYNAMIC, Quantizer.IoType.FLOAT, null);
    Graph g = ModelFile.parse(ByteBuffer.wrap(dyn)).graph();
    GraphCopy observer = new GraphCopy(g);
    List<Integer> produced = new ArrayList<>();
    for (Node n : g.nodes()) {
      observer.copy(n);
      produced.add(n.outputs()[0]);
    }
    observer.builder.setInputs(observer.tensors(g.inputs()));
    observer.builder.setOutputs(
        observer.tensors(produced.stream().mapToInt(Integer::intValue).toArray()));
    byte[] observed = observer.builder.buildBytes();
    int hybridLayers = 0;
    for (int s : new int[] {0, c.samples().size() / 2}) {
      byte[][] tfTensors = TfLiteOracle.run(observed, c.samples().get(s));
      for (Node n : g.nodes()) {
        boolean hybrid =
            n.inputs().length > 1
                && g.tensors().get(n.inputs()[0]).type() == DataType.FLOAT32
                && g.tensors().get(n.inputs()[1]).type() == DataType.INT8;
        if (!hybrid) {
          continue;
        }
        int source = produced.indexOf(n.inputs()[0]);
        byte[][] input = {
          source < 0 ? c.samples().get(s)[0] : tfTensors[source]
        };
        GraphCopy single = new GraphCopy(g);
        single.copy(n);
        single.builder.setInputs(single.tensors(new int[] {n.inputs()[0]}));
        single.builder.setOutputs(single.tensors(n.outputs()));
        byte[] layer = single.builder.buildBytes();
        assertArrayEquals(
            TfLiteOracle.run(layer, input)[0],
            Differential.run(compiled(layer), input)[0],
            n.opName() + " (node " + n.index() + "), sample " + s);
        hybridLayers++;
      }
    }
    assertTrue(hybridLayers > 0, "no hybrid layer in " + name);
    System.out.println(name + ": " + hybridLayers + " hybrid layer runs bit-exact");
  }

  /** The {min, max} TensorFlow's converter recorded for a per-tensor quantized tensor, or null. */
  private static float[] recordedRange(SubGraph g, int tensor) {
    QuantizationParameters q = g.tensors(tensor).quantization();
    return q != null && q.minLength() == 1 ? new float[] {q.min(0), q.max(0)} : null;
  }

  private static CompiledModel compiled(byte[] model) throws Exception {
    return CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
  }

  private static byte[][] converted(byte[] model, byte[][] sample) throws Exception {
    List<TensorInfo> ins = compiled(model).inputs();
    byte[][] in = new byte[sample.length][];
    for (int i = 0; i < in.length; i++) {
      in[i] = QuantizationReport.convert(sample[i], ins.get(i));
    }
    return in;
  }

  private static int argmax(byte[] floats) {
    ByteBuffer x = ByteBuffer.wrap(floats).order(ByteOrder.LITTLE_ENDIAN);
    int best = 0;
    for (int i = 1; i < floats.length / 4; i++) {
      if (x.getFloat(4 * i) > x.getFloat(4 * best)) {
        best = i;
      }
    }
    return best;
  }

  private static double maxAbsDiff(byte[] a, byte[] b) {
    ByteBuffer x = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer y = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    double m = 0;
    for (int i = 0; i + 4 <= a.length; i += 4) {
      m = Math.max(m, Math.abs(x.getFloat(i) - y.getFloat(i)));
    }
    return m;
  }

  private static long constantBytes(ModelFile m) {
    return m.graph().tensors().stream()
        .filter(TensorSpec::isConstant)
        .mapToLong(t -> t.constantData().remaining())
        .sum();
  }

  private static DataType typeOfFirstConstant(byte[] model) throws Exception {
    ModelFile mf = ModelFile.parse(ByteBuffer.wrap(model));
    return mf.graph().tensors().stream()
        .filter(t -> t.isConstant())
        .findFirst()
        .orElseThrow()
        .type();
  }

  private static Case load(String name) throws Exception {
    return switch (name) {
      case "vww" ->
          new Case(
              TINY + "visual_wake_words/vww_96_float.tflite",
              TINY + "visual_wake_words/vww_96_int8.tflite",
              images(96, 96, 3, 1f));
      case "resnet" ->
          new Case(
              TINY + "image_classification/pretrainedResnet.tflite",
              TINY + "image_classification/pretrainedResnet_quant.tflite",
              images(32, 32, 3, 255f));
      case "ad01" ->
          new Case(
              TINY + "anomaly_detection/ad01_fp32.tflite",
              TINY + "anomaly_detection/ad01_int8.tflite",
              anomalyFeatures());
      // kws is published as a dynamic-range file only (its float weights are in a SavedModel):
      // the quantizer reads it as the float model its int8 weights stand for.
      case "kws" ->
          new Case(
              TINY + "keyword_spotting/kws_ref_model_float32.tflite",
              TINY + "keyword_spotting/kws_ref_model.tflite",
              mfccFeatures());
      default -> throw new IllegalArgumentException(name);
    };
  }

  /**
   * The Coral test images, each as the full frame, four corner crops, a centre crop and two
   * mirrored views, resized to h x w and scaled to [0, max].
   */
  static List<byte[][]> images(int h, int w, int c, float max) throws Exception {
    Path dir = SharedModels.require("google-coral-test_data");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".bmp")).sorted().toList();
    }
    List<byte[][]> out = new ArrayList<>();
    for (Path f : files) {
      BufferedImage img = ImageIO.read(f.toFile());
      int cw = img.getWidth() * 4 / 5;
      int ch = img.getHeight() * 4 / 5;
      List<BufferedImage> views = new ArrayList<>();
      views.add(img);
      views.add(img.getSubimage(0, 0, cw, ch));
      views.add(img.getSubimage(img.getWidth() - cw, 0, cw, ch));
      views.add(img.getSubimage(0, img.getHeight() - ch, cw, ch));
      views.add(img.getSubimage(img.getWidth() - cw, img.getHeight() - ch, cw, ch));
      BufferedImage centre =
          img.getSubimage((img.getWidth() - cw) / 2, (img.getHeight() - ch) / 2, cw, ch);
      views.add(centre);
      views.add(mirror(img));
      views.add(mirror(centre));
      for (BufferedImage v : views) {
        out.add(new byte[][] {CalibrationData.imageTensor(v, h, w, c, max)});
      }
    }
    return out;
  }

  private static BufferedImage mirror(BufferedImage img) {
    BufferedImage m =
        new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        m.setRGB(img.getWidth() - 1 - x, y, img.getRGB(x, y));
      }
    }
    return m;
  }

  /**
   * MFCC-like keyword-spotting inputs (49 frames x 10 coefficients): per sample a seeded energy
   * contour in coefficient 0 and decaying higher coefficients, within [-123, 25], the range of
   * TensorFlow's int8 model's input.
   */
  static List<byte[][]> mfccFeatures() {
    Random r = new Random(11);
    List<byte[][]> out = new ArrayList<>();
    for (int s = 0; s < 48; s++) {
      ByteBuffer b = ByteBuffer.allocate(490 * 4).order(ByteOrder.LITTLE_ENDIAN);
      double energy = -80 + 50 * r.nextDouble();
      double[] shape = new double[10];
      for (int k = 1; k < 10; k++) {
        shape[k] = (r.nextDouble() * 2 - 1) * 30 / k;
      }
      for (int frame = 0; frame < 49; frame++) {
        double word = Math.exp(-Math.pow((frame - 24) / (6 + 6 * r.nextDouble()), 2));
        for (int k = 0; k < 10; k++) {
          double v =
              k == 0
                  ? energy + 40 * word + 4 * r.nextGaussian()
                  : shape[k] * (0.3 + word) + 3 * r.nextGaussian() / k;
          b.putFloat((float) Math.max(-123, Math.min(25, v)));
        }
      }
      out.add(new byte[][] {b.array()});
    }
    return out;
  }

  /**
   * Log-mel-like feature vectors for the anomaly detector (640 = 5 frames x 128 bands): a seeded
   * smooth spectrum per sample in about [-80, 15] dB, the range of TensorFlow's int8 model's input,
   * plus noise.
   */
  static List<byte[][]> anomalyFeatures() {
    Random r = new Random(7);
    List<byte[][]> out = new ArrayList<>();
    for (int s = 0; s < 48; s++) {
      ByteBuffer b = ByteBuffer.allocate(640 * 4).order(ByteOrder.LITTLE_ENDIAN);
      double level = -60 + 40 * r.nextDouble();
      double tilt = 30 * r.nextDouble();
      for (int frame = 0; frame < 5; frame++) {
        for (int band = 0; band < 128; band++) {
          double v = level + tilt * (1 - band / 64.0) + 6 * r.nextGaussian();
          b.putFloat((float) Math.max(-84, Math.min(15, v)));
        }
      }
      out.add(new byte[][] {b.array()});
    }
    return out;
  }
}
