package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.kernels.conv.PoolKernels;
import io.tflited.runtime.ops.Padding;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PoolVector against the scalar twin PoolKernels, byte for byte (int8, uint8 and float32):
 * channel counts around the int and byte lane counts, filters 1x1 to 7x7 and global pools,
 * strides 1-3, both paddings, activation ranges, min/max fills, row splits. The 8-bit average
 * runs both the entry this width uses and the pair layout (the 128-bit path) at every width.
 */
class PoolVectorParityTest {
  private static final int SAME = io.tflited.runtime.model.fb.Padding.SAME;
  private static final int VALID = io.tflited.runtime.model.fb.Padding.VALID;

  private static int[] channelCounts() {
    int i = Species.I.length();
    int b = Species.B.length();
    return new int[] {1, 3, i - 1, i, i + 1, 2 * i - 1, 2 * i, 2 * i + 1, 4 * i + 3, b - 1, b,
        b + 1, 2 * b + 5};
  }

  private static ConvGeometry geometry(Random rnd, int c, int pad, boolean global) {
    int fh = global ? 5 : 1 + rnd.nextInt(4);
    int fw = global ? 5 : 1 + rnd.nextInt(4);
    int sh = 1 + rnd.nextInt(3);
    int sw = 1 + rnd.nextInt(3);
    int inH = global ? 5 : fh + rnd.nextInt(7);
    int inW = global ? 5 : fw + rnd.nextInt(7);
    int outH = Padding.outSize(pad, inH, fh, sh, 1);
    int outW = Padding.outSize(pad, inW, fw, sw, 1);
    return new ConvGeometry(1 + rnd.nextInt(2), inH, inW, c, outH, outW, c, fh, fw, sh, sw, 1, 1,
        Padding.before(sh, 1, inH, fh, outH), Padding.before(sw, 1, inW, fw, outW));
  }

  @Test
  void eightBitMatchesScalarExactly() {
    Random rnd = new Random(5);
    int cases = 0;
    for (int c : channelCounts()) {
      for (int pad : new int[] {SAME, VALID}) {
        for (int rep = 0; rep < 12; rep++) {
          boolean signed = rep % 2 == 0;
          boolean average = rep % 4 < 2;
          ConvGeometry g = geometry(rnd, c, pad, rep == 11);
          int n = g.batches() * g.inH() * g.inW() * c;
          byte[] in = new byte[n + 3];
          int mode = rep % 6;
          for (int i = 0; i < in.length; i++) {
            in[i] = switch (mode) {
              case 0 -> (byte) 0x80;
              case 1 -> (byte) 0x7f;
              case 2 -> (byte) 0xff;
              case 3 -> (byte) (rnd.nextBoolean() ? 0x80 : 0x7f);
              default -> (byte) rnd.nextInt(256);
            };
          }
          int lo = signed ? -128 : 0;
          int hi = signed ? 127 : 255;
          if (rep % 3 == 1) {
            lo = signed ? rnd.nextInt(60) - 30 : rnd.nextInt(60);
            hi = lo + rnd.nextInt(60);
          }
          if (!average || PoolVector.averageExact(g.kh() * g.kw())) {
            check8(rnd, g, signed, average, in, lo, hi);
            cases++;
          }
        }
      }
    }
    assertTrue(cases > 100, "only " + cases + " cases ran");
  }

  private static void check8(
      Random rnd, ConvGeometry g, boolean signed, boolean average, byte[] in, int lo, int hi) {
    int outLen = g.batches() * g.outH() * g.outW() * g.inC();
    byte[] expected = new byte[outLen + 1];
    PoolKernels.poolInt(g, average, signed ? PoolKernels.S8 : PoolKernels.U8, in, 3, lo, hi,
        expected, 1);
    int rows = g.batches() * g.outH();
    int split = rnd.nextInt(rows + 1);
    // 0: the public entry (this width's layout); 1: the pair layout.
    int variants = average ? 2 : 1;
    for (int variant = 0; variant < variants; variant++) {
      byte[] actual = new byte[outLen + 1];
      for (int[] part : new int[][] {{0, split}, {split, rows}}) {
        if (!average) {
          PoolVector.max8(g, signed, in, 3, lo, hi, actual, 1, part[0], part[1]);
        } else if (variant == 0) {
          PoolVector.average8(g, signed, in, 3, lo, hi, actual, 1, part[0], part[1]);
        } else {
          PoolVector.average8Pairs(g, signed, in, 3, lo, hi, actual, 1, part[0], part[1]);
        }
      }
      int v = variant;
      assertArrayEquals(expected, actual, () -> g + " signed " + signed + " average " + average
          + " range " + lo + ".." + hi + " variant " + v);
    }
  }

  @Test
  void floatMatchesScalarBitForBit() {
    Random rnd = new Random(9);
    for (int c : channelCounts()) {
      for (int pad : new int[] {SAME, VALID}) {
        for (int rep = 0; rep < 8; rep++) {
          boolean average = rep % 2 == 0;
          ConvGeometry g = geometry(rnd, c, pad, rep == 7);
          int n = g.batches() * g.inH() * g.inW() * c;
          byte[] in = new byte[4 * n + 4];
          for (int i = 0; i < n; i++) {
            LittleEndian.setFloat(in, 4 + 4 * i, (float) (rnd.nextGaussian() * 10));
          }
          float lo = rep % 3 == 0 ? Float.NEGATIVE_INFINITY : -1f;
          float hi = rep % 3 == 2 ? 6f : Float.POSITIVE_INFINITY;
          int outLen = g.batches() * g.outH() * g.outW() * c;
          byte[] expected = new byte[4 * outLen];
          PoolKernels.poolF32(g, average, in, 4, lo, hi, expected, 0);
          byte[] actual = new byte[4 * outLen];
          int rows = g.batches() * g.outH();
          PoolVector.poolF32(g, average, in, 4, lo, hi, actual, 0, 0, rows / 2);
          PoolVector.poolF32(g, average, in, 4, lo, hi, actual, 0, rows / 2, rows);
          assertArrayEquals(expected, actual, () -> g + " average " + average);
        }
      }
    }
  }
}
