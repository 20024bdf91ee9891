import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Which Vector API operations C2 intrinsifies at 128 bits (the Raspberry Pi's NEON width), one
 * small kernel per candidate building block of the tflited kernels. Run (see
 * docs/vector-api-aarch64.md):
 *
 * <pre>
 * javac --release 21 --add-modules jdk.incubator.vector -d /tmp/probe docs/VectorOpsProbe.java
 * /tmp/arm64jdk/bin/java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions \
 *     -XX:+PrintCompilation -XX:+PrintIntrinsics -cp /tmp/probe VectorOpsProbe
 * </pre>
 */
public class VectorOpsProbe {
  static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
  static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
  static final VectorSpecies<Short> S = ShortVector.SPECIES_128;
  static final VectorSpecies<Integer> I = IntVector.SPECIES_128;
  static final VectorSpecies<Long> L = LongVector.SPECIES_128;
  static final VectorSpecies<Float> F = FloatVector.SPECIES_128;
  static final int N = 256;

  /** s8 dot product, 64-bit byte loads widened B2I straight to int lanes (VecProbe's way). */
  static int k01DotB2I(byte[] a, byte[] b) {
    IntVector acc = IntVector.zero(I);
    for (int i = 0; i < N; i += B64.length()) {
      ByteVector va = ByteVector.fromArray(B64, a, i);
      ByteVector vb = ByteVector.fromArray(B64, b, i);
      for (int p = 0; p < 2; p++) {
        IntVector wa = (IntVector) va.convertShape(VectorOperators.B2I, I, p);
        IntVector wb = (IntVector) vb.convertShape(VectorOperators.B2I, I, p);
        acc = acc.add(wa.mul(wb));
      }
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  /** s8 dot product through s16 products: B2S, short mul (|p| <= 16384), S2I, int add. */
  static int k02DotB2S(byte[] a, byte[] b) {
    IntVector acc = IntVector.zero(I);
    for (int i = 0; i < N; i += B.length()) {
      ByteVector va = ByteVector.fromArray(B, a, i);
      ByteVector vb = ByteVector.fromArray(B, b, i);
      for (int p = 0; p < 2; p++) {
        ShortVector prod =
            ((ShortVector) va.convertShape(VectorOperators.B2S, S, p))
                .mul((ShortVector) vb.convertShape(VectorOperators.B2S, S, p));
        acc = acc.add(prod.convertShape(VectorOperators.S2I, I, 0));
        acc = acc.add(prod.convertShape(VectorOperators.S2I, I, 1));
      }
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  /** f32 dot product with FMA. */
  static float k03DotF32Fma(float[] a, float[] b) {
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < N; i += F.length()) {
      acc = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, b, i), acc);
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  /** s8 dot product exactly through f32 FMA: B2F widening, fma, F2I at the end. */
  static int k04DotB2F(byte[] a, byte[] b) {
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < N; i += 4 * F.length()) {
      ByteVector va = ByteVector.fromArray(B, a, i);
      ByteVector vb = ByteVector.fromArray(B, b, i);
      for (int p = 0; p < 4; p++) {
        FloatVector fa = (FloatVector) va.convertShape(VectorOperators.B2F, F, p);
        FloatVector fb = (FloatVector) vb.convertShape(VectorOperators.B2F, F, p);
        acc = fa.fma(fb, acc);
      }
    }
    return ((IntVector) acc.convertShape(VectorOperators.F2I, I, 0)).reduceLanes(VectorOperators.ADD);
  }

  /** TFLite requantization, SaturatingRoundingDoublingHighMul in 64-bit lanes: I2L, long mul. */
  static void k05RequantLong(int[] acc, int multiplier, int shift, byte[] out) {
    LongVector m = LongVector.broadcast(L, multiplier);
    LongVector nudge = LongVector.broadcast(L, 1L << 30);
    for (int i = 0; i < N; i += L.length()) {
      LongVector x = (LongVector) IntVector.fromArray(I, acc, i).convertShape(VectorOperators.I2L, L, 0);
      LongVector hi = x.mul(m).add(nudge).lanewise(VectorOperators.ASHR, 31);
      IntVector r = (IntVector) hi.lanewise(VectorOperators.ASHR, shift).convertShape(VectorOperators.L2I, I, 0);
      ((ByteVector) r.convertShape(VectorOperators.I2B, B, 0)).intoArray(out, i, VectorMask.fromLong(B, 0b11));
    }
  }

  /** Requantization epilogue in 32-bit lanes: add, shift, clamp (min/max), narrow I2B. */
  static void k06EpilogueInt(int[] acc, int bias, int shift, byte[] out) {
    IntVector vb = IntVector.broadcast(I, bias);
    IntVector lo = IntVector.broadcast(I, -128);
    IntVector hi = IntVector.broadcast(I, 127);
    for (int i = 0; i < N; i += 4 * I.length()) {
      IntVector r0 = IntVector.fromArray(I, acc, i).add(vb).lanewise(VectorOperators.ASHR, shift).max(lo).min(hi);
      IntVector r1 = IntVector.fromArray(I, acc, i + 4).add(vb).lanewise(VectorOperators.ASHR, shift).max(lo).min(hi);
      IntVector r2 = IntVector.fromArray(I, acc, i + 8).add(vb).lanewise(VectorOperators.ASHR, shift).max(lo).min(hi);
      IntVector r3 = IntVector.fromArray(I, acc, i + 12).add(vb).lanewise(VectorOperators.ASHR, shift).max(lo).min(hi);
      ShortVector s01 = (ShortVector) r0.convertShape(VectorOperators.I2S, S, 0);
      ShortVector s23 = (ShortVector) r2.convertShape(VectorOperators.I2S, S, 0);
      ByteVector b0 = (ByteVector) s01.convertShape(VectorOperators.S2B, B, 0);
      b0.add((ByteVector) r1.convertShape(VectorOperators.I2B, B, 0))
          .add((ByteVector) r3.convertShape(VectorOperators.I2B, B, 0))
          .add((ByteVector) s23.convertShape(VectorOperators.S2B, B, 0))
          .intoArray(out, i);
    }
  }

  /** Float epilogue: int accumulators to float, scale, round, back to int (F2I truncates). */
  static void k07EpilogueFloat(int[] acc, float scale, int[] out) {
    FloatVector vs = FloatVector.broadcast(F, scale);
    for (int i = 0; i < N; i += I.length()) {
      FloatVector f = ((FloatVector) IntVector.fromArray(I, acc, i).convertShape(VectorOperators.I2F, F, 0)).mul(vs);
      ((IntVector) f.convertShape(VectorOperators.F2I, I, 0)).intoArray(out, i);
    }
  }

  /** Activation clamp through compare + blend instead of min/max. */
  static void k08CompareBlend(float[] a, float[] out) {
    FloatVector zero = FloatVector.zero(F);
    for (int i = 0; i < N; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, a, i);
      v.blend(zero, v.compare(VectorOperators.LT, zero)).intoArray(out, i);
    }
  }

  /** Masked tail load and store (a predicated load: NEON has none). */
  static int k09MaskedTail(byte[] a, int len) {
    VectorMask<Byte> m = B.indexInRange(0, len);
    ByteVector v = ByteVector.fromArray(B, a, 0, m);
    v.intoArray(a, 128, m);
    return v.reduceLanes(VectorOperators.ADD);
  }

  /** compress / expand / VectorMask.cast. */
  static int k10CompressCast(int[] a) {
    IntVector v = IntVector.fromArray(I, a, 0);
    VectorMask<Integer> m = v.compare(VectorOperators.GT, 0);
    IntVector c = v.compress(m).add(v.expand(m));
    VectorMask<Float> mf = m.cast(F);
    return c.reduceLanes(VectorOperators.ADD) + mf.trueCount();
  }

  /** rearrange / slice / reinterpretAsInts (im2col-free window shifts, 4-byte groups). */
  static int k11Shuffle(byte[] a) {
    VectorShuffle<Byte> rev = VectorShuffle.fromOp(B, i -> 15 - i);
    ByteVector v = ByteVector.fromArray(B, a, 0);
    ByteVector w = ByteVector.fromArray(B, a, 16);
    ByteVector r = v.rearrange(rev).add(v.slice(3, w));
    return r.reinterpretAsInts().reduceLanes(VectorOperators.ADD);
  }

  /** Short multiply-high emulation for int16 paths: S2I, int mul, ASHR 15, I2S. */
  static void k12Int16Mul(short[] a, short[] b, short[] out) {
    for (int i = 0; i < N; i += S.length()) {
      ShortVector va = ShortVector.fromArray(S, a, i);
      ShortVector vb = ShortVector.fromArray(S, b, i);
      for (int p = 0; p < 2; p++) {
        IntVector x = (IntVector) va.convertShape(VectorOperators.S2I, I, p);
        IntVector y = (IntVector) vb.convertShape(VectorOperators.S2I, I, p);
        ((ShortVector) x.mul(y).lanewise(VectorOperators.ASHR, 15).convertShape(VectorOperators.I2S, S, 0))
            .intoArray(out, i + 4 * p, VectorMask.fromLong(S, 0xf));
      }
    }
  }

  /** Reductions alone: int add, float add, max. */
  static float k13Reduce(int[] a, float[] f) {
    int s = 0;
    float m = 0;
    for (int i = 0; i < N; i += 4) {
      s += IntVector.fromArray(I, a, i).reduceLanes(VectorOperators.ADD);
      m += FloatVector.fromArray(F, f, i).reduceLanes(VectorOperators.MAX);
    }
    return s + m;
  }

  public static void main(String[] args) {
    int iters = args.length > 0 ? Integer.parseInt(args[0]) : 30000;
    System.out.println("os.arch=" + System.getProperty("os.arch") + " preferred=" + VectorShape.preferredShape());
    Random r = new Random(1);
    byte[] a = new byte[N + 256];
    byte[] b = new byte[N + 256];
    r.nextBytes(a);
    r.nextBytes(b);
    float[] fa = new float[N];
    float[] fb = new float[N];
    int[] ia = new int[N + 16];
    short[] sa = new short[N];
    short[] sb = new short[N];
    for (int i = 0; i < N; i++) {
      fa[i] = a[i] / 3f;
      fb[i] = b[i] / 5f;
      ia[i] = a[i] * b[i] * 31;
      sa[i] = (short) (a[i] * 200);
      sb[i] = (short) (b[i] * 100);
    }
    int[] iout = new int[N];
    float[] fout = new float[N];
    short[] sout = new short[N];
    byte[] bout = new byte[N];
    long sink = 0;
    for (int k = 0; k < iters; k++) {
      sink += k01DotB2I(a, b) + k02DotB2S(a, b) + (long) k03DotF32Fma(fa, fb) + k04DotB2F(a, b);
      k05RequantLong(ia, 1 << 30, 3, bout);
      k06EpilogueInt(ia, 5, 7, bout);
      k07EpilogueFloat(ia, 0.01f, iout);
      k08CompareBlend(fa, fout);
      sink += k09MaskedTail(bout, 1 + (k & 15)) + k10CompressCast(ia) + k11Shuffle(a);
      k12Int16Mul(sa, sb, sout);
      sink += (long) k13Reduce(ia, fa);
    }
    int ref = 0;
    for (int i = 0; i < N; i++) {
      ref += a[i] * b[i];
    }
    check(ref == k01DotB2I(a, b), "k01");
    check(ref == k02DotB2S(a, b), "k02");
    check(ref == k04DotB2F(a, b), "k04");
    System.out.println("OK sink=" + sink);
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what + " differs from scalar");
    }
  }
}
