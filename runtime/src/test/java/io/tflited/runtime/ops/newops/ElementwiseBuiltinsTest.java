package io.tflited.runtime.ops.newops;

import static io.tflited.runtime.ops.math.SingleOp.bytes;
import static io.tflited.runtime.ops.math.SingleOp.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.ops.math.SingleOp;
import io.tflited.runtime.testing.Differential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SIGN, ATAN2, RELU_0_TO_1, BITWISE_XOR, RIGHT_SHIFT, BITCAST (ops newer than TFLite 2.4.1). */
class ElementwiseBuiltinsTest {

  static byte[] unary(int op, DataType in, int[] inShape, DataType out, int[] outShape) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", in, inShape);
    int y = b.addTensor("y", out, outShape);
    b.addOperator(op, 1, new int[] {x}, new int[] {y});
    return b.setInputs(x).setOutputs(y).buildBytes();
  }

  static byte[] binary(int op, DataType t, int[] a, int[] bs, int[] out) {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, a);
    int z = b.addTensor("z", t, bs);
    int y = b.addTensor("y", t, out);
    b.addOperator(op, 1, new int[] {x, z}, new int[] {y});
    return b.setInputs(x, z).setOutputs(y).buildBytes();
  }

  static float[] floats(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.length / 4];
    for (int i = 0; i < f.length; i++) {
      f[i] = bb.getFloat();
    }
    return f;
  }

  static byte[] floatBytes(float... v) {
    ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      bb.putFloat(f);
    }
    return bb.array();
  }

  @Test
  void signHandChecked() throws Exception {
    int[] s = {7};
    byte[] out = run(unary(BuiltinOperator.SIGN, DataType.FLOAT32, s, DataType.FLOAT32, s),
        floatBytes(Float.NaN, -0f, 0f, Float.NEGATIVE_INFINITY, 1e-45f, -3f, 2f))[0];
    // NaN and -0.0 give +0.0 (bit pattern checked), as the x > 0 / x < 0 comparisons of
    // TFLite's reference sign.cc; LiteRT's XNNPACK path would return NaN for NaN.
    assertArrayEquals(floatBytes(0f, 0f, 0f, -1f, 1f, -1f, 1f), out);
    assertArrayEquals(bytes(DataType.INT32, -1, 0, 1, -1, 1),
        run(unary(BuiltinOperator.SIGN, DataType.INT32, new int[] {5}, DataType.INT32,
            new int[] {5}),
            bytes(DataType.INT32, Integer.MIN_VALUE, 0, 7, -1, Integer.MAX_VALUE))[0]);
    assertThrows(ModelException.class, () -> SingleOp.compile(unary(BuiltinOperator.SIGN,
        DataType.INT8, s, DataType.INT8, s)));
  }

  @Test
  void atan2HandChecked() throws Exception {
    int[] s = {6};
    float[] out = floats(run(binary(BuiltinOperator.ATAN2, DataType.FLOAT32, s, s, s),
        floatBytes(0f, -0f, 1f, -1f, Float.NaN, 3f),
        floatBytes(-0f, -0f, 0f, 0f, 1f, 4f))[0]);
    assertEquals((float) Math.PI, out[0]);
    assertEquals((float) -Math.PI, out[1]);
    assertEquals((float) (Math.PI / 2), out[2]);
    assertEquals((float) (-Math.PI / 2), out[3]);
    assertTrue(Float.isNaN(out[4]));
    assertEquals(0.6435011f, out[5], 1e-7f);
    // No broadcasting in TFLite's ATAN2.
    assertThrows(ModelException.class, () -> SingleOp.compile(binary(BuiltinOperator.ATAN2,
        DataType.FLOAT32, new int[] {2, 3}, new int[] {3}, new int[] {2, 3})));
  }

  @Test
  void relu0To1HandChecked() throws Exception {
    int[] s = {7};
    byte[] out = run(unary(BuiltinOperator.RELU_0_TO_1, DataType.FLOAT32, s, DataType.FLOAT32, s),
        floatBytes(Float.NaN, -0f, -2f, 0.25f, 1f, 1.5f, Float.POSITIVE_INFINITY))[0];
    assertArrayEquals(floatBytes(Float.NaN, -0f, 0f, 0.25f, 1f, 1f, 1f), out);
  }

  @Test
  void bitwiseHandChecked() throws Exception {
    int[] s = {4};
    assertArrayEquals(bytes(DataType.INT16, 0x0ff0 ^ 0x00ff, -1 ^ 5, 0, -32768 ^ 1),
        run(binary(BuiltinOperator.BITWISE_XOR, DataType.INT16, s, s, s),
            bytes(DataType.INT16, 0x0ff0, -1, 9, -32768),
            bytes(DataType.INT16, 0x00ff, 5, 9, 1))[0]);
    // Broadcast [2,1] x [3] -> [2,3].
    assertArrayEquals(bytes(DataType.INT32, 1 ^ 4, 1 ^ 5, 1 ^ 6, 2 ^ 4, 2 ^ 5, 2 ^ 6),
        run(binary(BuiltinOperator.BITWISE_XOR, DataType.INT32, new int[] {2, 1}, new int[] {3},
            new int[] {2, 3}), bytes(DataType.INT32, 1, 2), bytes(DataType.INT32, 4, 5, 6))[0]);
    // Shifts clamp to [0, width-1]: negative -> 0, >= width -> width-1.
    assertArrayEquals(new byte[] {-1, 64, 0, -64, 1},
        run(binary(BuiltinOperator.RIGHT_SHIFT, DataType.INT8, new int[] {5}, new int[] {5},
            new int[] {5}), new byte[] {-128, 64, 64, -128, 127},
            new byte[] {100, -3, 7, 1, 6})[0]);
    // uint8: 200 as a shift is unsigned, so it clamps to 7; the shift is logical.
    assertArrayEquals(new byte[] {1, 0x40, (byte) 0xff},
        run(binary(BuiltinOperator.RIGHT_SHIFT, DataType.UINT8, new int[] {3}, new int[] {3},
            new int[] {3}), new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0xff},
            new byte[] {(byte) 200, 1, 0})[0]);
    assertArrayEquals(bytes(DataType.INT32, 1, -1, 0x7fffffff >> 3),
        run(binary(BuiltinOperator.RIGHT_SHIFT, DataType.UINT32, new int[] {3}, new int[] {3},
            new int[] {3}), bytes(DataType.INT32, -1, -1, 0x7fffffff),
            bytes(DataType.INT32, 40, 0, 3))[0]);
    assertArrayEquals(bytes(DataType.INT16, -1, 0, -2),
        run(binary(BuiltinOperator.RIGHT_SHIFT, DataType.INT16, new int[] {3}, new int[] {3},
            new int[] {3}), bytes(DataType.INT16, -2, 0x7fff, -4),
            bytes(DataType.INT16, 15, 15, 1))[0]);
    assertThrows(ModelException.class, () -> SingleOp.compile(binary(BuiltinOperator.RIGHT_SHIFT,
        DataType.INT64, s, s, s)));
    assertThrows(ModelException.class, () -> SingleOp.compile(binary(BuiltinOperator.BITWISE_XOR,
        DataType.FLOAT32, s, s, s)));
    // Differing shapes broadcast only up to rank 4, as TFLite's 4-D slow broadcast.
    assertThrows(ModelException.class, () -> SingleOp.compile(binary(BuiltinOperator.BITWISE_XOR,
        DataType.INT8, new int[] {2, 1, 1, 1, 3}, new int[] {3}, new int[] {2, 1, 1, 1, 3})));
  }

  @Test
  void bitcastHandChecked() throws Exception {
    // float32 1.0f = 0x3f800000 -> uint8 [.., 4] little-endian.
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0},
        run(unary(BuiltinOperator.BITCAST, DataType.FLOAT32, new int[] {2}, DataType.UINT8,
            new int[] {2, 4}), floatBytes(1f, -2f))[0]);
    CompiledModel m = SingleOp.compile(unary(BuiltinOperator.BITCAST, DataType.INT8,
        new int[] {3, 2}, DataType.INT16, new int[] {3}));
    assertArrayEquals(new int[] {3}, m.outputs().get(0).shape());
    assertArrayEquals(bytes(DataType.INT16, 0x0201, -1, 0x7f80),
        Differential.run(m, new byte[][] {{1, 2, -1, -1, -128, 127}})[0]);
    assertArrayEquals(floatBytes(-0f),
        run(unary(BuiltinOperator.BITCAST, DataType.INT32, new int[] {1}, DataType.FLOAT32,
            new int[] {1}), bytes(DataType.INT32, Integer.MIN_VALUE))[0]);
    // A smaller input type needs a last dim of sizeof(out)/sizeof(in).
    assertThrows(ModelException.class, () -> SingleOp.compile(unary(BuiltinOperator.BITCAST,
        DataType.UINT8, new int[] {3}, DataType.INT16, new int[] {1})));
  }

  /**
   * All six ops in one model, compared with LiteRT 2.5.3 on seeded random inputs (integers
   * take every bit pattern, so shifts cover negative and >= width amounts; floats start with
   * NaN, signed zeros and infinities), incl. float64 SIGN/ATAN2 and int8/uint8 RELU_0_TO_1:
   * bit-exact except ATAN2 (libm vs Java, within the oracle tolerances).
   */
  @Test
  void matchesLiteRt() throws Exception {
    Random r = new Random(71);
    ModelBuilder b = new ModelBuilder();
    List<Integer> ins = new ArrayList<>();
    List<Integer> outs = new ArrayList<>();
    List<String> desc = new ArrayList<>();
    List<DataType> outTypes = new ArrayList<>();
    DataType[] intTypes = {DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16,
        DataType.INT32, DataType.UINT32};
    for (int c = 0; c < 12; c++) {
      int op = c % 2 == 0 ? BuiltinOperator.BITWISE_XOR : BuiltinOperator.RIGHT_SHIFT;
      DataType t = intTypes[c / 2];
      int[] out = {1 + r.nextInt(3), 1 + r.nextInt(4), 1 + r.nextInt(5)};
      int[] bs = c % 3 == 0 ? new int[] {out[2]} : c % 3 == 1 ? new int[] {out[0], 1, 1} : out;
      int x = b.addTensor("x" + c, t, out);
      int z = b.addTensor("z" + c, t, bs);
      int y = b.addTensor("y" + c, t, out);
      b.addOperator(op, 1, new int[] {x, z}, new int[] {y});
      ins.add(x);
      ins.add(z);
      outs.add(y);
      outTypes.add(t);
      desc.add(BuiltinOperator.name(op) + " " + t);
    }
    int[] s = {3, 5, 4};
    for (int op : new int[] {BuiltinOperator.SIGN, BuiltinOperator.RELU_0_TO_1}) {
      int x = b.addTensor("u" + op, DataType.FLOAT32, s);
      int y = b.addTensor("v" + op, DataType.FLOAT32, s);
      b.addOperator(op, 1, new int[] {x}, new int[] {y});
      ins.add(x);
      outs.add(y);
      outTypes.add(DataType.FLOAT32);
      desc.add(BuiltinOperator.name(op));
    }
    {
      int x = b.addTensor("si", DataType.INT32, s);
      int y = b.addTensor("so", DataType.INT32, s);
      b.addOperator(BuiltinOperator.SIGN, 2, new int[] {x}, new int[] {y});
      ins.add(x);
      outs.add(y);
      outTypes.add(DataType.INT32);
      desc.add("SIGN int32");
    }
    {
      int ya = b.addTensor("ya", DataType.FLOAT32, s);
      int xa = b.addTensor("xa", DataType.FLOAT32, s);
      int y = b.addTensor("atan", DataType.FLOAT32, s);
      b.addOperator(BuiltinOperator.ATAN2, 1, new int[] {ya, xa}, new int[] {y});
      ins.add(ya);
      ins.add(xa);
      outs.add(y);
      outTypes.add(DataType.FLOAT32);
      desc.add("ATAN2");
    }
    List<Integer> specialInputs = new ArrayList<>();
    // Inputs so far end with: SIGN f32, RELU_0_TO_1 f32, SIGN int32, ATAN2 y, ATAN2 x.
    specialInputs.add(ins.size() - 5);
    specialInputs.add(ins.size() - 4);
    specialInputs.add(ins.size() - 2);
    specialInputs.add(ins.size() - 1);
    // float64 SIGN and ATAN2.
    {
      int x = b.addTensor("sd", DataType.FLOAT64, s);
      int y = b.addTensor("sdo", DataType.FLOAT64, s);
      b.addOperator(BuiltinOperator.SIGN, 2, new int[] {x}, new int[] {y});
      ins.add(x);
      outs.add(y);
      outTypes.add(DataType.FLOAT64);
      desc.add("SIGN float64");
      int ya = b.addTensor("yd", DataType.FLOAT64, s);
      int xa = b.addTensor("xd", DataType.FLOAT64, s);
      int o = b.addTensor("atand", DataType.FLOAT64, s);
      b.addOperator(BuiltinOperator.ATAN2, 1, new int[] {ya, xa}, new int[] {o});
      ins.add(ya);
      ins.add(xa);
      outs.add(o);
      outTypes.add(DataType.FLOAT64);
      desc.add("ATAN2 float64");
    }
    // Quantized RELU_0_TO_1: requantize to the output scale, clamp to [0, 1] in real units.
    for (DataType t : new DataType[] {DataType.INT8, DataType.UINT8}) {
      int zpIn = t == DataType.INT8 ? -20 : 108;
      int zpOut = t == DataType.INT8 ? -128 : 0;
      int x = b.addTensor("rq" + t, t, new int[] {256}, Quantization.of(0.0123f, zpIn));
      int y = b.addTensor("rqo" + t, t, new int[] {256}, Quantization.of(0.0047f, zpOut));
      b.addOperator(BuiltinOperator.RELU_0_TO_1, 1, new int[] {x}, new int[] {y});
      ins.add(x);
      outs.add(y);
      outTypes.add(t);
      desc.add("RELU_0_TO_1 " + t);
    }
    DataType[][] casts = {{DataType.FLOAT32, DataType.UINT8}, {DataType.INT8, DataType.INT32},
        {DataType.INT32, DataType.FLOAT32}, {DataType.INT16, DataType.UINT16}};
    for (DataType[] cast : casts) {
      int inSize = cast[0].byteSize();
      int outSize = cast[1].byteSize();
      int[] inShape = inSize < outSize ? new int[] {3, outSize / inSize} : new int[] {3, 2};
      int[] outShape = inSize > outSize ? new int[] {3, 2, inSize / outSize}
          : inSize < outSize ? new int[] {3} : inShape;
      int x = b.addTensor("bi" + cast[0] + cast[1], cast[0], inShape);
      int y = b.addTensor("bo" + cast[0] + cast[1], cast[1], outShape);
      b.addOperator(BuiltinOperator.BITCAST, 1, new int[] {x}, new int[] {y});
      ins.add(x);
      outs.add(y);
      outTypes.add(cast[1]);
      desc.add("BITCAST " + cast[0] + " -> " + cast[1]);
    }
    int[] inArr = ins.stream().mapToInt(Integer::intValue).toArray();
    int[] outArr = outs.stream().mapToInt(Integer::intValue).toArray();
    byte[] model = b.setInputs(inArr).setOutputs(outArr).buildBytes();
    CompiledModel m = SingleOp.compile(model);
    byte[][] inputs = Differential.randomInputs(m.inputs(), 72, 4f);
    // NaN, signed zeros and infinities at the start of the float SIGN/RELU_0_TO_1/ATAN2
    // inputs (ATAN2's y and x get every pairing of zeros and infinities across positions).
    // SIGN gets no NaN here: LiteRT 2.5.3 runs SIGN through XNNPACK, which returns NaN, while
    // TFLite's reference sign.cc (which tflited follows) returns 0; see signHandChecked.
    float[][] specials = {
      {-1e-45f, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f, 1e-45f},
      {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f, 0f},
      {0f, -0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, 0f, Float.NaN},
      {-0f, -0f, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, -0f, 2f},
    };
    for (int k = 0; k < specials.length; k++) {
      ByteBuffer bb = ByteBuffer.wrap(inputs[specialInputs.get(k)]).order(ByteOrder.LITTLE_ENDIAN);
      for (float f : specials[k]) {
        bb.putFloat(f);
      }
    }
    byte[][] actual = Differential.run(m, inputs);
    byte[][] expected = LiteRtRef.run(model, inputs, outArr.length);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < outArr.length; i++) {
      String d = desc.get(i).equals("ATAN2 float64")
          ? float64Mismatch(expected[i], actual[i])
          : desc.get(i).startsWith("ATAN2")
          ? Differential.describeMismatch(DataType.FLOAT32, expected[i], actual[i])
          : (java.util.Arrays.equals(expected[i], actual[i]) ? null : "bytes differ");
      if (d != null) {
        failures.add(desc.get(i) + ": " + d);
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    System.out.println("ElementwiseBuiltinsTest: " + outArr.length + " ops matched LiteRT 2.5.3");
  }

  /** Null when the float64 outputs agree within a few ulps (libm atan2 vs Java's), NaN = NaN. */
  static String float64Mismatch(byte[] expected, byte[] actual) {
    if (expected.length != actual.length) {
      return "size " + actual.length + " bytes, expected " + expected.length;
    }
    ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer a = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < expected.length / 8; k++) {
      double ev = e.getDouble(8 * k);
      double av = a.getDouble(8 * k);
      if (!(Math.abs(ev - av) <= 4 * Math.ulp(ev)) && !(Double.isNaN(ev) && Double.isNaN(av))) {
        return "element " + k + ": got " + av + ", expected " + ev;
      }
    }
    return null;
  }
}
