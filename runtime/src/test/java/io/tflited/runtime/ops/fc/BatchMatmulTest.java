package io.tflited.runtime.ops.fc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BatchMatMulOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.testing.Differential;
import io.tflited.runtime.testing.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchMatmulTest {

  static final class Spec {
    DataType type = DataType.FLOAT32;
    int[] lhsShape;
    int[] rhsShape;
    int[] outShape;
    boolean adjX;
    boolean adjY;
    byte[] rhsData; // null: rhs is a model input
    Quantization lq = Quantization.NONE;
    Quantization rq = Quantization.NONE;
    Quantization oq = Quantization.NONE;
    int version = 1;

    /** With floatIo (int16 only), QUANTIZE/DEQUANTIZE wrap the op for the 2.4.1 Java API. */
    byte[] build(boolean floatIo) {
      return build(floatIo, type);
    }

    byte[] build(boolean floatIo, DataType rhsType) {
      ModelBuilder b = new ModelBuilder();
      int l = b.addTensor("lhs", type, lhsShape, lq);
      int r = rhsData == null ? b.addTensor("rhs", rhsType, rhsShape, rq)
          : b.addConstant("rhs", rhsType, rhsShape, rq, rhsData);
      int o = b.addTensor("out", type, outShape, oq);
      b.addOperator(BuiltinOperator.BATCH_MATMUL, version, new int[] {l, r}, new int[] {o},
          BuiltinOptions.BatchMatMulOptions,
          fbb -> BatchMatMulOptions.createBatchMatMulOptions(fbb, adjX, adjY, false));
      if (!floatIo) {
        if (rhsData == null) {
          b.setInputs(l, r);
        } else {
          b.setInputs(l);
        }
        b.setOutputs(o);
        return b.buildBytes();
      }
      int fl = b.addTensor("flhs", DataType.FLOAT32, lhsShape);
      b.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {fl}, new int[] {l});
      int fr = -1;
      if (rhsData == null) {
        fr = b.addTensor("frhs", DataType.FLOAT32, rhsShape);
        b.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {fr}, new int[] {r});
      }
      int fo = b.addTensor("fout", DataType.FLOAT32, outShape);
      b.addOperator(BuiltinOperator.DEQUANTIZE, 1, new int[] {o}, new int[] {fo});
      if (fr >= 0) {
        b.setInputs(fl, fr);
      } else {
        b.setInputs(fl);
      }
      b.setOutputs(fo);
      return b.buildBytes();
    }
  }

  /** Random shapes with broadcastable batch dims; returns the spec with shapes filled. */
  static Spec randomShapes(Random r) {
    Spec s = new Spec();
    int rank = 2 + r.nextInt(3);
    int lr = r.nextBoolean() ? rank : 2 + r.nextInt(rank - 1);
    int rr = lr == rank ? 2 + r.nextInt(rank - 1) : rank;
    boolean big = r.nextInt(3) == 0;
    int m = 1 + r.nextInt(big ? 40 : 9);
    int k = 1 + r.nextInt(big ? 100 : 17);
    int n = 1 + r.nextInt(big ? 40 : 9);
    s.adjX = r.nextBoolean();
    s.adjY = r.nextBoolean();
    int[] out = new int[rank];
    int[] lhs = new int[lr];
    int[] rhs = new int[rr];
    for (int i = 0; i < rank - 2; i++) {
      int d = 1 + r.nextInt(3);
      int li = i - (rank - lr);
      int ri = i - (rank - rr);
      int ld = li >= 0 ? (r.nextInt(3) == 0 ? 1 : d) : 1;
      int rd = ri >= 0 ? (ld == 1 || r.nextInt(3) != 0 ? d : 1) : 1;
      if (li >= 0) {
        lhs[li] = ld;
      }
      if (ri >= 0) {
        rhs[ri] = rd;
      }
      out[i] = Math.max(ld, rd);
    }
    lhs[lr - 2] = s.adjX ? k : m;
    lhs[lr - 1] = s.adjX ? m : k;
    rhs[rr - 2] = s.adjY ? n : k;
    rhs[rr - 1] = s.adjY ? k : n;
    out[rank - 2] = m;
    out[rank - 1] = n;
    s.lhsShape = lhs;
    s.rhsShape = rhs;
    s.outShape = out;
    return s;
  }

  static long count(int[] shape) {
    long c = 1;
    for (int d : shape) {
      c *= d;
    }
    return c;
  }

  static void check(Spec s, long seed) throws Exception {
    byte[] model = s.build(false);
    CompiledModel cm = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    Differential.assertMatchesTfLite(model, Differential.randomInputs(cm.inputs(), seed, 1f));
  }

  @Test
  void floatByHand() throws Exception {
    Spec s = new Spec();
    s.lhsShape = new int[] {2, 3};
    s.rhsShape = new int[] {3, 2};
    s.outShape = new int[] {2, 2};
    byte[] model = s.build(false);
    CompiledModel cm = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    byte[] out = Differential.run(cm, new byte[][] {
        FullyConnectedTest.fl(1, 2, 3, 4, 5, 6), FullyConnectedTest.fl(1, 0, 0, 1, 1, -1)})[0];
    assertArrayEquals(FullyConnectedTest.fl(4, -1, 10, -1), out);
    s.adjY = true;
    s.rhsShape = new int[] {2, 3};
    s.rhsData = FullyConnectedTest.fl(1, 0, 1, 0, 1, -1);
    cm = CompiledModel.fromBuffer(ByteBuffer.wrap(s.build(false)), InterpreterOptions.defaults());
    out = Differential.run(cm, new byte[][] {FullyConnectedTest.fl(1, 2, 3, 4, 5, 6)})[0];
    assertArrayEquals(FullyConnectedTest.fl(4, -1, 10, -1), out);
  }

  @Test
  void rejectsMismatchedDepth() {
    Spec s = new Spec();
    s.lhsShape = new int[] {2, 3};
    s.rhsShape = new int[] {2, 2};
    s.outShape = new int[] {2, 2};
    assertThrows(ModelException.class, () -> CompiledModel.fromBuffer(
        ByteBuffer.wrap(s.build(false)), InterpreterOptions.defaults()));
  }

  @Test
  void floatMatchesTfLite() throws Exception {
    Random r = new Random(11);
    for (int i = 0; i < 150; i++) {
      Spec s = randomShapes(r);
      if (r.nextBoolean()) {
        s.rhsData = FullyConnectedTest.floats(r, (int) count(s.rhsShape), 1f);
      }
      check(s, 600 + i);
    }
  }

  @Test
  void int8MatchesTfLite() throws Exception {
    Random r = new Random(12);
    for (int i = 0; i < 250; i++) {
      Spec s = randomShapes(r);
      s.type = DataType.INT8;
      s.version = 2;
      int[] zps = {-128, 127, 0, r.nextInt(256) - 128};
      int depth = s.adjX ? s.lhsShape[s.lhsShape.length - 2] : s.lhsShape[s.lhsShape.length - 1];
      float ls = 0.01f + r.nextFloat() * 0.1f;
      float rs = 0.01f + r.nextFloat() * 0.1f;
      float os = (float) (ls * rs * 5476 * Math.sqrt(depth) / 40 * (0.3 + 3 * r.nextDouble()));
      if (i % 3 == 0) {
        // Power-of-two multipliers: many exact rounding ties.
        ls = (float) Math.scalb(1.0, -r.nextInt(3));
        rs = (float) Math.scalb(1.0, -r.nextInt(3));
        os = (float) Math.scalb(1.0, 3 + r.nextInt(8));
      }
      s.lq = Quantization.of(ls, zps[r.nextInt(4)]);
      s.rq = Quantization.of(rs, zps[r.nextInt(4)]);
      s.oq = Quantization.of(os, zps[r.nextInt(4)]);
      if (r.nextBoolean()) {
        s.rhsData = FullyConnectedTest.bytes(r, (int) count(s.rhsShape));
      }
      check(s, 700 + i);
    }
  }

  /**
   * Hybrid float32 x constant int8 (2.4.1 quantizes lhs rows asymmetrically). Only single
   * matrix products: with several batch matrices TFLite 2.4.1 applies the first matrix's
   * row scales, zero points and weight row sums to every batch (it never advances those
   * pointers), which later TFLite fixed; we compute each batch with its own. TFLite 2.4.1 also
   * sizes its temporaries from the wrong dims and overruns them for many shapes: it returns
   * values that are not the product at all (NaN, 1e-38: e.g. [2, 7] x [7, 9]) or corrupts the
   * heap and aborts the JVM. So the oracle only sees products of one lhs row with n <= k (m = 1;
   * a grid of m 1..5, k 1..11, n 1..12 found m = 1 always sane; its row sums are sized by k when
   * adj_y), and its results are still checked
   * against an exact product and skipped (counted) when absurd. Other m are covered by
   * {@link #hybridBatchesAreIndependent} and {@link #hybridByHand}.
   *
   * <p>Even so, 2.4.1 silently corrupts its native heap here and a later test in the same JVM
   * aborts ("realloc(): invalid next size"), so this test only runs when asked for with
   * {@code -Dtflited.unsafeOracle=true} (it passed: 2000 draws, all sane m = 1 products equal).
   */
  @Test
  void hybridMatchesTfLite() throws Exception {
    TfLiteOracle.assumeAvailable();
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("tflited.unsafeOracle"),
        "TFLite 2.4.1's hybrid BATCH_MATMUL corrupts its heap; run with -Dtflited.unsafeOracle=true");
    Random r = new Random(14);
    int ran = 0;
    int insane = 0;
    for (int i = 0; i < 2000; i++) {
      Spec s = randomShapes(r);
      int rank = s.outShape.length;
      int m = s.outShape[rank - 2];
      int n = s.outShape[rank - 1];
      if (count(s.outShape) != (long) m * n) {
        continue;
      }
      int k = s.adjX ? s.lhsShape[s.lhsShape.length - 2] : s.lhsShape[s.lhsShape.length - 1];
      if (m != 1 || n > k) {
        continue;
      }
      float rs = 0.001f + r.nextFloat() * 0.05f;
      s.rq = Quantization.of(rs, 0);
      s.rhsData = FullyConnectedTest.bytes(r, (int) count(s.rhsShape));
      s.version = 1 + r.nextInt(3);
      byte[] model = s.build(false, DataType.INT8);
      CompiledModel cm = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      byte[][] inputs = Differential.randomInputs(cm.inputs(), 900 + i, 1 + r.nextInt(4));
      byte[][] expected = TfLiteOracle.run(model, inputs);
      // Sanity of the oracle: within a coarse bound of the exact product.
      ByteBuffer lb = ByteBuffer.wrap(inputs[0]).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer eb = ByteBuffer.wrap(expected[0]).order(ByteOrder.LITTLE_ENDIAN);
      boolean sane = true;
      for (int a = 0; a < m && sane; a++) {
        for (int b = 0; b < n; b++) {
          double exact = 0;
          double mag = 0;
          for (int t = 0; t < k; t++) {
            double lv = lb.getFloat(4 * (s.adjX ? t * m + a : a * k + t));
            double rv = rs * s.rhsData[s.adjY ? b * k + t : t * n + b];
            exact += lv * rv;
            mag += Math.abs(lv * rv);
          }
          double got = eb.getFloat(4 * (a * n + b));
          if (!(Math.abs(got - exact) <= 0.05 * mag + 1e-3)) {
            sane = false;
            break;
          }
        }
      }
      if (!sane) {
        insane++;
        continue;
      }
      byte[][] actual = Differential.run(cm, inputs);
      Differential.assertOutputsMatch(cm.outputs(), expected, actual, "case " + i);
      ran++;
    }
    org.junit.jupiter.api.Assertions.assertTrue(ran >= 30, "only " + ran + " cases");
    org.junit.jupiter.api.Assertions.assertTrue(insane * 10 < ran, insane + " insane of " + ran);
  }

  /** The asymmetric quantization of one row, worked by hand. */
  @Test
  void hybridByHand() throws Exception {
    Spec s = new Spec();
    s.lhsShape = new int[] {2, 3};
    s.rhsShape = new int[] {3, 2};
    s.outShape = new int[] {2, 2};
    s.rq = Quantization.of(0.5f, 0);
    s.rhsData = new byte[] {1, 2, 3, 4, 5, 6};
    CompiledModel cm = CompiledModel.fromBuffer(ByteBuffer.wrap(s.build(false, DataType.INT8)),
        InterpreterOptions.defaults());
    byte[] out = Differential.run(cm, new byte[][] {FullyConnectedTest.fl(1, -2, 0.5f, 3, 0.25f, -1)})[0];
    // Row 0: range [-2, 1] -> scale 3/255, zero point 42, q = [127, -128, 85];
    // column 0: 127 - 384 + 425 - 9 * 42 = -210 -> -210 * (3/255) * 0.5 = -21/17.
    ByteBuffer ob = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(-21f / 17f, ob.getFloat(0), 1e-6);
  }

  /** Several batch matrices give the same rows as each matrix multiplied on its own. */
  @Test
  void hybridBatchesAreIndependent() throws Exception {
    Random r = new Random(15);
    for (int i = 0; i < 10; i++) {
      int batches = 2 + r.nextInt(3);
      int m = 1 + r.nextInt(6);
      int k = 1 + r.nextInt(12);
      int n = 1 + r.nextInt(6);
      byte[] w = FullyConnectedTest.bytes(r, k * n);
      Spec all = new Spec();
      all.lhsShape = new int[] {batches, m, k};
      all.rhsShape = new int[] {k, n};
      all.outShape = new int[] {batches, m, n};
      all.rq = Quantization.of(0.02f, 0);
      all.rhsData = w;
      Spec one = new Spec();
      one.lhsShape = new int[] {m, k};
      one.rhsShape = new int[] {k, n};
      one.outShape = new int[] {m, n};
      one.rq = all.rq;
      one.rhsData = w;
      byte[] lhs = FullyConnectedTest.floats(r, batches * m * k, 3f);
      CompiledModel ca = CompiledModel.fromBuffer(ByteBuffer.wrap(all.build(false, DataType.INT8)),
          InterpreterOptions.defaults());
      CompiledModel co = CompiledModel.fromBuffer(ByteBuffer.wrap(one.build(false, DataType.INT8)),
          InterpreterOptions.defaults());
      byte[] whole = Differential.run(ca, new byte[][] {lhs})[0];
      for (int b = 0; b < batches; b++) {
        byte[] part = java.util.Arrays.copyOfRange(lhs, b * m * k * 4, (b + 1) * m * k * 4);
        byte[] got = Differential.run(co, new byte[][] {part})[0];
        assertArrayEquals(got, java.util.Arrays.copyOfRange(whole, b * m * n * 4, (b + 1) * m * n * 4));
      }
    }
  }

  /**
   * int16 BATCH_MATMUL: TFLite 2.4.1 accepts the model but does not compute it (its output
   * stays zero or holds stale data), so it cannot serve as the oracle. Checked instead against
   * an exact evaluation in double (int64 sums, real multiplier): within one rounding step.
   */
  @Test
  void int16MatchesExactProduct() throws Exception {
    Random r = new Random(13);
    for (int i = 0; i < 100; i++) {
      Spec s = randomShapes(r);
      s.type = DataType.INT16;
      s.version = 3;
      int depth = s.adjX ? s.lhsShape[s.lhsShape.length - 2] : s.lhsShape[s.lhsShape.length - 1];
      float ls = 0.0001f + r.nextFloat() * 0.001f;
      float rs = 0.0001f + r.nextFloat() * 0.001f;
      double spread = 18918.0 * 18918.0 * Math.sqrt(depth) / 8000 * (0.3 + 3 * r.nextDouble());
      float os = (float) (ls * rs * spread);
      s.lq = Quantization.of(ls, 0);
      s.rq = Quantization.of(rs, 0);
      s.oq = Quantization.of(os, 0);
      byte[] rhs = FullyConnectedTest.bytes(r, 2 * (int) count(s.rhsShape));
      boolean constant = r.nextBoolean();
      if (constant) {
        s.rhsData = rhs;
      }
      byte[] model = s.build(false);
      CompiledModel cm = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      byte[] lhs = FullyConnectedTest.bytes(r, 2 * (int) count(s.lhsShape));
      byte[] actual = Differential.run(cm, constant ? new byte[][] {lhs} : new byte[][] {lhs, rhs})[0];
      short[] expected = exactInt16(s, lhs, rhs, (double) (ls * rs) / os);
      ByteBuffer ab = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(2 * expected.length, actual.length);
      for (int e = 0; e < expected.length; e++) {
        int got = ab.getShort(2 * e);
        if (Math.abs(got - expected[e]) > 1) {
          throw new AssertionError("case " + i + " element " + e + ": got " + got
              + ", expected " + expected[e]);
        }
      }
    }
  }

  @Test
  void int16ByHand() throws Exception {
    Spec s = new Spec();
    s.type = DataType.INT16;
    s.version = 3;
    s.lhsShape = new int[] {1, 2};
    s.rhsShape = new int[] {2, 2};
    s.outShape = new int[] {1, 2};
    s.lq = Quantization.of(1f, 0);
    s.rq = Quantization.of(1f, 0);
    s.oq = Quantization.of(4f, 0);
    s.rhsData = shorts(1, 32767, -2, 32767);
    CompiledModel cm = CompiledModel.fromBuffer(ByteBuffer.wrap(s.build(false)),
        InterpreterOptions.defaults());
    // [10, -3] x [[1, 32767], [-2, 32767]] = [16, 229369] / 4 -> [4, 57342 -> 32767]
    byte[] out = Differential.run(cm, new byte[][] {shorts(10, -3)})[0];
    assertArrayEquals(shorts(4, 32767), out);
  }

  static byte[] shorts(int... v) {
    ByteBuffer bb = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      bb.putShort((short) x);
    }
    return bb.array();
  }

  /** Straightforward broadcasting batch matmul on int16 data, rounded from double. */
  static short[] exactInt16(Spec s, byte[] lhsBytes, byte[] rhsBytes, double scale) {
    int rank = s.outShape.length;
    int[] le = io.tflited.runtime.graph.Shapes.extend(s.lhsShape, rank);
    int[] re = io.tflited.runtime.graph.Shapes.extend(s.rhsShape, rank);
    int m = s.outShape[rank - 2];
    int n = s.outShape[rank - 1];
    int k = s.adjX ? le[rank - 2] : le[rank - 1];
    ByteBuffer lb = ByteBuffer.wrap(lhsBytes).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer rb = ByteBuffer.wrap(rhsBytes).order(ByteOrder.LITTLE_ENDIAN);
    int batches = (int) (count(s.outShape) / ((long) m * n));
    short[] out = new short[batches * m * n];
    int[] idx = new int[rank];
    for (int b = 0; b < batches; b++) {
      int rem = b;
      for (int d = rank - 3; d >= 0; d--) {
        idx[d] = rem % s.outShape[d];
        rem /= s.outShape[d];
      }
      int lbatch = 0;
      int rbatch = 0;
      for (int d = 0; d < rank - 2; d++) {
        lbatch = lbatch * le[d] + (le[d] == 1 ? 0 : idx[d]);
        rbatch = rbatch * re[d] + (re[d] == 1 ? 0 : idx[d]);
      }
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          long acc = 0;
          for (int t = 0; t < k; t++) {
            int li = lbatch * m * k + (s.adjX ? t * m + i : i * k + t);
            int ri = rbatch * k * n + (s.adjY ? j * k + t : t * n + j);
            acc += (long) lb.getShort(2 * li) * rb.getShort(2 * ri);
          }
          long v = Math.round(acc * scale);
          out[b * m * n + i * n + j] = (short) Math.max(-32768, Math.min(32767, v));
        }
      }
    }
    return out;
  }
}
