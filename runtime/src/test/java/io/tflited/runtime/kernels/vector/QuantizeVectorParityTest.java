package io.tflited.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tflited.runtime.DataType;
import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.kernels.activation.QuantizeKernels;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Vector QUANTIZE equals the scalar twin byte for byte: ties at +-0.5 (C's round), values that
 * clamp, huge values, infinities and NaN (x86's out-of-range conversion), every length.
 */
class QuantizeVectorParityTest {
  private static final float[] SPECIAL = {
    0f, -0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.49999997f, -0.49999997f, 127.5f, -128.5f,
    1e9f, -1e9f, 3e9f, -3e9f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, 32767.5f, -32768.5f
  };

  @Test
  void equalsTheScalarTwin() {
    Random r = new Random(11);
    for (DataType t : new DataType[] {DataType.INT8, DataType.UINT8, DataType.INT16}) {
      if (!QuantizeVector.supported(t)) {
        continue;
      }
      for (int round = 0; round < 600; round++) {
        int n = round < 70 ? round : r.nextInt(3000);
        double scale = switch (round % 4) {
          case 0 -> 1.0;
          case 1 -> 0.5;
          case 2 -> (float) (0.001 + r.nextDouble() * 0.1);
          default -> (float) Math.scalb(1.0, -r.nextInt(20));
        };
        int zp = t == DataType.UINT8 ? r.nextInt(256) : t == DataType.INT8 ? r.nextInt(256) - 128
            : (round % 3 == 0 ? 0 : r.nextInt(65536) - 32768);
        byte[] in = new byte[4 * n + 8];
        int off = 4 * r.nextInt(2);
        for (int i = 0; i < n; i++) {
          float v = switch (r.nextInt(4)) {
            case 0 -> SPECIAL[r.nextInt(SPECIAL.length)];
            case 1 -> (float) ((r.nextInt(1000) - 500) * 0.5 * scale); // exact ties
            default -> (float) (r.nextGaussian() * 200 * scale);
          };
          LittleEndian.setFloat(in, off + 4 * i, v);
        }
        int es = t.byteSize();
        byte[] expected = new byte[es * n + 3];
        byte[] actual = new byte[es * n + 3];
        QuantizeKernels.affineQuantize(in, off, expected, 1, n, scale, zp, t);
        QuantizeVector.affineQuantize(in, off, actual, 1, n, scale, zp, t);
        assertArrayEquals(expected, actual, t + " n " + n + " scale " + scale + " zp " + zp);
      }
    }
  }

  @Test
  void someTypeIsVectorizedAtThisWidth() {
    Assumptions.assumeTrue(Species.BITS >= 256, "128-bit vectors: QUANTIZE stays scalar");
    org.junit.jupiter.api.Assertions.assertTrue(QuantizeVector.supported(DataType.INT16));
  }

  @Test
  void eightBitRequantizeEqualsTheScalarTwin() {
    Assumptions.assumeTrue(QuantizeVector.requantizeSupported(), "128-bit vectors: scalar");
    Random r = new Random(12);
    for (int round = 0; round < 1500; round++) {
      boolean inU = r.nextBoolean();
      boolean outU = r.nextBoolean();
      int n = round < 70 ? round : r.nextInt(2000);
      double ratio = switch (round % 5) {
        case 0 -> 1.0; // uint8 <-> int8 with the same scale: the identity multiplier
        case 1 -> 0.5;
        case 2 -> 2.0 + r.nextDouble() * 100;
        default -> Math.scalb(0.5 + r.nextDouble() * 0.5, -r.nextInt(12));
      };
      io.tflited.runtime.quant.QuantizedMultiplier m =
          io.tflited.runtime.quant.QuantizedMultiplier.of(ratio);
      int inZp = inU ? r.nextInt(256) : r.nextInt(256) - 128;
      int outZp = outU ? r.nextInt(256) : r.nextInt(256) - 128;
      byte[] in = new byte[n + 5];
      r.nextBytes(in);
      byte[] expected = new byte[n + 2];
      byte[] actual = new byte[n + 2];
      DataType it = inU ? DataType.UINT8 : DataType.INT8;
      DataType ot = outU ? DataType.UINT8 : DataType.INT8;
      QuantizeKernels.requantize(in, 3, it, inZp, expected, 1, ot, outZp, n, m.multiplier(),
          m.shift());
      QuantizeVector.requantize(in, 3, inU, inZp, actual, 1, outU, outZp, n, m.multiplier(),
          m.shift());
      assertArrayEquals(expected, actual, it + "->" + ot + " n " + n + " ratio " + ratio);
    }
  }

  @Test
  void eightBitDequantizeEqualsTheScalarTwin() {
    Assumptions.assumeTrue(QuantizeVector.requantizeSupported(), "128-bit vectors: scalar");
    Random r = new Random(13);
    for (int round = 0; round < 1500; round++) {
      boolean unsigned = r.nextBoolean();
      int n = round < 70 ? round : r.nextInt(2000);
      // Scales from the tiny (subnormal products) to the huge (overflow to infinity).
      float scale = switch (round % 4) {
        case 0 -> Math.scalb(r.nextFloat(), -140);
        case 1 -> Math.scalb(r.nextFloat(), 120);
        default -> (float) Math.scalb(0.5 + r.nextDouble() * 0.5, r.nextInt(30) - 20);
      };
      int zp = unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
      byte[] in = new byte[n + 5];
      r.nextBytes(in);
      byte[] expected = new byte[4 * n + 8];
      byte[] actual = new byte[4 * n + 8];
      DataType t = unsigned ? DataType.UINT8 : DataType.INT8;
      QuantizeKernels.dequantize(in, 3, t, expected, 4, n, scale, zp);
      QuantizeVector.dequantize(in, 3, unsigned, actual, 4, n, scale, zp);
      assertArrayEquals(expected, actual, t + " n " + n + " scale " + scale + " zp " + zp);
    }
  }
}
