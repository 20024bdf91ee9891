package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D over NHWC tensors with channels in the lanes, equal to the
 * scalar twin {@code kernels.conv.PoolKernels} bit for bit (int8, uint8 and float32; only taps
 * inside the input count). Rows [rowFrom, rowTo) of batches*outH, so threads split by rows.
 *
 * <ul>
 *   <li>Max, 8-bit: byte lanes. uint8 is handled as int8 with the sign bit flipped (x ^ 0x80
 *       preserves order), so one signed max serves both.
 *   <li>Average, 8-bit: int lanes sum at most area*255 (no overflow below 2^23 taps). The
 *       scalar rounds {@code (sum +- area/2) / area} toward zero; here the quotient is taken
 *       in float and truncated. That is exact when |n| + area < 2^24: the float quotient
 *       can only round across an integer k if |k - n/area| < ulp(k)/2 <= 2^-24 |k|, but
 *       |k - n/area| >= 1/area and |k| <= (|n| + area)/area. {@link #averageExact} checks it.
 *   <li>float32: the same sums in the same order, then / area, so identical to the scalar.
 * </ul>
 *
 * <p>8-bit average below 256 bits (NEON): an L-byte vector (L = int lanes) does not exist at
 * 128 bits, so a block is 2L channels, as in {@link DepthwiseVector}: each tap's 2L bytes are
 * widened to 2L shorts (same lane count), reinterpreted as L ints holding (even, odd) channel
 * pairs and split by shifts (even = pair << 16 >> 16, odd = pair >> 16) into two int sums; both
 * quotients, clamped to the 8-bit range, are re-interleaved (odd << 16 | even & 0xffff) and
 * narrowed to 2L bytes.
 */
public final class PoolVector {
  private PoolVector() {}

  private static final boolean ONE_BLOCK = Species.BITS >= 256;
  private static final VectorSpecies<Byte> BQ =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, Species.BITS / 4)));
  /** 2L bytes: one 8-bit average block of the pair layout. */
  private static final VectorSpecies<Byte> BH =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Species.BITS / 2));

  /** Whether the 8-bit average of a window of {@code area} taps can run here exactly. */
  public static boolean averageExact(int area) {
    return (long) area * 257 + area < (1 << 24);
  }

  /** 8-bit max pooling; {@code signed} selects int8 (else uint8). */
  public static void max8(
      ConvGeometry g, boolean signed, byte[] in, int inOff, int actMin, int actMax, byte[] out,
      int outOff, int rowFrom, int rowTo) {
    final int depth = g.inC();
    final int lanes = Species.B.length();
    final int vecEnd = depth - depth % lanes;
    final int flip = signed ? 0 : 0x80;
    for (int r = rowFrom; r < rowTo; r++) {
      int b = r / g.outH();
      int iy0 = (r % g.outH()) * g.strideH() - g.padH();
      int fy0 = Math.max(0, -iy0);
      int fy1 = Math.min(g.kh(), g.inH() - iy0);
      int o = outOff + r * g.outW() * depth;
      for (int ox = 0; ox < g.outW(); ox++, o += depth) {
        int ix0 = ox * g.strideW() - g.padW();
        int fx0 = Math.max(0, -ix0);
        int fx1 = Math.min(g.kw(), g.inW() - ix0);
        int base = inOff + ((b * g.inH() + iy0) * g.inW() + ix0) * depth;
        for (int c = 0; c < vecEnd; c += lanes) {
          maxBlock8(in, base + c, g.inW() * depth, depth, fy0, fy1, fx0, fx1, flip, actMin,
              actMax, out, o + c);
        }
        for (int c = vecEnd; c < depth; c++) {
          int acc = Integer.MIN_VALUE;
          for (int fy = fy0; fy < fy1; fy++) {
            for (int fx = fx0; fx < fx1; fx++) {
              int i = base + (fy * g.inW() + fx) * depth + c;
              acc = Math.max(acc, signed ? in[i] : in[i] & 0xff);
            }
          }
          out[o + c] = (byte) Math.min(Math.max(acc, actMin), actMax);
        }
      }
    }
  }

  private static void maxBlock8(
      byte[] in, int base, int rowStep, int depth, int fy0, int fy1, int fx0, int fx1, int flip,
      int actMin, int actMax, byte[] out, int o) {
    // An empty window leaves INT_MIN in the scalar twin, which the clamp lifts to actMin;
    // starting from -128 (flipped) gives the same after the clamp.
    ByteVector acc = ByteVector.broadcast(Species.B, (byte) -128);
    for (int fy = fy0; fy < fy1; fy++) {
      int i = base + fy * rowStep + fx0 * depth;
      for (int fx = fx0; fx < fx1; fx++, i += depth) {
        acc = acc.max(ByteVector.fromArray(Species.B, in, i).lanewise(VectorOperators.XOR,
            (byte) flip));
      }
    }
    acc.max((byte) (actMin ^ flip)).min((byte) (actMax ^ flip))
        .lanewise(VectorOperators.XOR, (byte) flip).intoArray(out, o);
  }

  /** 8-bit average pooling; requires {@link #averageExact} of the filter area. */
  public static void average8(
      ConvGeometry g, boolean signed, byte[] in, int inOff, int actMin, int actMax, byte[] out,
      int outOff, int rowFrom, int rowTo) {
    average8(g, !ONE_BLOCK, signed, in, inOff, actMin, actMax, out, outOff, rowFrom, rowTo);
  }

  /**
   * {@link #average8} in the pair layout: blocks of 2L channels (any width; used below 256
   * bits, where the L-lane layout has no L-byte vector).
   */
  static void average8Pairs(
      ConvGeometry g, boolean signed, byte[] in, int inOff, int actMin, int actMax, byte[] out,
      int outOff, int rowFrom, int rowTo) {
    average8(g, true, signed, in, inOff, actMin, actMax, out, outOff, rowFrom, rowTo);
  }

  /** {@link #average8} with blocks of L channels, or of 2L in the pair layout. */
  private static void average8(
      ConvGeometry g, boolean pairs, boolean signed, byte[] in, int inOff, int actMin,
      int actMax, byte[] out, int outOff, int rowFrom, int rowTo) {
    final int depth = g.inC();
    final int block = pairs ? 2 * Species.I.length() : Species.I.length();
    final int vecEnd = depth - depth % block;
    final int mask = signed ? -1 : 0xff;
    for (int r = rowFrom; r < rowTo; r++) {
      int b = r / g.outH();
      int iy0 = (r % g.outH()) * g.strideH() - g.padH();
      int fy0 = Math.max(0, -iy0);
      int fy1 = Math.min(g.kh(), g.inH() - iy0);
      int o = outOff + r * g.outW() * depth;
      for (int ox = 0; ox < g.outW(); ox++, o += depth) {
        int ix0 = ox * g.strideW() - g.padW();
        int fx0 = Math.max(0, -ix0);
        int fx1 = Math.min(g.kw(), g.inW() - ix0);
        int count = Math.max(0, fy1 - fy0) * Math.max(0, fx1 - fx0);
        int base = inOff + ((b * g.inH() + iy0) * g.inW() + ix0) * depth;
        for (int c = 0; c < vecEnd; c += block) {
          if (pairs) {
            averagePairs8(in, base + c, g.inW() * depth, depth, fy0, fy1, fx0, fx1,
                (short) mask, count, actMin, actMax, out, o + c);
          } else {
            averageBlock8(in, base + c, g.inW() * depth, depth, fy0, fy1, fx0, fx1, mask, count,
                actMin, actMax, out, o + c);
          }
        }
        for (int c = vecEnd; c < depth; c++) {
          int acc = 0;
          for (int fy = fy0; fy < fy1; fy++) {
            for (int fx = fx0; fx < fx1; fx++) {
              acc += in[base + (fy * g.inW() + fx) * depth + c] & mask;
            }
          }
          if (count == 0) {
            acc = 0;
          } else {
            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          }
          out[o + c] = (byte) Math.min(Math.max(acc, actMin), actMax);
        }
      }
    }
  }

  private static void averageBlock8(
      byte[] in, int base, int rowStep, int depth, int fy0, int fy1, int fx0, int fx1, int mask,
      int count, int actMin, int actMax, byte[] out, int o) {
    IntVector acc = IntVector.zero(Species.I);
    for (int fy = fy0; fy < fy1; fy++) {
      int i = base + fy * rowStep + fx0 * depth;
      for (int fx = fx0; fx < fx1; fx++, i += depth) {
        acc = acc.add(
            ((IntVector) ByteVector.fromArray(BQ, in, i).castShape(Species.I, 0)).and(mask));
      }
    }
    IntVector q;
    if (count == 0) {
      q = IntVector.zero(Species.I);
    } else {
      int half = count / 2;
      VectorMask<Integer> positive = acc.compare(VectorOperators.GT, 0);
      IntVector n = acc.add(IntVector.broadcast(Species.I, -half).blend(half, positive));
      FloatVector f = ((FloatVector) n.castShape(Species.F, 0)).div((float) count);
      q = (IntVector) f.convert(VectorOperators.F2I, 0);
    }
    ((ByteVector) q.max(actMin).min(actMax).castShape(BQ, 0)).intoArray(out, o);
  }

  private static void averagePairs8(
      byte[] in, int base, int rowStep, int depth, int fy0, int fy1, int fx0, int fx1,
      short mask, int count, int actMin, int actMax, byte[] out, int o) {
    IntVector even = IntVector.zero(Species.I);
    IntVector odd = IntVector.zero(Species.I);
    for (int fy = fy0; fy < fy1; fy++) {
      int i = base + fy * rowStep + fx0 * depth;
      for (int fx = fx0; fx < fx1; fx++, i += depth) {
        IntVector p = ((ShortVector) ByteVector.fromArray(BH, in, i).castShape(Species.S, 0))
            .and(mask).reinterpretAsInts();
        even = even.add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
        odd = odd.add(p.lanewise(VectorOperators.ASHR, 16));
      }
    }
    IntVector qe;
    IntVector qo;
    if (count == 0) {
      qe = IntVector.zero(Species.I);
      qo = qe;
    } else {
      // As averageBlock8, once per half.
      int half = count / 2;
      IntVector ne = even.add(IntVector.broadcast(Species.I, -half)
          .blend(half, even.compare(VectorOperators.GT, 0)));
      IntVector no = odd.add(IntVector.broadcast(Species.I, -half)
          .blend(half, odd.compare(VectorOperators.GT, 0)));
      qe = (IntVector) ((FloatVector) ne.castShape(Species.F, 0)).div((float) count)
          .convert(VectorOperators.F2I, 0);
      qo = (IntVector) ((FloatVector) no.castShape(Species.F, 0)).div((float) count)
          .convert(VectorOperators.F2I, 0);
    }
    qe = qe.max(actMin).min(actMax);
    qo = qo.max(actMin).min(actMax);
    ShortVector s = qo.lanewise(VectorOperators.LSHL, 16).or(qe.and(0xffff)).reinterpretAsShorts();
    ((ByteVector) s.castShape(BH, 0)).intoArray(out, o);
  }

  /** float32 pooling; {@code average} selects average (else max). */
  public static void poolF32(
      ConvGeometry g, boolean average, byte[] in, int inOff, float actMin, float actMax,
      byte[] out, int outOff, int rowFrom, int rowTo) {
    final int depth = g.inC();
    final int lanes = Species.F.length();
    final int vecEnd = depth - depth % lanes;
    for (int r = rowFrom; r < rowTo; r++) {
      int b = r / g.outH();
      int iy0 = (r % g.outH()) * g.strideH() - g.padH();
      int fy0 = Math.max(0, -iy0);
      int fy1 = Math.min(g.kh(), g.inH() - iy0);
      int o = outOff + 4 * r * g.outW() * depth;
      for (int ox = 0; ox < g.outW(); ox++, o += 4 * depth) {
        int ix0 = ox * g.strideW() - g.padW();
        int fx0 = Math.max(0, -ix0);
        int fx1 = Math.min(g.kw(), g.inW() - ix0);
        int count = Math.max(0, fy1 - fy0) * Math.max(0, fx1 - fx0);
        int base = (b * g.inH() + iy0) * g.inW() + ix0;
        for (int c = 0; c < vecEnd; c += lanes) {
          blockF32(in, inOff + 4 * (base * depth + c), 4 * g.inW() * depth, 4 * depth, fy0, fy1,
              fx0, fx1, average, count, actMin, actMax, out, o + 4 * c);
        }
        for (int c = vecEnd; c < depth; c++) {
          float acc = average ? 0f : Float.NEGATIVE_INFINITY;
          for (int fy = fy0; fy < fy1; fy++) {
            for (int fx = fx0; fx < fx1; fx++) {
              float v = LittleEndian.getFloat(in,
                  inOff + 4 * ((base + fy * g.inW() + fx) * depth + c));
              acc = average ? acc + v : Math.max(acc, v);
            }
          }
          if (average) {
            acc = count == 0 ? 0f : acc / count;
          }
          LittleEndian.setFloat(out, o + 4 * c, Math.min(Math.max(acc, actMin), actMax));
        }
      }
    }
  }

  private static void blockF32(
      byte[] in, int base, int rowStep, int colStep, int fy0, int fy1, int fx0, int fx1,
      boolean average, int count, float actMin, float actMax, byte[] out, int o) {
    FloatVector acc = FloatVector.broadcast(Species.F, average ? 0f : Float.NEGATIVE_INFINITY);
    for (int fy = fy0; fy < fy1; fy++) {
      int i = base + fy * rowStep + fx0 * colStep;
      for (int fx = fx0; fx < fx1; fx++, i += colStep) {
        FloatVector v = ByteVector.fromArray(Species.B, in, i).reinterpretAsFloats();
        acc = average ? acc.add(v) : acc.max(v);
      }
    }
    if (average) {
      acc = count == 0 ? FloatVector.zero(Species.F) : acc.div((float) count);
    }
    acc.max(actMin).min(actMax).reinterpretAsBytes().intoArray(out, o);
  }
}
