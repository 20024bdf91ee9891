package io.tflited.runtime.kernels.vector;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.conv.ConvGeometry;
import io.tflited.runtime.quant.FixedPoint;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * DEPTHWISE_CONV_2D with depth multiplier 1 over NHWC tensors, channels in the vector lanes
 * (TFLite's optimized depthwise layout). Same arithmetic as the scalar twin
 * {@code kernels.conv.DepthwiseKernels}: only taps inside the input contribute (TFLite's
 * reference kernels skip the others), any filter size, stride, dilation and padding.
 *
 * <pre>
 *   input  [b][y][x][c]   one load = 2*L consecutive channels of one pixel
 *   filter [ky][kx][c]    packed once as int (w + weightOffset), tap-major
 *   out    [b][oy][ox][c] requantized in lanes (RequantizeVector), narrowed, stored
 * </pre>
 *
 * <p>Overflow: |w + weightOffset| <= 255 and |x + inputOffset| <= 255, so one product is at
 * most 65025 and an int32 lane holds the sum of 33025 taps; TFLite accumulates in int32
 * with the same wrap, so even larger filters agree. Channels past the last whole block of
 * 2*L (L = int lanes) go through the scalar arithmetic, as do float channels past the last
 * block of L. Work is split by output rows ({@code rowFrom..rowTo} over batches*outH).
 */
public final class DepthwiseVector {
  private DepthwiseVector() {}

  /** 2*L bytes: the input bytes of one block of two int vectors. */
  private static final VectorSpecies<Byte> BH =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Species.BITS / 2));

  /** Channels handled by one vector block in the 8-bit kernel. */
  public static int lanes8() {
    return 2 * Species.I.length();
  }

  /** Packs a [1][kh][kw][C] 8-bit filter as int (w + weightOffset), same layout. */
  public static int[] packInts(byte[] w, boolean signed, int weightOffset) {
    int[] p = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      p[i] = (signed ? w[i] : w[i] & 0xff) + weightOffset;
    }
    return p;
  }

  /**
   * 8-bit depthwise conv, depth multiplier 1, output rows [rowFrom, rowTo) of batches*outH.
   * {@code w} is {@link #packInts}; {@code rq} has one entry per channel.
   */
  public static void conv8(
      ConvGeometry g, boolean signed, byte[] in, int inOff, int[] w, int[] bias, int inOffset,
      RequantizeVector.Params rq, int[] mult, int[] shift, int outZp, int actMin, int actMax,
      byte[] out, int outOff, int rowFrom, int rowTo) {
    final int depth = g.inC();
    final int block = lanes8();
    final int vecEnd = depth - depth % block;
    final boolean perChannel = mult.length > 1;
    for (int r = rowFrom; r < rowTo; r++) {
      int b = r / g.outH();
      int oy = r % g.outH();
      int iy0 = oy * g.strideH() - g.padH();
      int ky0 = firstTap(iy0, g.dilH(), g.kh());
      int ky1 = endTap(iy0, g.dilH(), g.kh(), g.inH());
      int o = outOff + r * g.outW() * depth;
      for (int ox = 0; ox < g.outW(); ox++, o += depth) {
        int ix0 = ox * g.strideW() - g.padW();
        int kx0 = firstTap(ix0, g.dilW(), g.kw());
        int kx1 = endTap(ix0, g.dilW(), g.kw(), g.inW());
        int base = inOff + ((b * g.inH() + iy0) * g.inW() + ix0) * depth;
        for (int c = 0; c < vecEnd; c += block) {
          block8(g, signed, in, base + c, w, c, bias, inOffset, rq, outZp, actMin, actMax,
              out, o + c, ky0, ky1, kx0, kx1);
        }
        for (int c = vecEnd; c < depth; c++) {
          int acc = 0;
          for (int ky = ky0; ky < ky1; ky++) {
            for (int kx = kx0; kx < kx1; kx++) {
              int xi = base + (ky * g.dilH() * g.inW() + kx * g.dilW()) * depth + c;
              int x = signed ? in[xi] : in[xi] & 0xff;
              acc += w[(ky * g.kw() + kx) * depth + c] * (x + inOffset);
            }
          }
          acc += bias[c];
          int k = perChannel ? c : 0;
          acc = FixedPoint.multiplyByQuantizedMultiplier(acc, mult[k], shift[k]) + outZp;
          out[o + c] = (byte) Math.min(Math.max(acc, actMin), actMax);
        }
      }
    }
  }

  /** One output pixel, channels [c, c + 2L): two int accumulators, requantize, store. */
  private static void block8(
      ConvGeometry g, boolean signed, byte[] in, int base, int[] w, int c, int[] bias,
      int inOffset, RequantizeVector.Params rq, int outZp, int actMin, int actMax, byte[] out,
      int o, int ky0, int ky1, int kx0, int kx1) {
    final int depth = g.inC();
    final int lanes = Species.I.length();
    final int rowStep = g.dilH() * g.inW() * depth;
    final int colStep = g.dilW() * depth;
    IntVector acc0 = IntVector.fromArray(Species.I, bias, c);
    IntVector acc1 = IntVector.fromArray(Species.I, bias, c + lanes);
    for (int ky = ky0; ky < ky1; ky++) {
      int xi = base + ky * rowStep + kx0 * colStep;
      int wi = (ky * g.kw() + kx0) * depth + c;
      for (int kx = kx0; kx < kx1; kx++, xi += colStep, wi += depth) {
        ByteVector xb = ByteVector.fromArray(BH, in, xi);
        IntVector x0 = (IntVector) xb.convertShape(VectorOperators.B2I, Species.I, 0);
        IntVector x1 = (IntVector) xb.convertShape(VectorOperators.B2I, Species.I, 1);
        if (!signed) {
          x0 = x0.and(0xff);
          x1 = x1.and(0xff);
        }
        acc0 = acc0.add(x0.add(inOffset).mul(IntVector.fromArray(Species.I, w, wi)));
        acc1 = acc1.add(x1.add(inOffset).mul(IntVector.fromArray(Species.I, w, wi + lanes)));
      }
    }
    IntVector r0 = requantize(acc0, rq, c, outZp, actMin, actMax);
    IntVector r1 = requantize(acc1, rq, c + lanes, outZp, actMin, actMax);
    ByteVector n0 = (ByteVector) r0.convertShape(VectorOperators.I2B, BH, 0);
    ByteVector n1 = (ByteVector) r1.convertShape(VectorOperators.I2B, BH, -1);
    n0.or(n1).intoArray(out, o);
  }

  private static IntVector requantize(
      IntVector acc, RequantizeVector.Params rq, int c, int outZp, int actMin, int actMax) {
    return RequantizeVector.multiply(
            acc,
            IntVector.fromArray(Species.I, rq.mHigh(), c),
            IntVector.fromArray(Species.I, rq.mLow(), c),
            IntVector.fromArray(Species.I, rq.left(), c),
            IntVector.fromArray(Species.I, rq.right(), c),
            IntVector.fromArray(Species.I, rq.mask(), c))
        .add(outZp)
        .max(actMin)
        .min(actMax);
  }

  /** Packs a [1][kh][kw][C] float filter (already in tap-major order) as is. */
  public static float[] packFloats(float[] w) {
    return w.clone();
  }

  /**
   * float32 depthwise conv, depth multiplier 1, output rows [rowFrom, rowTo). {@code w} is the
   * model's [kh][kw][C] filter. Sums with FMA, so it agrees with the scalar twin to rounding.
   */
  public static void convF32(
      ConvGeometry g, byte[] in, int inOff, float[] w, float[] bias, float actMin, float actMax,
      byte[] out, int outOff, int rowFrom, int rowTo) {
    final int depth = g.inC();
    final int lanes = Species.F.length();
    final int vecEnd = depth - depth % lanes;
    for (int r = rowFrom; r < rowTo; r++) {
      int b = r / g.outH();
      int oy = r % g.outH();
      int iy0 = oy * g.strideH() - g.padH();
      int ky0 = firstTap(iy0, g.dilH(), g.kh());
      int ky1 = endTap(iy0, g.dilH(), g.kh(), g.inH());
      int o = outOff + 4 * r * g.outW() * depth;
      for (int ox = 0; ox < g.outW(); ox++, o += 4 * depth) {
        int ix0 = ox * g.strideW() - g.padW();
        int kx0 = firstTap(ix0, g.dilW(), g.kw());
        int kx1 = endTap(ix0, g.dilW(), g.kw(), g.inW());
        int base = (b * g.inH() + iy0) * g.inW() + ix0;
        for (int c = 0; c < vecEnd; c += lanes) {
          blockF32(g, in, inOff + 4 * (base * depth + c), w, c, bias, actMin, actMax, out,
              o + 4 * c, ky0, ky1, kx0, kx1);
        }
        for (int c = vecEnd; c < depth; c++) {
          float acc = 0f;
          for (int ky = ky0; ky < ky1; ky++) {
            for (int kx = kx0; kx < kx1; kx++) {
              int xi = (base + ky * g.dilH() * g.inW() + kx * g.dilW()) * depth + c;
              acc += w[(ky * g.kw() + kx) * depth + c] * LittleEndian.getFloat(in, inOff + 4 * xi);
            }
          }
          float v = acc + bias[c];
          LittleEndian.setFloat(out, o + 4 * c, Math.min(Math.max(v, actMin), actMax));
        }
      }
    }
  }

  private static void blockF32(
      ConvGeometry g, byte[] in, int base, float[] w, int c, float[] bias, float actMin,
      float actMax, byte[] out, int o, int ky0, int ky1, int kx0, int kx1) {
    final int depth = g.inC();
    final int rowStep = 4 * g.dilH() * g.inW() * depth;
    final int colStep = 4 * g.dilW() * depth;
    FloatVector acc = FloatVector.zero(Species.F);
    for (int ky = ky0; ky < ky1; ky++) {
      int xi = base + ky * rowStep + kx0 * colStep;
      int wi = (ky * g.kw() + kx0) * depth + c;
      for (int kx = kx0; kx < kx1; kx++, xi += colStep, wi += depth) {
        FloatVector x = ByteVector.fromArray(Species.B, in, xi).reinterpretAsFloats();
        acc = x.fma(FloatVector.fromArray(Species.F, w, wi), acc);
      }
    }
    acc.add(FloatVector.fromArray(Species.F, bias, c))
        .max(actMin)
        .min(actMax)
        .reinterpretAsBytes()
        .intoArray(out, o);
  }

  private static int firstTap(int origin, int dilation, int taps) {
    int k = 0;
    while (k < taps && origin + k * dilation < 0) {
      k++;
    }
    return k;
  }

  private static int endTap(int origin, int dilation, int taps, int size) {
    int k = taps;
    while (k > 0 && origin + (k - 1) * dilation >= size) {
      k--;
    }
    return k;
  }
}
