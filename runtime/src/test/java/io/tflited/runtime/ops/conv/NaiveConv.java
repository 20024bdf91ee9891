package io.tflited.runtime.ops.conv;

import io.tflited.runtime.model.fb.Buffer;
import io.tflited.runtime.model.fb.Conv2DOptions;
import io.tflited.runtime.model.fb.Model;
import io.tflited.runtime.model.fb.Operator;
import io.tflited.runtime.model.fb.SubGraph;
import io.tflited.runtime.model.fb.Tensor;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A deliberately naive transcription of TFLite's reference 16x8 ConvPerChannel, reading a
 * single-op model directly from its FlatBuffer, used where the TFLite Java API cannot run
 * int16 tensors.
 */
final class NaiveConv {
  private NaiveConv() {}

  static byte[] conv16x8(byte[] modelBytes, byte[] input) {
    Model model = Model.getRootAsModel(ByteBuffer.wrap(modelBytes).order(ByteOrder.LITTLE_ENDIAN));
    SubGraph sg = model.subgraphs(0);
    Operator op = sg.operators(0);
    Tensor in = sg.tensors(op.inputs(0));
    Tensor f = sg.tensors(op.inputs(1));
    Tensor bias = sg.tensors(op.inputs(2));
    Tensor out = sg.tensors(op.outputs(0));
    Conv2DOptions o = (Conv2DOptions) op.builtinOptions(new Conv2DOptions());
    ByteBuffer fb = data(model, f);
    ByteBuffer bb = data(model, bias);
    ByteBuffer ib = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
    int n = in.shape(0), h = in.shape(1), w = in.shape(2), ic = in.shape(3);
    int oc = f.shape(0), kh = f.shape(1), kw = f.shape(2);
    int oh = out.shape(1), ow = out.shape(2);
    int sh = o.strideH(), sw = o.strideW(), dh = o.dilationHFactor(), dw = o.dilationWFactor();
    int padH = Math.max(0, ((oh - 1) * sh + (kh - 1) * dh + 1 - h)) / 2;
    int padW = Math.max(0, ((ow - 1) * sw + (kw - 1) * dw + 1 - w)) / 2;
    float inScale = in.quantization().scale(0);
    float outScale = out.quantization().scale(0);
    int act = o.fusedActivationFunction();
    int lo = -32768;
    int hi = 32767;
    if (act == 1) {
      lo = 0;
    } else if (act == 3) {
      lo = 0;
      hi = Math.min(hi, Math.round(6f / outScale));
    } else if (act == 2) {
      lo = Math.max(lo, Math.round(-1f / outScale));
      hi = Math.min(hi, Math.round(1f / outScale));
    }
    ByteBuffer res = ByteBuffer.allocate(2 * n * oh * ow * oc).order(ByteOrder.LITTLE_ENDIAN);
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          for (int c = 0; c < oc; c++) {
            long acc = 0;
            for (int fy = 0; fy < kh; fy++) {
              for (int fx = 0; fx < kw; fx++) {
                int iy = y * sh - padH + fy * dh;
                int ix = x * sw - padW + fx * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                  continue;
                }
                for (int k = 0; k < ic; k++) {
                  int iv = ib.getShort(2 * (((b * h + iy) * w + ix) * ic + k));
                  int fv = fb.get(((c * kh + fy) * kw + fx) * ic + k);
                  acc += (long) iv * fv;
                }
              }
            }
            acc += bb.getLong(8 * c);
            double eff = (double) inScale * f.quantization().scale(c) / outScale;
            QuantizedMultiplier qm = QuantizedMultiplier.of(eff);
            int reduced = qm.multiplier() < 0x7FFF0000 ? (qm.multiplier() + (1 << 15)) >> 16 : 0x7FFF;
            int total = 15 - qm.shift();
            long v = (acc * reduced + (1L << (total - 1))) >> total;
            int r = (int) Math.max(lo, Math.min(hi, v));
            res.putShort((short) r);
          }
        }
      }
    }
    return res.array();
  }

  /** TFLite's reference 16x8 DepthwiseConvPerChannel, naively. */
  static byte[] depthwise16x8(byte[] modelBytes, byte[] input) {
    Model model = Model.getRootAsModel(ByteBuffer.wrap(modelBytes).order(ByteOrder.LITTLE_ENDIAN));
    SubGraph sg = model.subgraphs(0);
    Operator op = sg.operators(0);
    Tensor in = sg.tensors(op.inputs(0));
    Tensor f = sg.tensors(op.inputs(1));
    Tensor out = sg.tensors(op.outputs(0));
    var o = (io.tflited.runtime.model.fb.DepthwiseConv2DOptions)
        op.builtinOptions(new io.tflited.runtime.model.fb.DepthwiseConv2DOptions());
    ByteBuffer fb = data(model, f);
    ByteBuffer bb = data(model, sg.tensors(op.inputs(2)));
    ByteBuffer ib = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
    int n = in.shape(0), h = in.shape(1), w = in.shape(2), ic = in.shape(3);
    int kh = f.shape(1), kw = f.shape(2), oc = f.shape(3);
    int oh = out.shape(1), ow = out.shape(2);
    int dm = o.depthMultiplier();
    int sh = o.strideH(), sw = o.strideW(), dh = o.dilationHFactor(), dw = o.dilationWFactor();
    int padH = Math.max(0, ((oh - 1) * sh + (kh - 1) * dh + 1 - h)) / 2;
    int padW = Math.max(0, ((ow - 1) * sw + (kw - 1) * dw + 1 - w)) / 2;
    float inScale = in.quantization().scale(0);
    float outScale = out.quantization().scale(0);
    int[] range = range(o.fusedActivationFunction(), outScale);
    ByteBuffer res = ByteBuffer.allocate(2 * n * oh * ow * oc).order(ByteOrder.LITTLE_ENDIAN);
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          for (int i = 0; i < ic; i++) {
            for (int m = 0; m < dm; m++) {
              int c = i * dm + m;
              long acc = 0;
              for (int fy = 0; fy < kh; fy++) {
                for (int fx = 0; fx < kw; fx++) {
                  int iy = y * sh - padH + fy * dh;
                  int ix = x * sw - padW + fx * dw;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                    continue;
                  }
                  acc += (long) ib.getShort(2 * (((b * h + iy) * w + ix) * ic + i))
                      * fb.get((fy * kw + fx) * oc + c);
                }
              }
              acc += bb.getLong(8 * c);
              res.putShort(2 * (((b * oh + y) * ow + x) * oc + c),
                  (short) requant16(acc, inScale, f.quantization().scale(c), outScale, range));
            }
          }
        }
      }
    }
    return res.array();
  }

  private static int[] range(int act, float outScale) {
    int lo = -32768;
    int hi = 32767;
    if (act == 1) {
      lo = 0;
    } else if (act == 3) {
      lo = 0;
      hi = Math.min(hi, Math.round(6f / outScale));
    } else if (act == 2) {
      lo = Math.max(lo, Math.round(-1f / outScale));
      hi = Math.min(hi, Math.round(1f / outScale));
    }
    return new int[] {lo, hi};
  }

  private static int requant16(long acc, float inScale, float fScale, float outScale, int[] range) {
    QuantizedMultiplier qm = QuantizedMultiplier.of((double) inScale * fScale / outScale);
    int reduced = qm.multiplier() < 0x7FFF0000 ? (qm.multiplier() + (1 << 15)) >> 16 : 0x7FFF;
    int total = 15 - qm.shift();
    long v = (acc * reduced + (1L << (total - 1))) >> total;
    return (int) Math.max(range[0], Math.min(range[1], v));
  }

  private static ByteBuffer data(Model m, Tensor t) {
    Buffer b = m.buffers((int) t.buffer());
    return b.dataAsByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
  }
}
