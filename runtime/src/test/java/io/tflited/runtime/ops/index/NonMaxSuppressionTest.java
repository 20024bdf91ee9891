package io.tflited.runtime.ops.index;

import static io.tflited.runtime.ops.index.IndexHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.testing.Differential;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** NON_MAX_SUPPRESSION_V4 and V5 against hand-checked cases and TFLite 2.4.1. */
class NonMaxSuppressionTest {
  static byte[] model(boolean soft, int n, int maxOut) {
    ModelBuilder b = new ModelBuilder();
    int boxes = b.addTensor("boxes", DataType.FLOAT32, new int[] {n, 4});
    int scores = b.addTensor("scores", DataType.FLOAT32, new int[] {n});
    int max = b.addInt32Constant("max", new int[] {}, maxOut);
    int iou = b.addTensor("iou", DataType.FLOAT32, new int[] {});
    int thr = b.addTensor("score_threshold", DataType.FLOAT32, new int[] {});
    int sel = b.addTensor("selected", DataType.INT32, new int[] {maxOut});
    int num = b.addTensor("num", DataType.INT32, new int[] {});
    if (!soft) {
      b.addOperator(BuiltinOperator.NON_MAX_SUPPRESSION_V4, 1,
          new int[] {boxes, scores, max, iou, thr}, new int[] {sel, num});
      return b.setInputs(boxes, scores, iou, thr).setOutputs(sel, num).buildBytes();
    }
    int sigma = b.addTensor("sigma", DataType.FLOAT32, new int[] {});
    int selScores = b.addTensor("selected_scores", DataType.FLOAT32, new int[] {maxOut});
    b.addOperator(BuiltinOperator.NON_MAX_SUPPRESSION_V5, 1,
        new int[] {boxes, scores, max, iou, thr, sigma}, new int[] {sel, selScores, num});
    return b.setInputs(boxes, scores, iou, thr, sigma).setOutputs(sel, selScores, num)
        .buildBytes();
  }

  @Test
  void handChecked() throws Exception {
    // Box 1 overlaps box 0 (IoU 0.6 > 0.5) and is suppressed; box 2 is disjoint.
    byte[] boxes = floats(0, 0, 1, 1, 0, 0.25f, 1, 1.25f, 2, 2, 3, 3);
    byte[] m = model(false, 3, 4);
    byte[][] out = run(m, boxes, floats(0.9f, 0.8f, 0.7f), floats(0.5f), floats(0f));
    assertArrayEquals(new int[] {0, 2, 0, 0}, toInts(out[0]));
    assertArrayEquals(new int[] {2}, toInts(out[1]));
    // Score threshold is strict: 0.7 is not above 0.7.
    out = run(m, boxes, floats(0.9f, 0.8f, 0.7f), floats(0.5f), floats(0.7f));
    assertArrayEquals(new int[] {1}, toInts(out[1]));
    assertThrows(InvocationException.class,
        () -> run(m, boxes, floats(0.9f, 0.8f, 0.7f), floats(1.5f), floats(0f)));
    // A negative IoU threshold suppresses everything after the first pick (as TFLite).
    out = run(m, boxes, floats(0.9f, 0.8f, 0.7f), floats(-0.5f), floats(0f));
    assertArrayEquals(new int[] {0, 0, 0, 0}, toInts(out[0]));
    assertArrayEquals(new int[] {1}, toInts(out[1]));
    // Soft-NMS: box 1 is kept with a decayed score 0.8 * exp(-0.5 / 0.5 * 0.36).
    byte[] s = model(true, 3, 3);
    out = run(s, boxes, floats(0.9f, 0.8f, 0.7f), floats(1f), floats(0f), floats(0.5f));
    assertArrayEquals(new int[] {0, 2, 1}, toInts(out[0]));
    assertEquals(0.8 * Math.exp(-0.36), toFloats(out[1])[2], 1e-5);
    assertThrows(InvocationException.class, () -> run(s, boxes, floats(0.9f, 0.8f, 0.7f),
        floats(1f), floats(0f), floats(-1f)));
  }

  static byte[] randomBoxes(Random r, int n) {
    float[] b = new float[4 * n];
    for (int i = 0; i < n; i++) {
      float cy = r.nextFloat();
      float cx = r.nextFloat();
      float h = r.nextInt(10) == 0 ? 0f : 0.05f + r.nextFloat() * 0.5f;
      float w = 0.05f + r.nextFloat() * 0.5f;
      boolean flip = r.nextInt(4) == 0;
      b[4 * i] = flip ? cy + h / 2 : cy - h / 2;
      b[4 * i + 1] = cx - w / 2;
      b[4 * i + 2] = flip ? cy - h / 2 : cy + h / 2;
      b[4 * i + 3] = cx + w / 2;
    }
    return floats(b);
  }

  static byte[] randomScores(Random r, int n, boolean ties) {
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = ties ? r.nextInt(5) * 0.2f : r.nextFloat();
    }
    return floats(s);
  }

  @Test
  void differentialV4() throws Exception {
    Random r = new Random(61);
    for (int trial = 0; trial < 60; trial++) {
      int n = 1 + r.nextInt(trial % 5 == 0 ? 200 : 20);
      int maxOut = 1 + r.nextInt(n + 3);
      float iou = trial % 10 == 0 ? (trial % 20 == 0 ? 0f : 1f)
          : trial % 15 == 1 ? -0.5f : r.nextFloat();
      float thr = r.nextFloat() - 0.2f;
      Differential.assertMatchesTfLite(model(false, n, maxOut), new byte[][] {
          randomBoxes(r, n), randomScores(r, n, trial % 2 == 1), floats(iou), floats(thr)});
    }
  }

  @Test
  void differentialV5() throws Exception {
    Random r = new Random(62);
    for (int trial = 0; trial < 60; trial++) {
      int n = 1 + r.nextInt(trial % 5 == 0 ? 200 : 20);
      int maxOut = 1 + r.nextInt(n + 3);
      float iou = trial % 3 == 0 ? 1f : 0.3f + r.nextFloat() * 0.7f;
      float thr = r.nextFloat() * 0.5f - 0.1f;
      float sigma = trial % 4 == 0 ? 0f : 0.05f + r.nextFloat();
      Differential.assertMatchesTfLite(model(true, n, maxOut), new byte[][] {
          randomBoxes(r, n), randomScores(r, n, trial % 2 == 1), floats(iou), floats(thr),
          floats(sigma)});
    }
  }
}
