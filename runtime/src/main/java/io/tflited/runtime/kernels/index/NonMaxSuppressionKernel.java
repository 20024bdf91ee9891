package io.tflited.runtime.kernels.index;

import io.tflited.runtime.kernels.LittleEndian;

/**
 * Single-class (soft-)NMS as TFLite's reference NonMaxSuppression (float): candidates with
 * score > score_threshold enter a max-priority queue on score; the best is compared backwards
 * with the boxes selected since it was last examined; IoU >= iou_threshold suppresses it,
 * otherwise (sigma > 0) its score decays by exp(-0.5/sigma * iou^2) and it re-enters the
 * queue while above the threshold. The queue is a binary heap replaying libstdc++'s
 * push_heap/pop_heap exactly, so equal scores come out in TFLite's order.
 *
 * <p>Heap entries live in a scratch buffer, 12 bytes each: box index, score, suppress-begin.
 */
public final class NonMaxSuppressionKernel {
  private NonMaxSuppressionKernel() {}

  public static final int ENTRY_BYTES = 12;

  /** Returns the number selected; writes indices (and scores when scoresOut != null). */
  public static int run(byte[] boxes, int bOff, byte[] scores, int sOff, int numBoxes,
      int maxOutput, float iouThreshold, float scoreThreshold, float sigma, byte[] idxOut,
      int idxOff, byte[] scoresOut, int scoresOutOff, byte[] heap, int hOff) {
    int size = 0;
    for (int i = 0; i < numBoxes; i++) {
      float s = LittleEndian.getFloat(scores, sOff + 4 * i);
      if (s > scoreThreshold) {
        size = push(heap, hOff, size, i, s, 0);
      }
    }
    int numOutputs = Math.min(size, maxOutput);
    int selected = 0;
    if (numOutputs == 0) {
      return 0;
    }
    float scale = sigma > 0f ? (float) (-0.5 / sigma) : 0f; // computed in double, as TFLite
    while (selected < numOutputs && size > 0) {
      int index = LittleEndian.getInt(heap, hOff);
      float score = LittleEndian.getFloat(heap, hOff + 4);
      int begin = LittleEndian.getInt(heap, hOff + 8);
      float original = score;
      size = pop(heap, hOff, size);
      boolean hard = false;
      for (int j = selected - 1; j >= begin; j--) {
        float iou = iou(boxes, bOff, index, LittleEndian.getInt(idxOut, idxOff + 4 * j));
        if (iou >= iouThreshold) {
          hard = true;
          break;
        }
        if (sigma > 0f) {
          score = score * (float) Math.exp(scale * iou * iou);
        }
        if (score <= scoreThreshold) {
          break;
        }
      }
      begin = selected;
      if (!hard) {
        if (score == original) {
          LittleEndian.setInt(idxOut, idxOff + 4 * selected, index);
          if (scoresOut != null) {
            LittleEndian.setFloat(scoresOut, scoresOutOff + 4 * selected, score);
          }
          selected++;
        }
        if (score > scoreThreshold) {
          size = push(heap, hOff, size, index, score, begin);
        }
      }
    }
    return selected;
  }

  /** IoU of boxes i and j ([y1, x1, y2, x2], corners in any order); 0 for empty boxes. */
  static float iou(byte[] b, int off, int i, int j) {
    float iy1 = LittleEndian.getFloat(b, off + 16 * i);
    float ix1 = LittleEndian.getFloat(b, off + 16 * i + 4);
    float iy2 = LittleEndian.getFloat(b, off + 16 * i + 8);
    float ix2 = LittleEndian.getFloat(b, off + 16 * i + 12);
    float jy1 = LittleEndian.getFloat(b, off + 16 * j);
    float jx1 = LittleEndian.getFloat(b, off + 16 * j + 4);
    float jy2 = LittleEndian.getFloat(b, off + 16 * j + 8);
    float jx2 = LittleEndian.getFloat(b, off + 16 * j + 12);
    float iyMin = Math.min(iy1, iy2);
    float iyMax = Math.max(iy1, iy2);
    float ixMin = Math.min(ix1, ix2);
    float ixMax = Math.max(ix1, ix2);
    float jyMin = Math.min(jy1, jy2);
    float jyMax = Math.max(jy1, jy2);
    float jxMin = Math.min(jx1, jx2);
    float jxMax = Math.max(jx1, jx2);
    float areaI = (iyMax - iyMin) * (ixMax - ixMin);
    float areaJ = (jyMax - jyMin) * (jxMax - jxMin);
    if (areaI <= 0f || areaJ <= 0f) {
      return 0f;
    }
    float inter = Math.max(Math.min(iyMax, jyMax) - Math.max(iyMin, jyMin), 0f)
        * Math.max(Math.min(ixMax, jxMax) - Math.max(ixMin, jxMin), 0f);
    float union = areaI + areaJ - inter;
    return union == 0f ? 0f : inter / union;
  }

  private static float scoreAt(byte[] h, int off, int k) {
    return LittleEndian.getFloat(h, off + ENTRY_BYTES * k + 4);
  }

  private static void copy(byte[] h, int off, int from, int to) {
    System.arraycopy(h, off + ENTRY_BYTES * from, h, off + ENTRY_BYTES * to, ENTRY_BYTES);
  }

  private static void set(byte[] h, int off, int k, int index, float score, int begin) {
    LittleEndian.setInt(h, off + ENTRY_BYTES * k, index);
    LittleEndian.setFloat(h, off + ENTRY_BYTES * k + 4, score);
    LittleEndian.setInt(h, off + ENTRY_BYTES * k + 8, begin);
  }

  /** priority_queue::push = push_back + std::push_heap; returns the new size. */
  private static int push(byte[] h, int off, int size, int index, float score, int begin) {
    siftUp(h, off, size, 0, index, score, begin);
    return size + 1;
  }

  /** libstdc++ __push_heap: moves the hole up while the parent is less than the value. */
  private static void siftUp(byte[] h, int off, int hole, int top, int index, float score,
      int begin) {
    int parent = (hole - 1) / 2;
    while (hole > top && scoreAt(h, off, parent) < score) {
      copy(h, off, parent, hole);
      hole = parent;
      parent = (hole - 1) / 2;
    }
    set(h, off, hole, index, score, begin);
  }

  /** priority_queue::pop = std::pop_heap + pop_back (libstdc++ __adjust_heap); new size. */
  private static int pop(byte[] h, int off, int size) {
    if (size > 1) {
      int last = size - 1;
      int index = LittleEndian.getInt(h, off + ENTRY_BYTES * last);
      float score = scoreAt(h, off, last);
      int begin = LittleEndian.getInt(h, off + ENTRY_BYTES * last + 8);
      copy(h, off, 0, last);
      int len = last;
      int hole = 0;
      int second = 0;
      while (second < (len - 1) / 2) {
        second = 2 * (second + 1);
        if (scoreAt(h, off, second) < scoreAt(h, off, second - 1)) {
          second--;
        }
        copy(h, off, second, hole);
        hole = second;
      }
      if ((len & 1) == 0 && second == (len - 2) / 2) {
        second = 2 * (second + 1);
        copy(h, off, second - 1, hole);
        hole = second - 1;
      }
      siftUp(h, off, hole, 0, index, score, begin);
    }
    return size - 1;
  }
}
