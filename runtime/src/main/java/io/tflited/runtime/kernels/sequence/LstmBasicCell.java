package io.tflited.runtime.kernels.sequence;

import io.tflited.runtime.kernels.LittleEndian;
import io.tflited.runtime.quant.FixedPoint;
import io.tflited.runtime.quant.LstmBasicFixedPoint;
import io.tflited.runtime.quant.SequenceFixedPoint;

/**
 * TFLite's basic LSTM cell (LSTM kernel_type BASIC, reference_ops LstmCell): concat [input,
 * prev_activ], one fully connected layer to 4 * depth gate pre-activations in the order input,
 * input modulation, forget, output; then new_state = i * tanh(m) + f * prev_state and
 * activ = o * tanh(new_state). Float, and uint8 with int16 fixed-point gates (3 integer bits)
 * and an int16 state with 4 integer bits.
 */
public final class LstmBasicCell {
  private LstmBasicCell() {}

  /** Float cell for one batch row; writes concat (inDepth + depth) and activTemp (4 * depth). */
  public static void stepFloat(int inDepth, int depth, float[] weights, float[] bias,
      byte[] in, int inOff, byte[] prevActiv, int paOff, byte[] prevState, int psOff,
      byte[] activ, int aOff, byte[] state, int sOff, byte[] concat, int cOff, byte[] temp, int tOff) {
    final int accDepth = inDepth + depth;
    System.arraycopy(in, inOff, concat, cOff, 4 * inDepth);
    System.arraycopy(prevActiv, paOff, concat, cOff + 4 * inDepth, 4 * depth);
    for (int o = 0; o < 4 * depth; o++) {
      float acc = 0f;
      int wo = o * accDepth;
      for (int d = 0; d < accDepth; d++) {
        acc += weights[wo + d] * LittleEndian.getFloat(concat, cOff + 4 * d);
      }
      LittleEndian.setFloat(temp, tOff + 4 * o, acc + bias[o]);
    }
    for (int c = 0; c < depth; c++) {
      float ig = sigmoid(LittleEndian.getFloat(temp, tOff + 4 * c));
      float mg = (float) Math.tanh(LittleEndian.getFloat(temp, tOff + 4 * (depth + c)));
      float fg = sigmoid(LittleEndian.getFloat(temp, tOff + 4 * (2 * depth + c)));
      float og = sigmoid(LittleEndian.getFloat(temp, tOff + 4 * (3 * depth + c)));
      float ns = ig * mg + fg * LittleEndian.getFloat(prevState, psOff + 4 * c);
      LittleEndian.setFloat(state, sOff + 4 * c, ns);
      LittleEndian.setFloat(activ, aOff + 4 * c, og * (float) Math.tanh(ns));
    }
  }

  /**
   * Quantized cell for one batch row: uint8 input/prev_activ/activ (zero point 128), uint8
   * weights, int32 bias, int16 states with 4 integer bits; writes concat (uint8) and activTemp
   * (int16).
   */
  public static void stepUint8(int inDepth, int depth, byte[] weights, int weightsZp, int[] bias,
      int accumMultiplier, int accumShift,
      byte[] in, int inOff, byte[] prevActiv, int paOff, byte[] prevState, int psOff,
      byte[] activ, int aOff, byte[] state, int sOff, byte[] concat, int cOff, byte[] temp, int tOff) {
    final int accDepth = inDepth + depth;
    System.arraycopy(in, inOff, concat, cOff, inDepth);
    System.arraycopy(prevActiv, paOff, concat, cOff + inDepth, depth);
    for (int o = 0; o < 4 * depth; o++) {
      int acc = bias[o];
      int wo = o * accDepth;
      for (int d = 0; d < accDepth; d++) {
        acc += ((concat[cOff + d] & 0xff) - 128) * ((weights[wo + d] & 0xff) - weightsZp);
      }
      acc = FixedPoint.multiplyByQuantizedMultiplier(acc, accumMultiplier, accumShift);
      acc = Math.max(-32768, Math.min(32767, acc));
      LittleEndian.setShort(temp, tOff + 2 * o, (short) acc);
    }
    for (int c = 0; c < depth; c++) {
      int ig = SequenceFixedPoint.logistic16(LittleEndian.getShort(temp, tOff + 2 * c), 3);
      int mg = SequenceFixedPoint.tanh16(LittleEndian.getShort(temp, tOff + 2 * (depth + c)), 3);
      int fg = SequenceFixedPoint.logistic16(LittleEndian.getShort(temp, tOff + 2 * (2 * depth + c)), 3);
      int og = SequenceFixedPoint.logistic16(LittleEndian.getShort(temp, tOff + 2 * (3 * depth + c)), 3);
      int im = LstmBasicFixedPoint.mul(ig, mg); // F0
      int prev = LittleEndian.getShort(prevState, psOff + 2 * c); // F4
      int fp = LstmBasicFixedPoint.mul(fg, prev); // F0 * F4 -> F4
      int ns = LstmBasicFixedPoint.saturatingAdd(
          LstmBasicFixedPoint.saturatingRoundingMultiplyByPot(im, -4), fp); // F4
      int nsF3 = LstmBasicFixedPoint.saturatingRoundingMultiplyByPot(ns, 1);
      int out = LstmBasicFixedPoint.mul(og, SequenceFixedPoint.tanh16(nsF3, 3)); // F0
      LittleEndian.setShort(state, sOff + 2 * c, (short) ns);
      int rescaled = LstmBasicFixedPoint.roundingDivideByPot(out, 8);
      int clamped = Math.max(-128, Math.min(127, rescaled));
      activ[aOff + c] = (byte) (128 + clamped);
    }
  }

  private static float sigmoid(float x) {
    return 1.0f / (1.0f + (float) Math.exp(-x));
  }
}
