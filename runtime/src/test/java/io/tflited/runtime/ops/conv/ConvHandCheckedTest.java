package io.tflited.runtime.ops.conv;

import static io.tflited.runtime.ops.conv.ConvTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.Conv2DOptions;
import io.tflited.runtime.model.fb.DepthwiseConv2DOptions;
import io.tflited.runtime.model.fb.Padding;
import io.tflited.runtime.testing.Differential;
import org.junit.jupiter.api.Test;

/** Small convolutions whose results were worked out by hand. */
class ConvHandCheckedTest {

  private static byte[] conv(DataType t, int[] inShape, Quantization inQ, byte[] input,
      int[] wShape, Quantization wQ, byte[] w, DataType biasType, Quantization bQ, byte[] bias,
      int[] outShape, Quantization outQ, byte pad, int stride, byte act) throws Exception {
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", t, inShape, inQ);
    int f = b.addConstant("w", wTypeFor(t, wQ), wShape, wQ, w);
    int bi = b.addConstant("b", biasType, new int[] {wShape[0]}, bQ, bias);
    int y = b.addTensor("y", t, outShape, outQ);
    b.addOperator(BuiltinOperator.CONV_2D, 3, new int[] {x, f, bi}, new int[] {y},
        BuiltinOptions.Conv2DOptions,
        fbb -> Conv2DOptions.createConv2DOptions(fbb, pad, stride, stride, act, 1, 1, (byte) 0));
    b.setInputs(x).setOutputs(y);
    CompiledModel m = CompiledModel.fromBuffer(b.build(), InterpreterOptions.defaults());
    return Differential.run(m, new byte[][] {input})[0];
  }

  private static DataType wTypeFor(DataType t, Quantization wQ) {
    return t == U8 ? U8 : t == F32 && !wQ.isQuantized() ? F32 : I8;
  }

  @Test
  void int8PerChannel1x1() throws Exception {
    // real input [0, 1]; channel 0 weights [2, 3] + bias 2 -> 5; channel 1 [2, -2.5] - 0.5 -> -3.
    byte[] out = conv(I8, new int[] {1, 1, 1, 2}, q(0.5f, -128), new byte[] {-128, -126},
        new int[] {2, 1, 1, 2}, perChannel(new float[] {1f, 0.5f}, 0), new byte[] {2, 3, 4, -5},
        DataType.INT32, Quantization.NONE, ints(4, -2),
        new int[] {1, 1, 1, 2}, q(0.25f, 10), Padding.VALID, 1, (byte) 0);
    assertArrayEquals(new byte[] {30, -2}, out);
  }

  @Test
  void int8SaturatesAtBothEnds() throws Exception {
    byte[] out = conv(I8, new int[] {1, 1, 1, 1}, q(1f, 0), new byte[] {100},
        new int[] {2, 1, 1, 1}, perChannel(new float[] {1f, 1f}, 0), new byte[] {127, -127},
        DataType.INT32, Quantization.NONE, ints(0, 0),
        new int[] {1, 1, 1, 2}, q(1f, 0), Padding.VALID, 1, (byte) 0);
    assertArrayEquals(new byte[] {127, -128}, out);
    // RELU6 with scale 0.1: 6 / 0.1 = 60 is the ceiling; RELU floor is the zero point 0.
    out = conv(I8, new int[] {1, 1, 1, 1}, q(1f, 0), new byte[] {100},
        new int[] {2, 1, 1, 1}, perChannel(new float[] {1f, 1f}, 0), new byte[] {127, -127},
        DataType.INT32, Quantization.NONE, ints(0, 0),
        new int[] {1, 1, 1, 2}, q(0.1f, 0), Padding.VALID, 1, (byte) ActivationFunctionType.RELU6);
    assertArrayEquals(new byte[] {60, 0}, out);
  }

  @Test
  void samePaddingTreatsPaddedTapsAsRealZero() throws Exception {
    // 1x1 input with zero point 127: only the centre tap of the 3x3 filter sees the input.
    byte[] ones = new byte[9];
    java.util.Arrays.fill(ones, (byte) 1);
    byte[] out = conv(I8, new int[] {1, 1, 1, 1}, q(1f, 127), new byte[] {117},
        new int[] {1, 3, 3, 1}, perChannel(new float[] {1f}, 0), ones,
        DataType.INT32, Quantization.NONE, ints(0),
        new int[] {1, 1, 1, 1}, q(1f, 0), Padding.SAME, 1, (byte) 0);
    // real -10 from the centre tap only (padding taps read as q=0 would add 8 * 127).
    assertArrayEquals(new byte[] {-10}, out);
  }

  @Test
  void uint8WithExtremeZeroPoints() throws Exception {
    // input zp 250: q [253, 245] -> real [3, -5]; weight zp 255: q [254, 253] -> real [-1, -2];
    // dot = -3 + 10 = 7; output zp 128 -> 135.
    byte[] out = conv(U8, new int[] {1, 1, 1, 2}, q(1f, 250), new byte[] {(byte) 253, (byte) 245},
        new int[] {1, 1, 1, 2}, q(1f, 255), new byte[] {(byte) 254, (byte) 253},
        DataType.INT32, q(1f, 0), ints(0),
        new int[] {1, 1, 1, 1}, q(1f, 128), Padding.VALID, 1, (byte) 0);
    assertArrayEquals(new byte[] {(byte) 135}, out);
  }

  @Test
  void float32StridedWithRelu6() throws Exception {
    // 1x4x1 input [1, 2, 3, 4], 1x2 filter [1, 1] stride 2 VALID: [3, 7] + bias 0.5 -> RELU6.
    byte[] out = conv(F32, new int[] {1, 1, 4, 1}, Quantization.NONE, floats(1, 2, 3, 4),
        new int[] {1, 1, 2, 1}, Quantization.NONE, floats(1, 1),
        F32, Quantization.NONE, floats(0.5f),
        new int[] {1, 1, 2, 1}, Quantization.NONE, Padding.VALID, 2,
        (byte) ActivationFunctionType.RELU6);
    assertArrayEquals(floats(3.5f, 6f), out);
  }

  @Test
  void rejectsInvalidModels() {
    // Channel mismatch between input and filter.
    ModelException e = assertThrows(ModelException.class, () -> conv(I8,
        new int[] {1, 1, 1, 2}, q(1f, 0), new byte[2], new int[] {1, 1, 1, 3},
        perChannel(new float[] {1f}, 0), new byte[3], DataType.INT32, Quantization.NONE, ints(0),
        new int[] {1, 1, 1, 1}, q(1f, 0), Padding.VALID, 1, (byte) 0));
    assertTrue(e.getMessage().contains("CONV_2D"), e.getMessage());
    // Asymmetric int8 weights.
    assertThrows(ModelException.class, () -> conv(I8,
        new int[] {1, 1, 1, 1}, q(1f, 0), new byte[1], new int[] {1, 1, 1, 1},
        q(1f, 3), new byte[1], DataType.INT32, Quantization.NONE, ints(0),
        new int[] {1, 1, 1, 1}, q(1f, 0), Padding.VALID, 1, (byte) 0));
    // Wrong number of per-channel scales.
    assertThrows(ModelException.class, () -> conv(I8,
        new int[] {1, 1, 1, 1}, q(1f, 0), new byte[1], new int[] {2, 1, 1, 1},
        perChannel(new float[] {1f, 1f, 1f}, 0), new byte[2], DataType.INT32, Quantization.NONE,
        ints(0, 0), new int[] {1, 1, 1, 2}, q(1f, 0), Padding.VALID, 1, (byte) 0));
    // Stride 0.
    assertThrows(ModelException.class, () -> conv(F32,
        new int[] {1, 2, 2, 1}, Quantization.NONE, new byte[16], new int[] {1, 1, 1, 1},
        Quantization.NONE, floats(1), F32, Quantization.NONE, floats(0),
        new int[] {1, 2, 2, 1}, Quantization.NONE, Padding.VALID, 0, (byte) 0));
  }

  @Test
  void depthwiseMultiplierTwoByHand() throws Exception {
    // Input channels [a=2, b=-3] (real, int8 zp 0 scale 1), depth multiplier 2: outputs
    // [a*w0, a*w1, b*w2, b*w3] with w = [1, -2, 3, 4] -> [2, -4, -9, -12]; bias [0, 1, 0, 0].
    ModelBuilder b = new ModelBuilder();
    int x = b.addTensor("x", I8, new int[] {1, 1, 1, 2}, q(1f, 0));
    int f = b.addConstant("w", I8, new int[] {1, 1, 1, 4},
        perChannel(new float[] {1f, 1f, 1f, 1f}, 3), new byte[] {1, -2, 3, 4});
    int bi = b.addConstant("b", DataType.INT32, new int[] {4}, Quantization.NONE, ints(0, 1, 0, 0));
    int y = b.addTensor("y", I8, new int[] {1, 1, 1, 4}, q(1f, 0));
    b.addOperator(BuiltinOperator.DEPTHWISE_CONV_2D, 3, new int[] {x, f, bi}, new int[] {y},
        BuiltinOptions.DepthwiseConv2DOptions,
        fbb -> DepthwiseConv2DOptions.createDepthwiseConv2DOptions(fbb, Padding.VALID, 1, 1, 2,
            (byte) 0, 1, 1));
    b.setInputs(x).setOutputs(y);
    CompiledModel m = CompiledModel.fromBuffer(b.build(), InterpreterOptions.defaults());
    byte[] out = Differential.run(m, new byte[][] {{2, -3}})[0];
    assertArrayEquals(new byte[] {2, -3, -9, -12}, out);
  }
}
