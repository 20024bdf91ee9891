package io.tflited.runtime.ops.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.flatbuffers.FlexBuffersBuilder;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TfliteDetectionPostProcessTest {

  record Config(int numBoxes, int numClasses, boolean background, int maxDetections,
      int maxClassesPerDetection, int detectionsPerClass, boolean regular, float scoreThreshold,
      float iouThreshold, DataType boxType, DataType scoreType, boolean quantizedAnchors) {}

  static byte[] options(Config c) {
    FlexBuffersBuilder f = new FlexBuffersBuilder(ByteBuffer.allocate(1024),
        FlexBuffersBuilder.BUILDER_FLAG_SHARE_KEYS_AND_STRINGS);
    int start = f.startMap();
    f.putInt("max_detections", c.maxDetections());
    f.putInt("max_classes_per_detection", c.maxClassesPerDetection());
    f.putInt("detections_per_class", c.detectionsPerClass());
    f.putBoolean("use_regular_nms", c.regular());
    f.putFloat("nms_score_threshold", c.scoreThreshold());
    f.putFloat("nms_iou_threshold", c.iouThreshold());
    f.putInt("num_classes", c.numClasses());
    f.putFloat("y_scale", 10.0f);
    f.putFloat("x_scale", 10.0f);
    f.putFloat("h_scale", 5.0f);
    f.putFloat("w_scale", 5.0f);
    f.endMap(null, start);
    ByteBuffer b = f.finish();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  static ByteBuffer model(Config c, long seed) {
    Random r = new Random(seed);
    ModelBuilder b = new ModelBuilder();
    int ncb = c.numClasses() + (c.background() ? 1 : 0);
    Quantization boxQ = c.boxType() == DataType.FLOAT32 ? Quantization.NONE : Quantization.of(0.05f, 128);
    Quantization scoreQ = c.scoreType() == DataType.FLOAT32 ? Quantization.NONE : Quantization.of(1f / 256, 0);
    int boxes = b.addTensor("boxes", c.boxType(), new int[] {1, c.numBoxes(), 4}, boxQ);
    int scores = b.addTensor("scores", c.scoreType(), new int[] {1, c.numBoxes(), ncb}, scoreQ);
    int anchors;
    if (c.quantizedAnchors()) {
      byte[] a = new byte[4 * c.numBoxes()];
      for (int i = 0; i < c.numBoxes(); i++) {
        a[4 * i] = (byte) r.nextInt(256);
        a[4 * i + 1] = (byte) r.nextInt(256);
        a[4 * i + 2] = (byte) (20 + r.nextInt(100));
        a[4 * i + 3] = (byte) (20 + r.nextInt(100));
      }
      anchors = b.addConstant("anchors", DataType.UINT8, new int[] {c.numBoxes(), 4},
          Quantization.of(1f / 256, 0), a);
    } else {
      float[] a = new float[4 * c.numBoxes()];
      for (int i = 0; i < c.numBoxes(); i++) {
        a[4 * i] = r.nextFloat();
        a[4 * i + 1] = r.nextFloat();
        a[4 * i + 2] = 0.05f + r.nextFloat() * 0.4f;
        a[4 * i + 3] = 0.05f + r.nextFloat() * 0.4f;
      }
      anchors = b.addFloatConstant("anchors", new int[] {c.numBoxes(), 4}, a);
    }
    int n = c.maxDetections() * c.maxClassesPerDetection();
    int o0 = b.addTensor("detection_boxes", DataType.FLOAT32, new int[] {1, n, 4});
    int o1 = b.addTensor("detection_classes", DataType.FLOAT32, new int[] {1, n});
    int o2 = b.addTensor("detection_scores", DataType.FLOAT32, new int[] {1, n});
    int o3 = b.addTensor("num_detections", DataType.FLOAT32, new int[] {1});
    b.addCustomOperator("TFLite_Detection_PostProcess", 1, new int[] {boxes, scores, anchors},
        new int[] {o0, o1, o2, o3}, options(c));
    b.setInputs(boxes, scores).setOutputs(o0, o1, o2, o3);
    return b.build();
  }

  static byte[][] inputs(Config c, long seed) {
    Random r = new Random(seed);
    int ncb = c.numClasses() + (c.background() ? 1 : 0);
    byte[] boxes;
    if (c.boxType() == DataType.FLOAT32) {
      ByteBuffer bb = ByteBuffer.allocate(16 * c.numBoxes()).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < 4 * c.numBoxes(); i++) {
        bb.putFloat((float) r.nextGaussian() * 2f);
      }
      boxes = bb.array();
    } else {
      boxes = new byte[4 * c.numBoxes()];
      r.nextBytes(boxes);
    }
    byte[] scores;
    if (c.scoreType() == DataType.FLOAT32) {
      ByteBuffer bb = ByteBuffer.allocate(4 * c.numBoxes() * ncb).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < c.numBoxes() * ncb; i++) {
        // Coarse values make ties common, which exercises the sort order.
        bb.putFloat(r.nextInt(3) == 0 ? r.nextInt(8) / 8f : r.nextFloat());
      }
      scores = bb.array();
    } else {
      scores = new byte[c.numBoxes() * ncb];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = (byte) (r.nextInt(4) == 0 ? 16 * r.nextInt(16) : r.nextInt(256));
      }
    }
    return new byte[][] {boxes, scores};
  }

  private static float f(byte[] b, int i) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getFloat(4 * i);
  }

  static void check(Config c, long seed) throws Exception {
    TfLiteOracle.assumeAvailable();
    ByteBuffer m = model(c, seed);
    byte[] bytes = new byte[m.remaining()];
    m.get(bytes);
    byte[][] in = inputs(c, seed + 1);
    String label = seed + " " + c;
    byte[][] expected;
    try {
      expected = TfLiteOracle.run(bytes, in);
    } catch (IllegalArgumentException e) {
      throw new AssertionError(label + ": TFLite failed: " + e.getMessage(), e);
    }
    CompiledModel compiled = CompiledModel.fromBuffer(ByteBuffer.wrap(bytes), InterpreterOptions.defaults());
    byte[][] actual = Differential.run(compiled, in);
    float count = f(expected[3], 0);
    assertEquals(count, f(actual[3], 0), label + ": num_detections");
    int perAnchor = c.regular() ? 1 : Math.min(c.maxClassesPerDetection(), c.numClasses());
    int stride = c.regular() ? 1 : c.maxClassesPerDetection();
    int slots = c.regular() ? c.maxDetections() : (int) count;
    StringBuilder err = new StringBuilder();
    for (int k = 0; k < slots; k++) {
      for (int col = 0; col < perAnchor; col++) {
        int s = k * stride + col;
        for (int q = 0; q < 4; q++) {
          compare(err, "box " + s + "." + q, f(expected[0], 4 * s + q), f(actual[0], 4 * s + q));
        }
        compare(err, "class " + s, f(expected[1], s), f(actual[1], s));
        compare(err, "score " + s, f(expected[2], s), f(actual[2], s));
      }
    }
    if (!err.isEmpty()) {
      fail(label + "\n" + err);
    }
  }

  private static void compare(StringBuilder err, String what, float e, float a) {
    if (!(Math.abs(e - a) <= Math.max(Differential.ATOL, Differential.RTOL * Math.abs(e)))) {
      err.append(what).append(": got ").append(a).append(", expected ").append(e).append('\n');
    }
  }

  private static Config random(Random r, boolean regular) {
    DataType[] types = {DataType.FLOAT32, DataType.UINT8};
    int numClasses = 1 + r.nextInt(6);
    DataType boxType = types[r.nextInt(2)];
    // Fast NMS with max_classes_per_detection > 1 is memory-unsafe in TFLite 2.4.1 (it advances
    // the output slot once per class and writes past the outputs); it is checked by hand below.
    return new Config(1 + r.nextInt(60), numClasses, r.nextBoolean(), 1 + r.nextInt(12),
        regular ? 1 + r.nextInt(numClasses) : 1, 1 + r.nextInt(8), regular, r.nextFloat() * 0.6f,
        0.2f + r.nextFloat() * 0.8f, boxType, types[r.nextInt(2)],
        boxType == DataType.UINT8);
  }

  @Test
  void fastNmsMatchesTfLite() throws Exception {
    Random r = new Random(11);
    for (int k = 0; k < 150; k++) {
      check(random(r, false), k);
    }
  }

  @Test
  void regularNmsMatchesTfLite() throws Exception {
    Random r = new Random(12);
    for (int k = 0; k < 150; k++) {
      check(random(r, true), 1000 + k);
    }
  }

  @Test
  void largeSsdLikeConfigMatchesTfLite() throws Exception {
    check(new Config(1917, 90, true, 10, 1, 100, false, 0.3f, 0.6f, DataType.UINT8, DataType.UINT8, true), 7);
    check(new Config(1917, 90, true, 10, 1, 100, false, 0.3f, 0.6f, DataType.FLOAT32, DataType.FLOAT32, false), 8);
    check(new Config(500, 20, true, 20, 1, 10, true, 0.1f, 0.5f, DataType.UINT8, DataType.UINT8, true), 9);
  }

  /** Fast NMS, two classes per detection: the current TFLite layout (slot = anchor * max + col). */
  @Test
  void fastNmsSeveralClassesPerDetection() throws Exception {
    Config c = new Config(2, 3, true, 2, 2, 100, false, 0.0f, 0.5f, DataType.FLOAT32, DataType.FLOAT32, false);
    ModelBuilder b = new ModelBuilder();
    int boxes = b.addTensor("boxes", DataType.FLOAT32, new int[] {1, 2, 4});
    int scores = b.addTensor("scores", DataType.FLOAT32, new int[] {1, 2, 4});
    int anchors = b.addFloatConstant("anchors", new int[] {2, 4}, 0.5f, 0.5f, 1f, 1f, 0.1f, 0.1f, 0.1f, 0.1f);
    int o0 = b.addTensor("detection_boxes", DataType.FLOAT32, new int[] {1, 4, 4});
    int o1 = b.addTensor("detection_classes", DataType.FLOAT32, new int[] {1, 4});
    int o2 = b.addTensor("detection_scores", DataType.FLOAT32, new int[] {1, 4});
    int o3 = b.addTensor("num_detections", DataType.FLOAT32, new int[] {1});
    b.addCustomOperator("TFLite_Detection_PostProcess", 1, new int[] {boxes, scores, anchors},
        new int[] {o0, o1, o2, o3}, options(c));
    b.setInputs(boxes, scores).setOutputs(o0, o1, o2, o3);
    ByteBuffer m = b.build();
    CompiledModel compiled = CompiledModel.fromBuffer(m, InterpreterOptions.defaults());
    ByteBuffer in1 = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : new float[] {0f, 0.9f, 0.1f, 0.5f, 0f, 0.2f, 0.8f, 0.3f}) {
      in1.putFloat(v);
    }
    byte[][] out = Differential.run(compiled, new byte[][] {new byte[32], in1.array()});
    float[] expectedBoxes = {0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f,
        0.05f, 0.05f, 0.15f, 0.15f, 0.05f, 0.05f, 0.15f, 0.15f};
    for (int i = 0; i < 16; i++) {
      assertEquals(expectedBoxes[i], f(out[0], i), 1e-6f, "box value " + i);
    }
    float[] expectedClasses = {0f, 2f, 1f, 2f};
    float[] expectedScores = {0.9f, 0.5f, 0.8f, 0.3f};
    for (int i = 0; i < 4; i++) {
      assertEquals(expectedClasses[i], f(out[1], i), "class " + i);
      assertEquals(expectedScores[i], f(out[2], i), "score " + i);
    }
    assertEquals(2f, f(out[3], 0));
  }

  @Test
  void optionsAreParsedFromFlexbuffers() {
    Config c = new Config(5, 3, true, 7, 2, 4, true, 0.25f, 0.5f, DataType.FLOAT32, DataType.FLOAT32, false);
    var o = TfliteDetectionPostProcess.parseOptions(ByteBuffer.wrap(options(c)));
    assertEquals(7, o.maxDetections());
    assertEquals(2, o.maxClassesPerDetection());
    assertEquals(4, o.detectionsPerClass());
    assertEquals(true, o.useRegularNms());
    assertEquals(0.25f, o.scoreThreshold());
    assertEquals(0.5f, o.iouThreshold());
    assertEquals(3, o.numClasses());
    assertEquals(10f, o.yScale());
    assertEquals(5f, o.wScale());
  }
}
