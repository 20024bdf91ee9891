package io.tflited.runtime.kernels.vector;

import static jdk.incubator.vector.VectorOperators.D2I;
import static jdk.incubator.vector.VectorOperators.F2D;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.I2B;
import static jdk.incubator.vector.VectorOperators.I2D;
import static jdk.incubator.vector.VectorOperators.I2S;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.activation.QuantizeKernels;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * QUANTIZE float32 -> int8/uint8/int16 in vector form, bit-identical to {@link
 * QuantizeKernels#affineQuantize}: {@code round(x / (double) scale) + zeroPoint}, clamped, with
 * C's round (half away from zero).
 *
 * <p>Per group of D = doubles-per-vector elements: D floats widen to D doubles (equal lane
 * counts), the double division is correctly rounded like the scalar's; the quotient q is
 * truncated (D2I, exact below 2^31) and converted back to t, and {@code q - t} is q's exact
 * fractional part, so adding 1 when it is >= 0.5 and -1 when <= -0.5 is C's round. A group
 * with any |q| >= 2^31 - 1 or NaN (where the scalar twin reproduces x86's out-of-range
 * conversion) goes to the scalar twin, as does the tail. The result narrows to D bytes or
 * shorts, shapes that exist from 64 bits: int8/uint8 at 512-bit vectors, int16 from 256.
 */
public final class QuantizeVector {
  private QuantizeVector() {}

  private static final VectorSpecies<Double> D =
      VectorSpecies.of(double.class, VectorShape.forBitSize(Species.BITS));
  private static final int LANES = D.length();
  /** LANES floats (as their bytes) and LANES ints: half the width. */
  private static final VectorSpecies<Byte> BF =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Species.BITS / 2));
  private static final VectorSpecies<Integer> IH =
      VectorSpecies.of(int.class, VectorShape.forBitSize(Species.BITS / 2));
  /** LANES bytes or shorts: only where that shape exists (64 bits and up). */
  private static final VectorSpecies<Byte> BQ = LANES * 8 >= 64
      ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : null;
  private static final VectorSpecies<Short> SQ = LANES * 16 >= 64
      ? VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16)) : null;
  /** Quotients below this magnitude convert to int exactly (the scalar twin handles the rest). */
  private static final double LIMIT = 2147483647.0;

  /** Whether {@code outType} has a vector loop at this width (D-lane byte/short shapes exist). */
  public static boolean supported(DataType outType) {
    return outType == DataType.INT16 ? SQ != null : BQ != null;
  }

  /** See the class Javadoc; same contract as the scalar twin. */
  public static void affineQuantize(byte[] in, int inOff, byte[] out, int outOff, int n,
      double scale, int zeroPoint, DataType outType) {
    int min = outType == DataType.UINT8 ? 0 : outType == DataType.INT8 ? -128 : -32768;
    int max = outType == DataType.UINT8 ? 255 : outType == DataType.INT8 ? 127 : 32767;
    int es = outType == DataType.INT16 ? 2 : 1;
    int i = 0;
    for (; i + LANES <= n; i += LANES) {
      DoubleVector q = ((DoubleVector) ByteVector.fromArray(BF, in, inOff + 4 * i)
          .reinterpretAsFloats().convertShape(F2D, D, 0)).div(scale);
      if (!q.abs().compare(LT, LIMIT).allTrue()) {
        QuantizeKernels.affineQuantize(in, inOff + 4 * i, out, outOff + es * i, LANES, scale,
            zeroPoint, outType);
        continue;
      }
      DoubleVector t = (DoubleVector) q.convertShape(D2I, IH, 0).convertShape(I2D, D, 0);
      DoubleVector frac = q.sub(t);
      DoubleVector rounded = t.add(DoubleVector.zero(D).blend(1.0, frac.compare(GE, 0.5))
          .blend(-1.0, frac.compare(LE, -0.5)));
      IntVector r = ((IntVector) rounded.convertShape(D2I, IH, 0)).add(zeroPoint).max(min).min(max);
      if (es == 1) {
        ((ByteVector) r.convertShape(I2B, BQ, 0)).intoArray(out, outOff + i);
      } else {
        r.convertShape(I2S, SQ, 0).reinterpretAsBytes().intoArray(out, outOff + 2 * i);
      }
    }
    if (i < n) {
      QuantizeKernels.affineQuantize(in, inOff + 4 * i, out, outOff + es * i, n - i, scale,
          zeroPoint, outType);
    }
  }

  /** L bytes for L int lanes: exists from 256-bit vectors (64-bit byte vectors). */
  private static final VectorSpecies<Byte> BL = Species.I.length() * 8 >= 64
      ? VectorSpecies.of(byte.class, VectorShape.forBitSize(Species.I.length() * 8)) : null;

  /** Whether 8-bit -> 8-bit requantization has a vector loop at this width. */
  public static boolean requantizeSupported() {
    return BL != null;
  }

  /**
   * int8/uint8 -> int8/uint8 QUANTIZE, bit-identical to {@link QuantizeKernels#requantize}:
   * {@code MultiplyByQuantizedMultiplier(x - inZp) + outZp}, clamped, with the multiply of
   * {@link RequantizeVector} written out here (one flat method: a vector passed to a call C2
   * does not inline would be boxed). The tail goes to the scalar twin.
   */
  public static void requantize(byte[] in, int inOff, boolean inUnsigned, int inZp, byte[] out,
      int outOff, boolean outUnsigned, int outZp, int n, int multiplier, int shift) {
    int lanes = Species.I.length();
    int mh = multiplier >> 16;
    int ml = multiplier & 0xffff;
    int left = Math.max(shift, 0);
    int right = Math.max(-shift, 0);
    int mask = (int) ((1L << right) - 1);
    int min = outUnsigned ? 0 : -128;
    int max = outUnsigned ? 255 : 127;
    int inMask = inUnsigned ? 0xff : -1;
    int i = 0;
    for (; i + lanes <= n; i += lanes) {
      IntVector x = ((IntVector) ByteVector.fromArray(BL, in, inOff + i)
          .convertShape(VectorOperators.B2I, Species.I, 0)).and(inMask).sub(inZp)
          .lanewise(VectorOperators.LSHL, left);
      IntVector xh = x.lanewise(VectorOperators.ASHR, 16);
      IntVector xl = x.and(0xffff);
      IntVector b1 = xh.mul(ml);
      IntVector b2 = xl.mul(mh).add(xl.mul(ml).lanewise(VectorOperators.LSHR, 16));
      IntVector low = b1.and(0x7fff).add(b2.and(0x7fff)).add(1 << 14)
          .lanewise(VectorOperators.ASHR, 15);
      IntVector r = xh.mul(mh).lanewise(VectorOperators.LSHL, 1)
          .add(b1.lanewise(VectorOperators.ASHR, 15)).add(b2.lanewise(VectorOperators.ASHR, 15))
          .add(low);
      IntVector thr = IntVector.broadcast(Species.I, mask >> 1)
          .sub(r.lanewise(VectorOperators.ASHR, 31));
      IntVector q = r.lanewise(VectorOperators.ASHR, right)
          .add(thr.sub(r.and(mask)).lanewise(VectorOperators.LSHR, 31));
      ((ByteVector) q.add(outZp).max(min).min(max).convertShape(VectorOperators.I2B, BL, 0))
          .intoArray(out, outOff + i);
    }
    if (i < n) {
      QuantizeKernels.requantize(in, inOff + i, inUnsigned ? DataType.UINT8 : DataType.INT8, inZp,
          out, outOff + i, outUnsigned ? DataType.UINT8 : DataType.INT8, outZp, n - i, multiplier,
          shift);
    }
  }

  /**
   * int8/uint8 -> float32 DEQUANTIZE, bit-identical to {@link QuantizeKernels#dequantize}
   * ({@code (float) (scale * (x - zp))} in double): |x - zp| < 2^9 and the scale is a float, so
   * the double product is exact and its rounding to float is the correctly rounded product,
   * which is what one float multiply of the two (exact) floats gives. L elements per step
   * where L bytes are a vector (from 256 bits); the tail goes to the scalar twin.
   */
  public static void dequantize(byte[] in, int inOff, boolean unsigned, byte[] out, int outOff,
      int n, float scale, int zeroPoint) {
    int lanes = Species.I.length();
    int inMask = unsigned ? 0xff : -1;
    int i = 0;
    for (; i + lanes <= n; i += lanes) {
      ((IntVector) ByteVector.fromArray(BL, in, inOff + i)
          .convertShape(VectorOperators.B2I, Species.I, 0)).and(inMask).sub(zeroPoint)
          .convert(VectorOperators.I2F, 0).reinterpretAsFloats().mul(scale)
          .reinterpretAsBytes().intoArray(out, outOff + 4 * i);
    }
    if (i < n) {
      QuantizeKernels.dequantize(in, inOff + i, unsigned ? DataType.UINT8 : DataType.INT8,
          out, outOff + 4 * i, n - i, scale, zeroPoint);
    }
  }
}
