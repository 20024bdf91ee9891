package io.tflited.runtime.ops.index;

import io.tflited.runtime.DataType;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.index.NonMaxSuppressionKernel;
import io.tflited.runtime.ops.PrepareContext;
import io.tflited.runtime.ops.PreparedOp;
import java.util.Arrays;

/** Prepare and eval shared by NON_MAX_SUPPRESSION_V4 and V5 (float32). */
final class NonMaxSuppressionSupport {
  private NonMaxSuppressionSupport() {}

  static final int BOXES = 0;
  static final int SCORES = 1;
  static final int MAX_OUTPUT_SIZE = 2;
  static final int IOU_THRESHOLD = 3;
  static final int SCORE_THRESHOLD = 4;
  static final int SIGMA = 5;

  static PreparedOp prepare(PrepareContext ctx, boolean soft) throws ModelException {
    ctx.checkInputCount(soft ? 6 : 5, soft ? 6 : 5);
    ctx.checkOutputCount(soft ? 3 : 2, soft ? 3 : 2);
    TensorSpec boxes = ctx.input(BOXES);
    TensorSpec scores = ctx.input(SCORES);
    TensorSpec maxT = ctx.input(MAX_OUTPUT_SIZE);
    TensorSpec iouT = ctx.input(IOU_THRESHOLD);
    TensorSpec scoreT = ctx.input(SCORE_THRESHOLD);
    ctx.requireType(boxes, "boxes", DataType.FLOAT32);
    ctx.requireType(scores, "scores", DataType.FLOAT32);
    ctx.requireType(iouT, "iou_threshold", DataType.FLOAT32);
    ctx.requireType(scoreT, "score_threshold", DataType.FLOAT32);
    ctx.requireType(maxT, "max_output_size", DataType.INT32);
    ctx.requireRank(boxes, "boxes", 2);
    ctx.requireRank(scores, "scores", 1);
    ctx.requireRank(maxT, "max_output_size", 0);
    ctx.requireRank(iouT, "iou_threshold", 0);
    ctx.requireRank(scoreT, "score_threshold", 0);
    if (boxes.dim(1) != 4 || scores.dim(0) != boxes.dim(0)) {
      throw ctx.error("boxes " + Arrays.toString(boxes.shape()) + " and scores "
          + Arrays.toString(scores.shape()) + " must be [n, 4] and [n]");
    }
    int sigmaIndex = -1;
    if (soft) {
      TensorSpec sigmaT = ctx.input(SIGMA);
      ctx.requireType(sigmaT, "soft_nms_sigma", DataType.FLOAT32);
      ctx.requireRank(sigmaT, "soft_nms_sigma", 0);
      sigmaIndex = ctx.inputIndex(SIGMA);
    }
    int maxOut = IndexSupport.knownScalar(ctx, maxT, "max_output_size");
    if (maxOut < 0) {
      throw ctx.error("max_output_size " + maxOut + " is negative");
    }
    int idxSlot = 0;
    int scoresSlot = soft ? 1 : -1;
    int numSlot = soft ? 2 : 1;
    ctx.requireType(ctx.output(idxSlot), "selected_indices", DataType.INT32);
    ctx.requireType(ctx.output(numSlot), "num_valid", DataType.INT32);
    ctx.setOutputShape(idxSlot, maxOut);
    if (soft) {
      ctx.requireType(ctx.output(scoresSlot), "selected_scores", DataType.FLOAT32);
      ctx.setOutputShape(scoresSlot, maxOut);
    }
    ctx.setOutputShape(numSlot);
    int n = boxes.dim(0);
    int heap = ctx.scratch((long) Math.max(1, n) * NonMaxSuppressionKernel.ENTRY_BYTES);
    int bi = ctx.inputIndex(BOXES);
    int si = ctx.inputIndex(SCORES);
    int ii = ctx.inputIndex(IOU_THRESHOLD);
    int ti = ctx.inputIndex(SCORE_THRESHOLD);
    int gi = sigmaIndex;
    int io = ctx.outputIndex(idxSlot);
    int so = soft ? ctx.outputIndex(scoresSlot) : -1;
    int no = ctx.outputIndex(numSlot);
    return c -> {
      float iou = LittleEndian.getFloat(c.array(ii), c.offset(ii));
      float scoreThreshold = LittleEndian.getFloat(c.array(ti), c.offset(ti));
      float sigma = gi < 0 ? 0f : LittleEndian.getFloat(c.array(gi), c.offset(gi));
      if (!(iou <= 1f)) {
        // TFLite 2.4.1 outputs all-zero indices with a nonzero count there: unusable.
        throw new InvocationException("NON_MAX_SUPPRESSION iou_threshold " + iou
            + " is above 1 (or NaN)");
      }
      if (sigma < 0f) {
        throw new InvocationException("Invalid sigma value for soft NMS: " + sigma);
      }
      byte[] idx = c.array(io);
      int idxOff = c.offset(io);
      byte[] sc = so < 0 ? null : c.array(so);
      int scOff = so < 0 ? 0 : c.offset(so);
      int selected = NonMaxSuppressionKernel.run(c.array(bi), c.offset(bi), c.array(si),
          c.offset(si), n, maxOut, iou, scoreThreshold, sigma, idx, idxOff, sc, scOff,
          c.array(heap), c.offset(heap));
      Arrays.fill(idx, idxOff + 4 * selected, idxOff + 4 * maxOut, (byte) 0);
      if (sc != null) {
        Arrays.fill(sc, scOff + 4 * selected, scOff + 4 * maxOut, (byte) 0);
      }
      LittleEndian.setInt(c.array(no), c.offset(no), selected);
    };
  }
}
