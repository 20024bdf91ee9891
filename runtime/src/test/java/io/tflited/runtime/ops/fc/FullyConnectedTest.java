package io.tflited.runtime.ops.fc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.FullyConnectedOptions;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FullyConnectedTest {

  /** One FULLY_CONNECTED model description. */
  static final class Spec {
    DataType inType = DataType.FLOAT32;
    DataType wType = DataType.FLOAT32;
    DataType outType = DataType.FLOAT32;
    int[] inShape;
    int units;
    int depth;
    boolean hasBias = true;
    boolean keepNumDims;
    boolean asymmetric;
    int activation;
    int weightsFormat;
    int version = 1;
    Quantization inQ = Quantization.NONE;
    Quantization wQ = Quantization.NONE;
    Quantization bQ = Quantization.NONE;
    Quantization outQ = Quantization.NONE;
    byte[] weights;
    byte[] bias;
    DataType biasType = DataType.FLOAT32;

    byte[] build() {
      return build(false);
    }

    /**
     * The model; with {@code floatIo} an int16 model gets float input and output through
     * QUANTIZE and DEQUANTIZE (TFLite 2.4.1's Java API cannot pass int16 tensors).
     */
    byte[] build(boolean floatIo) {
      ModelBuilder b = new ModelBuilder();
      int in = b.addTensor("in", inType, inShape, inQ);
      int fin = -1;
      if (floatIo) {
        fin = b.addTensor("fin", DataType.FLOAT32, inShape);
        b.addOperator(BuiltinOperator.QUANTIZE, 1, new int[] {fin}, new int[] {in});
      }
      int w = b.addConstant("w", wType, new int[] {units, depth}, wQ, weights);
      int bi = hasBias ? b.addConstant("b", biasType, new int[] {units}, bQ, bias) : -1;
      int[] outShape;
      if (keepNumDims) {
        outShape = inShape.clone();
        outShape[outShape.length - 1] = units;
      } else {
        outShape = new int[] {(int) (Arrays.stream(inShape).asLongStream().reduce(1, (x, y) -> x * y) / depth), units};
      }
      int out = b.addTensor("out", outType, outShape, outQ);
      int[] ins = hasBias ? new int[] {in, w, bi} : new int[] {in, w};
      b.addOperator(
          BuiltinOperator.FULLY_CONNECTED, version, ins, new int[] {out},
          BuiltinOptions.FullyConnectedOptions,
          fbb -> FullyConnectedOptions.createFullyConnectedOptions(
              fbb, (byte) activation, (byte) weightsFormat, keepNumDims, asymmetric, (byte) 0));
      if (floatIo) {
        int fout = b.addTensor("fout", DataType.FLOAT32, outShape);
        b.addOperator(BuiltinOperator.DEQUANTIZE, 1, new int[] {out}, new int[] {fout});
        b.setInputs(fin).setOutputs(fout);
      } else {
        b.setInputs(in).setOutputs(out);
      }
      return b.buildBytes();
    }
  }

  static byte[] floats(Random r, int n, float range) {
    ByteBuffer bb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      bb.putFloat((r.nextFloat() * 2 - 1) * range);
    }
    return bb.array();
  }

  static byte[] ints(Random r, int n, int bound) {
    ByteBuffer bb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      bb.putInt(r.nextInt(2 * bound + 1) - bound);
    }
    return bb.array();
  }

  static byte[] longs(Random r, int n, int bound) {
    ByteBuffer bb = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      bb.putLong(r.nextInt(2 * bound + 1) - bound);
    }
    return bb.array();
  }

  static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static int[] randomInShape(Random r, int depth, boolean keep) {
    int rank = 1 + r.nextInt(4);
    int[] s = new int[rank];
    for (int i = 0; i < rank - 1; i++) {
      s[i] = 1 + r.nextInt(3);
    }
    s[rank - 1] = depth;
    if (!keep && rank > 1 && r.nextBoolean()) {
      // Flattened rows need not follow the last dim: e.g. [2, 6] with depth 3 -> 4 rows.
      int total = Arrays.stream(s).reduce(1, (a, b) -> a * b);
      if (depth % 2 == 0 && depth > 2) {
        s[rank - 1] = depth / 2;
        s[0] = s[0] * 2;
        assertEquals(total, Arrays.stream(s).reduce(1, (a, b) -> a * b));
      }
    }
    return s;
  }

  static void check(Spec s, long seed, float range) throws Exception {
    byte[] model = s.build();
    CompiledModel cm = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    byte[][] inputs = Differential.randomInputs(cm.inputs(), seed, range);
    Differential.assertMatchesTfLite(model, inputs);
  }

  /** Runs the int16 model in tflited and, wrapped in QUANTIZE/DEQUANTIZE, in TFLite 2.4.1. */
  static void checkInt16(Spec s, long seed) throws Exception {
    io.tflited.runtime.testing.TfLiteOracle.assumeAvailable();
    byte[] model = s.build(false);
    CompiledModel cm = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    byte[] q = Differential.randomInputs(cm.inputs(), seed, 1f)[0];
    ByteBuffer qb = ByteBuffer.wrap(q).order(ByteOrder.LITTLE_ENDIAN);
    int n = q.length / 2;
    ByteBuffer fb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      fb.putFloat(qb.getShort(2 * i) * s.inQ.scale());
    }
    byte[] expected = io.tflited.runtime.testing.TfLiteOracle.run(s.build(true),
        new byte[][] {fb.array()})[0];
    byte[] actual = Differential.run(cm, new byte[][] {q})[0];
    ByteBuffer ab = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer eb = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(expected.length, 2 * actual.length);
    for (int i = 0; i < actual.length / 2; i++) {
      float e = eb.getFloat(4 * i);
      float got = ab.getShort(2 * i) * s.outQ.scale();
      if (e != got) {
        throw new AssertionError("seed " + seed + " element " + i + ": got "
            + ab.getShort(2 * i) + ", expected " + (e / s.outQ.scale()));
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // hand-checked

  static byte[] runOnce(byte[] model, byte[] input) throws Exception {
    CompiledModel cm = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
    return Differential.run(cm, new byte[][] {input})[0];
  }

  @Test
  void floatByHand() throws Exception {
    Spec s = new Spec();
    s.inShape = new int[] {2, 3};
    s.units = 2;
    s.depth = 3;
    s.weights = fl(1, 2, 3, -1, 0, 1);
    s.bias = fl(0.5f, -10);
    byte[] out = runOnce(s.build(), fl(1, 1, 1, 2, -1, 4));
    // row0: 6.5, -10 ; row1: 2-2+12+0.5=12.5, -2+4-10=-8
    assertArrayEquals(fl(6.5f, -10, 12.5f, -8), out);
    s.activation = 1; // RELU
    out = runOnce(s.build(), fl(1, 1, 1, 2, -1, 4));
    assertArrayEquals(fl(6.5f, 0, 12.5f, 0), out);
  }

  @Test
  void int8ByHandWithZeroPointsAndSaturation() throws Exception {
    Spec s = new Spec();
    s.inType = s.wType = s.outType = DataType.INT8;
    s.biasType = DataType.INT32;
    s.inShape = new int[] {1, 2};
    s.units = 3;
    s.depth = 2;
    s.inQ = Quantization.of(0.5f, -128);
    s.wQ = Quantization.of(0.25f, 0);
    s.bQ = Quantization.of(0.125f, 0);
    s.outQ = Quantization.of(1f, 127);
    s.weights = new byte[] {4, 8, -4, -8, 100, 100};
    s.bias = ints(8, -16, 0);
    s.version = 4;
    // x = [(-118+128)=10, (-108+128)=20] -> real 5, 10 ; weights real [1,2], [-1,-2], [25,25]
    // unit0: 10*4+20*8 = 200 + 8 = 208 -> *0.125 = 26 -> +127 -> 127 (saturates at 127)
    // unit1: -40-160 = -200 -16 = -216 -> -27 -> 100
    // unit2: 1000+2000 = 3000 -> 375 -> clamps 127
    byte[] out = runOnce(s.build(), new byte[] {-118, -108});
    assertArrayEquals(new byte[] {127, 100, 127}, out);
    s.outQ = Quantization.of(1f, -128);
    out = runOnce(s.build(), new byte[] {-118, -108});
    // unit0: 26-128=-102 ; unit1: -27-128 -> -128 (saturates low); unit2: 375-128=247 -> 127
    assertArrayEquals(new byte[] {-102, -128, 127}, out);
  }

  /**
   * Per-channel weights (one scale per unit). TFLite 2.4.1 has no per-channel FULLY_CONNECTED
   * (it reads scale 0 and outputs the zero point everywhere); we apply each unit's scale.
   */
  @Test
  void perChannelInt8ByHand() throws Exception {
    Spec s = new Spec();
    s.inType = s.wType = s.outType = DataType.INT8;
    s.biasType = DataType.INT32;
    s.inShape = new int[] {1, 2};
    s.units = 2;
    s.depth = 2;
    s.inQ = Quantization.of(1f, -1);
    s.wQ = new Quantization(new float[] {1f, 0.5f}, new long[] {0, 0}, 0);
    s.bQ = new Quantization(new float[] {1f, 0.5f}, new long[] {0, 0}, 0);
    s.outQ = Quantization.of(1f, 3);
    s.weights = new byte[] {1, 2, 2, 4};
    s.bias = ints(1, -2);
    s.version = 4;
    // x = [3, 4]; unit0: 3 + 8 + 1 = 12 -> 12 + 3 = 15; unit1: (6 + 16 - 2) * 0.5 = 10 -> 13
    assertArrayEquals(new byte[] {15, 13}, runOnce(s.build(), new byte[] {2, 3}));
  }

  static byte[] fl(float... v) {
    ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      bb.putFloat(f);
    }
    return bb.array();
  }

  static byte[] ints(int... v) {
    ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int f : v) {
      bb.putInt(f);
    }
    return bb.array();
  }

  @Test
  void rejectsShuffledWeights() {
    Spec s = new Spec();
    s.inType = s.wType = DataType.UINT8;
    s.outType = DataType.INT16;
    s.biasType = DataType.INT32;
    s.inShape = new int[] {1, 16};
    s.units = 4;
    s.depth = 16;
    s.inQ = Quantization.of(1f, 128);
    s.wQ = Quantization.of(1f, 128);
    s.bQ = Quantization.of(1f, 0);
    s.outQ = Quantization.of(1f, 0);
    s.weights = new byte[64];
    s.bias = new byte[16];
    s.weightsFormat = 1;
    s.version = 2;
    ModelException e = assertThrows(ModelException.class, () -> CompiledModel.fromBuffer(
        ByteBuffer.wrap(s.build()), InterpreterOptions.defaults()));
    assertTrue(e.getMessage().contains("SHUFFLED4x16INT8"), e.getMessage());
  }

  // ---------------------------------------------------------------------------------------
  // differential vs TFLite 2.4.1

  @Test
  void floatMatchesTfLite() throws Exception {
    Random r = new Random(1);
    for (int i = 0; i < 100; i++) {
      Spec s = new Spec();
      s.depth = 1 + r.nextInt(r.nextBoolean() ? 40 : 300);
      s.units = 1 + r.nextInt(r.nextBoolean() ? 20 : 70);
      s.keepNumDims = r.nextInt(3) == 0;
      s.inShape = randomInShape(r, s.depth, s.keepNumDims);
      s.hasBias = r.nextInt(4) != 0;
      s.activation = r.nextInt(4);
      s.version = s.keepNumDims ? 5 : (s.hasBias ? 1 : 6);
      s.weights = floats(r, s.units * s.depth, 1f);
      s.bias = floats(r, s.units, 1f);
      check(s, i, 1f);
    }
  }

  /** Float weights and bias that are model inputs (not constants). */
  @Test
  void floatDynamicWeightsMatchTfLite() throws Exception {
    Random r = new Random(6);
    for (int i = 0; i < 20; i++) {
      int depth = 1 + r.nextInt(30);
      int units = 1 + r.nextInt(12);
      int rows = 1 + r.nextInt(4);
      boolean hasBias = r.nextBoolean();
      ModelBuilder b = new ModelBuilder();
      int in = b.addTensor("in", DataType.FLOAT32, new int[] {rows, depth});
      int w = b.addTensor("w", DataType.FLOAT32, new int[] {units, depth});
      int bi = hasBias ? b.addTensor("b", DataType.FLOAT32, new int[] {units}) : -1;
      int out = b.addTensor("out", DataType.FLOAT32, new int[] {rows, units});
      int act = r.nextInt(4);
      b.addOperator(BuiltinOperator.FULLY_CONNECTED, 1,
          hasBias ? new int[] {in, w, bi} : new int[] {in, w, -1}, new int[] {out},
          BuiltinOptions.FullyConnectedOptions,
          fbb -> FullyConnectedOptions.createFullyConnectedOptions(
              fbb, (byte) act, (byte) 0, false, false, (byte) 0));
      if (hasBias) {
        b.setInputs(in, w, bi);
      } else {
        b.setInputs(in, w);
      }
      b.setOutputs(out);
      byte[] model = b.buildBytes();
      CompiledModel cm = CompiledModel.fromBuffer(ByteBuffer.wrap(model), InterpreterOptions.defaults());
      Differential.assertMatchesTfLite(model, Differential.randomInputs(cm.inputs(), 50 + i, 2f));
    }
  }

  static Spec randomQuantized(Random r, DataType t) {
    Spec s = new Spec();
    s.inType = s.wType = s.outType = t;
    s.biasType = DataType.INT32;
    s.depth = 1 + r.nextInt(r.nextBoolean() ? 70 : 400);
    s.units = 1 + r.nextInt(r.nextBoolean() ? 24 : 80);
    s.keepNumDims = r.nextInt(3) == 0;
    s.inShape = randomInShape(r, s.depth, s.keepNumDims);
    s.hasBias = r.nextInt(4) != 0;
    s.activation = r.nextInt(4);
    int lo = t == DataType.INT8 ? -128 : 0;
    int[] zps = {lo, lo + 255, lo + 128, lo + r.nextInt(256)};
    int inZp = zps[r.nextInt(4)];
    int outZp = zps[r.nextInt(4)];
    int wZp = t == DataType.INT8 && r.nextInt(4) != 0 ? 0 : zps[r.nextInt(4)];
    float inS = 0.01f + r.nextFloat() * 0.1f;
    float wS = 0.001f + r.nextFloat() * 0.05f;
    double spread = 5476 * Math.sqrt(s.depth) / 40 * (0.3 + 3 * r.nextDouble());
    float outS = (float) (inS * wS * spread);
    s.inQ = Quantization.of(inS, inZp);
    s.wQ = Quantization.of(wS, wZp);
    s.bQ = Quantization.of(inS * wS, 0);
    s.outQ = Quantization.of(outS, outZp);
    s.weights = bytes(r, s.units * s.depth);
    s.bias = ints(r, s.units, (int) (5476 * Math.sqrt(s.depth)));
    s.version = t == DataType.UINT8 ? 1 : 4;
    if (s.keepNumDims) {
      s.version = 5;
    } else if (!s.hasBias) {
      s.version = 6;
    }
    return s;
  }

  @Test
  void int8MatchesTfLite() throws Exception {
    Random r = new Random(2);
    for (int i = 0; i < 250; i++) {
      check(randomQuantized(r, DataType.INT8), 100 + i, 1f);
    }
  }

  /**
   * Power-of-two real multipliers make exact rounding ties common: TFLite 2.4.1's x86 kernels
   * (ruy) round those half up, not half away from zero like its reference kernels.
   */
  @Test
  void quantizedTiesMatchTfLite() throws Exception {
    Random r = new Random(7);
    for (int i = 0; i < 200; i++) {
      Spec s = randomQuantized(r, i % 2 == 0 ? DataType.INT8 : DataType.UINT8);
      float inS = (float) Math.scalb(1.0, -r.nextInt(4));
      float wS = (float) Math.scalb(1.0, -r.nextInt(4));
      float outS = (float) Math.scalb(1.0, 3 + r.nextInt(10));
      s.inQ = Quantization.of(inS, s.inQ.zeroPoint());
      s.wQ = Quantization.of(wS, s.wQ.zeroPoint());
      s.bQ = Quantization.of(inS * wS, 0);
      s.outQ = Quantization.of(outS, s.outQ.zeroPoint());
      s.activation = 0;
      check(s, 500 + i, 1f);
    }
  }

  @Test
  void uint8MatchesTfLite() throws Exception {
    Random r = new Random(3);
    for (int i = 0; i < 150; i++) {
      check(randomQuantized(r, DataType.UINT8), 200 + i, 1f);
    }
  }

  @Test
  void int16MatchesTfLite() throws Exception {
    Random r = new Random(4);
    for (int i = 0; i < 120; i++) {
      Spec s = new Spec();
      s.inType = s.outType = DataType.INT16;
      s.wType = DataType.INT8;
      s.biasType = DataType.INT64;
      s.depth = 1 + r.nextInt(60);
      s.units = 1 + r.nextInt(20);
      // TFLite 2.4.1's int16 kernel reads batches/units from output dims 0 and 1, so keep
      // the output 2-D (keep_num_dims only with a 2-D input).
      s.keepNumDims = r.nextInt(3) == 0;
      s.inShape = s.keepNumDims ? new int[] {1 + r.nextInt(3), s.depth}
          : randomInShape(r, s.depth, false);
      s.hasBias = r.nextInt(4) != 0;
      s.activation = r.nextInt(4);
      float inS = 0.0001f + r.nextFloat() * 0.001f;
      float wS = 0.001f + r.nextFloat() * 0.05f;
      double spread = 74 * 18918 * Math.sqrt(s.depth) / 8000 * (0.3 + 3 * r.nextDouble());
      // Power-of-two scales keep QUANTIZE/DEQUANTIZE around the oracle's int16 op exact.
      inS = (float) Math.scalb(1.0, -8 - r.nextInt(6));
      float outS = (float) Math.scalb(1.0, Math.getExponent(inS * wS * spread));
      s.inQ = Quantization.of(inS, 0);
      s.wQ = Quantization.of(wS, 0);
      s.bQ = Quantization.of(inS * wS, 0);
      s.outQ = Quantization.of(outS, 0);
      s.weights = bytes(r, s.units * s.depth);
      s.bias = longs(r, s.units, (int) (1_000_000 * Math.sqrt(s.depth)));
      s.version = 7;
      checkInt16(s, 300 + i);
    }
  }

  @Test
  void hybridMatchesTfLite() throws Exception {
    Random r = new Random(5);
    for (int i = 0; i < 200; i++) {
      Spec s = new Spec();
      s.wType = DataType.INT8;
      s.depth = 1 + r.nextInt(r.nextBoolean() ? 70 : 400);
      s.units = 1 + r.nextInt(r.nextBoolean() ? 24 : 80);
      s.keepNumDims = r.nextInt(3) == 0;
      s.inShape = randomInShape(r, s.depth, s.keepNumDims);
      s.hasBias = r.nextInt(4) != 0;
      s.activation = r.nextInt(6);
      s.asymmetric = r.nextBoolean();
      s.wQ = Quantization.of(0.001f + r.nextFloat() * 0.05f, 0);
      s.weights = bytes(r, s.units * s.depth);
      s.bias = floats(r, s.units, 2f);
      s.version = 3;
      check(s, 400 + i, 1 + r.nextInt(5));
    }
  }

  @Test
  void hybridAllZeroInputGivesBias() throws Exception {
    Spec s = new Spec();
    s.wType = DataType.INT8;
    s.depth = 5;
    s.units = 3;
    s.inShape = new int[] {2, 5};
    s.activation = 1;
    s.wQ = Quantization.of(0.02f, 0);
    s.weights = bytes(new Random(9), 15);
    s.bias = fl(1.5f, -2f, 0.25f);
    s.version = 3;
    byte[] model = s.build();
    assertArrayEquals(fl(1.5f, 0f, 0.25f, 1.5f, 0f, 0.25f), runOnce(model, new byte[40]));
    Differential.assertMatchesTfLite(model, new byte[][] {new byte[40]});
  }
}
