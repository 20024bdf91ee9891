package io.tflited.runtime.ops.detection;

import com.google.flatbuffers.FlexBuffers;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.detection.ArgSort;
import io.tflited.runtime.ops.ExecContext;
import io.tflited.runtime.ops.OpKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The custom op TFLite_Detection_PostProcess (SSD box decoding + non-max suppression) as TFLite
 * 2.4.1's kernels/detection_postprocess.cc: box encodings float32/uint8/int8 (dequantized), class
 * predictions float32/uint8/int8, anchors float32/uint8; fast (per-anchor top classes) or regular
 * (per-class) NMS; four float outputs (boxes, classes, scores, num_detections).
 */
public final class TfliteDetectionPostProcess implements OpKernel {
  public static final int BOX_ENCODINGS = 0;
  public static final int CLASS_PREDICTIONS = 1;
  public static final int ANCHORS = 2;
  public static final int DETECTION_BOXES = 0;
  public static final int DETECTION_CLASSES = 1;
  public static final int DETECTION_SCORES = 2;
  public static final int NUM_DETECTIONS = 3;

  /** Parsed custom options. */
  record Options(
      int maxDetections,
      int maxClassesPerDetection,
      int detectionsPerClass,
      boolean useRegularNms,
      float scoreThreshold,
      float iouThreshold,
      int numClasses,
      float yScale,
      float xScale,
      float hScale,
      float wScale) {}

  static Options parseOptions(ByteBuffer custom) {
    byte[] bytes = new byte[custom.remaining()];
    custom.duplicate().get(bytes);
    if (bytes.length == 0) {
      return new Options(0, 0, 100, false, 0f, 0f, 0, 0f, 0f, 0f, 0f);
    }
    FlexBuffers.Map m = FlexBuffers.getRoot(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)).asMap();
    FlexBuffers.Reference dpc = m.get("detections_per_class");
    FlexBuffers.Reference regular = m.get("use_regular_nms");
    return new Options(
        m.get("max_detections").asInt(),
        m.get("max_classes_per_detection").asInt(),
        dpc.isNull() ? 100 : dpc.asInt(),
        !regular.isNull() && regular.asBoolean(),
        (float) m.get("nms_score_threshold").asFloat(),
        (float) m.get("nms_iou_threshold").asFloat(),
        m.get("num_classes").asInt(),
        (float) m.get("y_scale").asFloat(),
        (float) m.get("x_scale").asFloat(),
        (float) m.get("h_scale").asFloat(),
        (float) m.get("w_scale").asFloat());
  }

  @Override
  public PreparedOp prepare(PrepareContext ctx) throws ModelException {
    ctx.checkInputCount(3, 3);
    ctx.checkOutputCount(4, 4);
    final Options o;
    try {
      o = parseOptions(ctx.customOptions());
    } catch (RuntimeException e) {
      throw ctx.error("cannot read the flexbuffer custom options: " + e.getMessage());
    }
    TensorSpec boxesIn = ctx.input(BOX_ENCODINGS);
    TensorSpec classesIn = ctx.input(CLASS_PREDICTIONS);
    TensorSpec anchorsIn = ctx.input(ANCHORS);
    ctx.requireRank(boxesIn, "box_encodings", 3);
    ctx.requireRank(classesIn, "class_predictions", 3);
    ctx.requireRank(anchorsIn, "anchors", 2);
    ctx.requireType(boxesIn, "box_encodings", DataType.FLOAT32, DataType.UINT8, DataType.INT8);
    ctx.requireType(classesIn, "class_predictions", DataType.FLOAT32, DataType.UINT8, DataType.INT8);
    ctx.requireType(anchorsIn, "anchors", DataType.FLOAT32, DataType.UINT8, DataType.INT8);
    if (boxesIn.dim(0) != 1 || classesIn.dim(0) != 1) {
      throw ctx.error("only batch size 1 is supported");
    }
    final int numBoxes = boxesIn.dim(1);
    final int boxLength = boxesIn.dim(2);
    if (boxLength < 4) {
      throw ctx.error("box_encodings last dimension " + boxLength + " < 4");
    }
    if (classesIn.dim(1) != numBoxes) {
      throw ctx.error("class_predictions has " + classesIn.dim(1) + " boxes, box_encodings " + numBoxes);
    }
    if (anchorsIn.dim(0) != numBoxes || anchorsIn.dim(1) != 4) {
      throw ctx.error("anchors must have shape [" + numBoxes + ", 4]");
    }
    final int numClasses = o.numClasses();
    final int ncb = classesIn.dim(2);
    if (ncb - numClasses > 1 || ncb < numClasses || numClasses <= 0) {
      throw ctx.error("num_classes " + numClasses + " does not fit class_predictions depth " + ncb);
    }
    if (o.maxDetections() < 0) {
      throw ctx.error("max_detections must be >= 0");
    }
    if (!(o.iouThreshold() > 0f && o.iouThreshold() <= 1f)) {
      throw ctx.error("nms_iou_threshold must be in (0, 1]");
    }
    if (o.useRegularNms() ? o.detectionsPerClass() <= 0 : o.maxClassesPerDetection() <= 0) {
      throw ctx.error(o.useRegularNms()
          ? "detections_per_class must be > 0" : "max_classes_per_detection must be > 0");
    }
    for (TensorSpec t : new TensorSpec[] {boxesIn, classesIn, anchorsIn}) {
      if (t.type() != DataType.FLOAT32 && !(t.quantization().isQuantized() && t.scale() > 0)) {
        throw ctx.error(t.name() + " is quantized without a positive scale");
      }
    }
    final int numDetected = Math.multiplyExact(o.maxDetections(), o.maxClassesPerDetection());
    ctx.setOutputShape(DETECTION_BOXES, 1, numDetected, 4);
    ctx.setOutputShape(DETECTION_CLASSES, 1, numDetected);
    ctx.setOutputShape(DETECTION_SCORES, 1, numDetected);
    ctx.setOutputShape(NUM_DETECTIONS, 1);
    for (int i = 0; i < 4; i++) {
      ctx.requireType(ctx.output(i), "output " + i, DataType.FLOAT32);
    }

    Layout l = new Layout(numBoxes, ncb, numClasses, o.maxDetections(), o.useRegularNms());
    final int scratch = ctx.scratch(l.total);
    final Eval e = new Eval(o, l, numBoxes, boxLength, ncb,
        ctx.inputIndex(BOX_ENCODINGS), boxesIn.type(), scaleOf(boxesIn), zeroPointOf(boxesIn),
        ctx.inputIndex(CLASS_PREDICTIONS), classesIn.type(), scaleOf(classesIn), zeroPointOf(classesIn),
        ctx.inputIndex(ANCHORS), anchorsIn.type(), scaleOf(anchorsIn), zeroPointOf(anchorsIn),
        new int[] {ctx.outputIndex(0), ctx.outputIndex(1), ctx.outputIndex(2), ctx.outputIndex(3)},
        scratch, numDetected);
    return e;
  }

  private static float scaleOf(TensorSpec t) {
    return t.type() == DataType.FLOAT32 || !t.quantization().isQuantized() ? 1f : t.scale();
  }

  private static int zeroPointOf(TensorSpec t) {
    return t.type() == DataType.FLOAT32 || !t.quantization().isQuantized() ? 0 : t.zeroPoint();
  }

  /** Byte offsets of the work arrays inside the scratch buffer. */
  static final class Layout {
    final int boxes;
    final int scores;
    final int active;
    final int keepScores;
    final int keepIdx;
    final int sortIdx;
    final int selected;
    final int classScores;
    final int sortedClassIdx;
    final int boxIdxAfter;
    final int scoresAfter;
    final int sortedIdx2;
    final int sortedVals;
    final long total;

    Layout(int b, int ncb, int c, int m, boolean regular) {
      long p = 0;
      boxes = (int) p;
      p += 16L * b;
      scores = (int) p;
      p += 4L * b * ncb;
      active = (int) p;
      p += (b + 3) & ~3;
      keepScores = (int) p;
      p += 4L * b;
      keepIdx = (int) p;
      p += 4L * b;
      sortIdx = (int) p;
      p += 4L * b;
      selected = (int) p;
      p += 4L * b;
      classScores = (int) p;
      p += 4L * b;
      sortedClassIdx = (int) p;
      p += regular ? 0 : 4L * b * c;
      boxIdxAfter = (int) p;
      p += regular ? 4L * (b + m) : 0;
      scoresAfter = (int) p;
      p += regular ? 4L * (b + m) : 0;
      sortedIdx2 = (int) p;
      p += regular ? 4L * (b + m) : 0;
      sortedVals = (int) p;
      p += regular ? 4L * m : 0;
      total = p + 8;
    }
  }

  private static final class Eval implements PreparedOp {
    private final Options o;
    private final Layout l;
    private final int numBoxes;
    private final int boxLength;
    private final int ncb;
    private final int boxesT;
    private final DataType boxesType;
    private final float boxScale;
    private final int boxZp;
    private final int classesT;
    private final DataType classesType;
    private final float classScale;
    private final int classZp;
    private final int anchorsT;
    private final DataType anchorsType;
    private final float anchorScale;
    private final int anchorZp;
    private final int[] outs;
    private final int scratch;
    private final int numDetected;

    Eval(Options o, Layout l, int numBoxes, int boxLength, int ncb, int boxesT, DataType boxesType,
        float boxScale, int boxZp, int classesT, DataType classesType, float classScale,
        int classZp, int anchorsT, DataType anchorsType, float anchorScale, int anchorZp,
        int[] outs, int scratch, int numDetected) {
      this.o = o;
      this.l = l;
      this.numBoxes = numBoxes;
      this.boxLength = boxLength;
      this.ncb = ncb;
      this.boxesT = boxesT;
      this.boxesType = boxesType;
      this.boxScale = boxScale;
      this.boxZp = boxZp;
      this.classesT = classesT;
      this.classesType = classesType;
      this.classScale = classScale;
      this.classZp = classZp;
      this.anchorsT = anchorsT;
      this.anchorsType = anchorsType;
      this.anchorScale = anchorScale;
      this.anchorZp = anchorZp;
      this.outs = outs;
      this.scratch = scratch;
      this.numDetected = numDetected;
    }

    /** Dequantizer of the box encodings and anchors: (float(x) - zp) * scale. */
    private static float element(byte[] a, int off, int i, DataType t, float scale, int zp) {
      return switch (t) {
        case FLOAT32 -> LittleEndian.getFloat(a, off + 4 * i);
        case UINT8 -> ((float) (a[off + i] & 0xff) - zp) * scale;
        default -> ((float) a[off + i] - zp) * scale;
      };
    }

    @Override
    public void eval(ExecContext ctx) throws InvocationException {
      final byte[] s = ctx.array(scratch);
      final int so = ctx.offset(scratch);
      for (int i = 0; i < 4; i++) {
        byte[] a = ctx.array(outs[i]);
        int off = ctx.offset(outs[i]);
        int bytes = 4 * (i == DETECTION_BOXES ? 4 * numDetected : i == NUM_DETECTIONS ? 1 : numDetected);
        java.util.Arrays.fill(a, off, off + bytes, (byte) 0);
      }
      decodeBoxes(ctx, s, so);
      // Scores as floats.
      byte[] ca = ctx.array(classesT);
      int co = ctx.offset(classesT);
      int n = numBoxes * ncb;
      for (int i = 0; i < n; i++) {
        float v;
        switch (classesType) {
          case FLOAT32 -> v = LittleEndian.getFloat(ca, co + 4 * i);
          // optimized_ops::Dequantize: float(double(scale) * (x - zp)).
          case UINT8 -> v = (float) ((double) classScale * ((ca[co + i] & 0xff) - classZp));
          default -> v = (float) ((double) classScale * (ca[co + i] - classZp));
        }
        LittleEndian.setFloat(s, so + l.scores + 4 * i, v);
      }
      if (o.useRegularNms()) {
        regular(ctx, s, so);
      } else {
        fast(ctx, s, so);
      }
    }

    private void decodeBoxes(ExecContext ctx, byte[] s, int so) {
      byte[] ba = ctx.array(boxesT);
      int bo = ctx.offset(boxesT);
      byte[] aa = ctx.array(anchorsT);
      int ao = ctx.offset(anchorsT);
      for (int idx = 0; idx < numBoxes; idx++) {
        int bi = idx * boxLength;
        float by = element(ba, bo, bi, boxesType, boxScale, boxZp);
        float bx = element(ba, bo, bi + 1, boxesType, boxScale, boxZp);
        float bh = element(ba, bo, bi + 2, boxesType, boxScale, boxZp);
        float bw = element(ba, bo, bi + 3, boxesType, boxScale, boxZp);
        int ai = idx * 4;
        float ay = element(aa, ao, ai, anchorsType, anchorScale, anchorZp);
        float ax = element(aa, ao, ai + 1, anchorsType, anchorScale, anchorZp);
        float ah = element(aa, ao, ai + 2, anchorsType, anchorScale, anchorZp);
        float aw = element(aa, ao, ai + 3, anchorsType, anchorScale, anchorZp);
        float ycenter = (float) ((double) by / (double) o.yScale() * (double) ah + (double) ay);
        float xcenter = (float) ((double) bx / (double) o.xScale() * (double) aw + (double) ax);
        float halfH = (float) (0.5 * Math.exp((double) bh / (double) o.hScale()) * (double) ah);
        float halfW = (float) (0.5 * Math.exp((double) bw / (double) o.wScale()) * (double) aw);
        int d = so + l.boxes + 16 * idx;
        LittleEndian.setFloat(s, d, ycenter - halfH);
        LittleEndian.setFloat(s, d + 4, xcenter - halfW);
        LittleEndian.setFloat(s, d + 8, ycenter + halfH);
        LittleEndian.setFloat(s, d + 12, xcenter + halfW);
      }
    }

    private float box(byte[] s, int so, int i, int k) {
      return LittleEndian.getFloat(s, so + l.boxes + 16 * i + 4 * k);
    }

    private float iou(byte[] s, int so, int i, int j) {
      float iymin = box(s, so, i, 0);
      float ixmin = box(s, so, i, 1);
      float iymax = box(s, so, i, 2);
      float ixmax = box(s, so, i, 3);
      float jymin = box(s, so, j, 0);
      float jxmin = box(s, so, j, 1);
      float jymax = box(s, so, j, 2);
      float jxmax = box(s, so, j, 3);
      float areaI = (iymax - iymin) * (ixmax - ixmin);
      float areaJ = (jymax - jymin) * (jxmax - jxmin);
      if (areaI <= 0 || areaJ <= 0) {
        return 0f;
      }
      float ymin = Math.max(iymin, jymin);
      float xmin = Math.max(ixmin, jxmin);
      float ymax = Math.min(iymax, jymax);
      float xmax = Math.min(ixmax, jxmax);
      float inter = Math.max(ymax - ymin, 0f) * Math.max(xmax - xmin, 0f);
      return inter / (areaI + areaJ - inter);
    }

    /**
     * NonMaxSuppressionSingleClassHelper over the float scores at s[so + scoresOff]; writes the
     * selected box indices to l.selected and returns their count.
     */
    private int singleClass(byte[] s, int so, int scoresOff, int maxDetections)
        throws InvocationException {
      for (int i = 0; i < numBoxes; i++) {
        if (box(s, so, i, 0) > box(s, so, i, 2) || box(s, so, i, 1) > box(s, so, i, 3)) {
          throw new InvocationException(
              "TFLite_Detection_PostProcess: decoded box " + i + " has min > max");
        }
      }
      int kept = 0;
      for (int i = 0; i < numBoxes; i++) {
        float v = LittleEndian.getFloat(s, so + scoresOff + 4 * i);
        if (v >= o.scoreThreshold()) {
          LittleEndian.setFloat(s, so + l.keepScores + 4 * kept, v);
          LittleEndian.setInt(s, so + l.keepIdx + 4 * kept, i);
          kept++;
        }
      }
      // TFLite 2.4.1 sorts with std::partial_sort over all kept scores (not a stable sort):
      // equal scores come out in libstdc++'s heap order, which ArgSort reproduces.
      ArgSort.decreasingPartialArgSort(s, so + l.keepScores, kept, kept, s, so + l.sortIdx);
      int outputSize = Math.min(kept, maxDetections);
      int numActive = kept;
      for (int i = 0; i < kept; i++) {
        s[so + l.active + i] = 1;
      }
      int count = 0;
      for (int i = 0; i < kept; i++) {
        if (numActive == 0 || count >= outputSize) {
          break;
        }
        if (s[so + l.active + i] != 1) {
          continue;
        }
        int bi = LittleEndian.getInt(s, so + l.keepIdx + 4 * LittleEndian.getInt(s, so + l.sortIdx + 4 * i));
        LittleEndian.setInt(s, so + l.selected + 4 * count++, bi);
        s[so + l.active + i] = 0;
        numActive--;
        for (int j = i + 1; j < kept; j++) {
          if (s[so + l.active + j] == 1) {
            int bj = LittleEndian.getInt(s, so + l.keepIdx + 4 * LittleEndian.getInt(s, so + l.sortIdx + 4 * j));
            if (iou(s, so, bi, bj) > o.iouThreshold()) {
              s[so + l.active + j] = 0;
              numActive--;
            }
          }
        }
      }
      return count;
    }

    private void fast(ExecContext ctx, byte[] s, int so) throws InvocationException {
      final int numClasses = o.numClasses();
      final int labelOffset = ncb - numClasses;
      final int perAnchor = Math.min(o.maxClassesPerDetection(), numClasses);
      for (int row = 0; row < numBoxes; row++) {
        int scoresRow = so + l.scores + 4 * (row * ncb + labelOffset);
        int idxRow = so + l.sortedClassIdx + 4 * row * numClasses;
        ArgSort.decreasingPartialArgSort(s, scoresRow, numClasses, perAnchor, s, idxRow);
        float max = LittleEndian.getFloat(s, scoresRow + 4 * LittleEndian.getInt(s, idxRow));
        LittleEndian.setFloat(s, so + l.classScores + 4 * row, max);
      }
      int count = singleClass(s, so, l.classScores, o.maxDetections());
      byte[] boxesA = ctx.array(outs[DETECTION_BOXES]);
      int boxesO = ctx.offset(outs[DETECTION_BOXES]);
      byte[] classesA = ctx.array(outs[DETECTION_CLASSES]);
      int classesO = ctx.offset(outs[DETECTION_CLASSES]);
      byte[] scoresA = ctx.array(outs[DETECTION_SCORES]);
      int scoresO = ctx.offset(outs[DETECTION_SCORES]);
      for (int k = 0; k < count; k++) {
        int sel = LittleEndian.getInt(s, so + l.selected + 4 * k);
        int scoresRow = so + l.scores + 4 * (sel * ncb + labelOffset);
        int idxRow = so + l.sortedClassIdx + 4 * sel * numClasses;
        for (int col = 0; col < perAnchor; col++) {
          int boxOffset = o.maxClassesPerDetection() * k + col;
          System.arraycopy(s, so + l.boxes + 16 * sel, boxesA, boxesO + 16 * boxOffset, 16);
          int cls = LittleEndian.getInt(s, idxRow + 4 * col);
          LittleEndian.setFloat(classesA, classesO + 4 * boxOffset, cls);
          LittleEndian.setFloat(scoresA, scoresO + 4 * boxOffset, LittleEndian.getFloat(s, scoresRow + 4 * cls));
        }
      }
      LittleEndian.setFloat(ctx.array(outs[NUM_DETECTIONS]), ctx.offset(outs[NUM_DETECTIONS]), count);
    }

    private void regular(ExecContext ctx, byte[] s, int so) throws InvocationException {
      final int numClasses = o.numClasses();
      final int labelOffset = ncb - numClasses;
      final int maxDetections = o.maxDetections();
      int sizeOfSorted = 0;
      for (int col = 0; col < numClasses; col++) {
        for (int row = 0; row < numBoxes; row++) {
          LittleEndian.setFloat(s, so + l.classScores + 4 * row,
              LittleEndian.getFloat(s, so + l.scores + 4 * (row * ncb + col + labelOffset)));
        }
        int count = singleClass(s, so, l.classScores, o.detectionsPerClass());
        int outputIndex = sizeOfSorted;
        for (int k = 0; k < count; k++) {
          int sel = LittleEndian.getInt(s, so + l.selected + 4 * k);
          LittleEndian.setInt(s, so + l.boxIdxAfter + 4 * outputIndex, sel * ncb + col + labelOffset);
          LittleEndian.setFloat(s, so + l.scoresAfter + 4 * outputIndex,
              LittleEndian.getFloat(s, so + l.classScores + 4 * sel));
          outputIndex++;
        }
        int numToSort = Math.min(outputIndex, maxDetections);
        ArgSort.decreasingPartialArgSort(s, so + l.scoresAfter, outputIndex, numToSort, s, so + l.sortedIdx2);
        for (int row = 0; row < numToSort; row++) {
          int temp = LittleEndian.getInt(s, so + l.sortedIdx2 + 4 * row);
          LittleEndian.setInt(s, so + l.sortedIdx2 + 4 * row, LittleEndian.getInt(s, so + l.boxIdxAfter + 4 * temp));
          LittleEndian.setFloat(s, so + l.sortedVals + 4 * row, LittleEndian.getFloat(s, so + l.scoresAfter + 4 * temp));
        }
        for (int row = 0; row < numToSort; row++) {
          LittleEndian.setInt(s, so + l.boxIdxAfter + 4 * row, LittleEndian.getInt(s, so + l.sortedIdx2 + 4 * row));
          LittleEndian.setFloat(s, so + l.scoresAfter + 4 * row, LittleEndian.getFloat(s, so + l.sortedVals + 4 * row));
        }
        sizeOfSorted = numToSort;
      }
      byte[] boxesA = ctx.array(outs[DETECTION_BOXES]);
      int boxesO = ctx.offset(outs[DETECTION_BOXES]);
      byte[] classesA = ctx.array(outs[DETECTION_CLASSES]);
      int classesO = ctx.offset(outs[DETECTION_CLASSES]);
      byte[] scoresA = ctx.array(outs[DETECTION_SCORES]);
      int scoresO = ctx.offset(outs[DETECTION_SCORES]);
      for (int k = 0; k < maxDetections && k < sizeOfSorted; k++) {
        int boxIndex = LittleEndian.getInt(s, so + l.boxIdxAfter + 4 * k);
        int anchor = boxIndex / ncb;
        int cls = boxIndex - anchor * ncb - labelOffset;
        System.arraycopy(s, so + l.boxes + 16 * anchor, boxesA, boxesO + 16 * k, 16);
        LittleEndian.setFloat(classesA, classesO + 4 * k, cls);
        LittleEndian.setFloat(scoresA, scoresO + 4 * k, LittleEndian.getFloat(s, so + l.scoresAfter + 4 * k));
      }
      LittleEndian.setFloat(ctx.array(outs[NUM_DETECTIONS]), ctx.offset(outs[NUM_DETECTIONS]), sizeOfSorted);
    }
  }
}
