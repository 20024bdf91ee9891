package io.tflited.converter.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a Keras model in float64 straight from its weights, layer by layer as Keras does at
 * inference (NHWC, kernels HWIO, TensorFlow's SAME padding, average pooling over valid elements
 * only): the unfused, independently written reference for the conversion tests. It knows every
 * layer the converter supports, and shares no code with it.
 */
final class KerasReference {
  private KerasReference() {}

  /** A tensor: shape with batch 1, row-major data. */
  record T(int[] shape, double[] d) {
    int dim(int i) {
      return shape[i];
    }
  }

  static float[] evaluate(KerasModel m, float[] input) {
    return evaluate(m, input, 0);
  }

  /** Output {@code output} of the model. */
  static float[] evaluate(KerasModel m, float[] input, int output) {
    Map<String, T> values = new HashMap<>();
    T last = null;
    for (KerasModel.Layer l : m.layers()) {
      List<T> ins = new ArrayList<>();
      for (KerasModel.Inbound ib : l.inbound()) {
        ins.add(values.get(ib.layer()));
      }
      if (ins.isEmpty() && last != null) {
        ins.add(last);
      }
      T y = layer(l, ins, input);
      values.put(l.name(), y);
      last = y;
    }
    T out = m.outputs().isEmpty() ? last : values.get(m.outputs().get(output).layer());
    float[] r = new float[out.d().length];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) out.d()[i];
    }
    return r;
  }

  private static float[] w(KerasModel.Layer l, int i) {
    return l.weights().get(i).data();
  }

  private static int[] pair(JsonNode n, int dflt) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return new int[] {dflt, dflt};
    }
    return n.isInt()
        ? new int[] {n.asInt(), n.asInt()}
        : new int[] {n.get(0).asInt(), n.get(1).asInt()};
  }

  private static T layer(KerasModel.Layer l, List<T> ins, float[] input) {
    JsonNode c = l.config();
    T x = ins.isEmpty() ? null : ins.get(0);
    return switch (l.className()) {
      case "InputLayer" -> {
        JsonNode s = c.get("batch_input_shape");
        int[] shape = new int[s.size()];
        shape[0] = 1;
        for (int i = 1; i < shape.length; i++) {
          shape[i] = s.get(i).asInt();
        }
        double[] d = new double[input.length];
        for (int i = 0; i < d.length; i++) {
          d[i] = input[i];
        }
        yield new T(shape, d);
      }
      case "Dense" ->
          act(
              c.path("activation").asText(),
              dense(
                  x,
                  w(l, 0),
                  l.weights().size() > 1 ? w(l, 1) : null,
                  l.weights().get(0).shape()[1]));
      case "Conv2D", "DepthwiseConv2D" ->
          act(
              c.path("activation").asText(),
              conv(
                  x,
                  l.weights().get(0).shape(),
                  w(l, 0),
                  l.weights().size() > 1 ? w(l, 1) : null,
                  pair(c.get("strides"), 1),
                  pair(c.get("dilation_rate"), 1),
                  c.path("padding").asText(),
                  l.className().equals("DepthwiseConv2D")));
      case "SeparableConv2D" -> {
        T mid =
            conv(
                x,
                l.weights().get(0).shape(),
                w(l, 0),
                null,
                pair(c.get("strides"), 1),
                pair(c.get("dilation_rate"), 1),
                c.path("padding").asText(),
                true);
        yield act(
            c.path("activation").asText(),
            conv(
                mid,
                l.weights().get(1).shape(),
                w(l, 1),
                l.weights().size() > 2 ? w(l, 2) : null,
                new int[] {1, 1},
                new int[] {1, 1},
                "valid",
                false));
      }
      case "BatchNormalization" -> {
        boolean scale = c.path("scale").asBoolean(true);
        boolean center = c.path("center").asBoolean(true);
        int i = 0;
        float[] gamma = scale ? w(l, i++) : null;
        float[] beta = center ? w(l, i++) : null;
        float[] mean = w(l, i++);
        float[] var = w(l, i);
        double eps = c.path("epsilon").asDouble();
        int ch = x.dim(x.shape().length - 1);
        double[] d = new double[x.d().length];
        for (int k = 0; k < d.length; k++) {
          int o = k % ch;
          d[k] =
              (x.d()[k] - mean[o]) / Math.sqrt(var[o] + eps) * (gamma == null ? 1 : gamma[o])
                  + (beta == null ? 0 : beta[o]);
        }
        yield new T(x.shape(), d);
      }
      case "Activation" -> act(c.path("activation").asText(), x);
      case "ReLU" -> {
        double max =
            c.path("max_value").isNumber()
                ? c.get("max_value").asDouble()
                : Double.POSITIVE_INFINITY;
        double[] d = new double[x.d().length];
        for (int k = 0; k < d.length; k++) {
          d[k] = Math.min(max, Math.max(0, x.d()[k]));
        }
        yield new T(x.shape(), d);
      }
      case "Softmax" -> act("softmax", x);
      case "Dropout" -> x;
      case "Add" -> {
        double[] d = x.d().clone();
        for (int j = 1; j < ins.size(); j++) {
          for (int k = 0; k < d.length; k++) {
            d[k] += ins.get(j).d()[k];
          }
        }
        yield new T(x.shape(), d);
      }
      case "Concatenate" -> {
        int rank = x.shape().length;
        int axis = c.path("axis").asInt(-1);
        axis = axis < 0 ? axis + rank : axis;
        int outer = 1;
        for (int a = 0; a < axis; a++) {
          outer *= x.dim(a);
        }
        int[] shape = x.shape().clone();
        shape[axis] = 0;
        for (T t : ins) {
          shape[axis] += t.dim(axis);
        }
        double[] d = new double[outer * (x.d().length / outer) / x.dim(axis) * shape[axis]];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
          for (T t : ins) {
            int block = t.d().length / outer;
            System.arraycopy(t.d(), o * block, d, pos, block);
            pos += block;
          }
        }
        yield new T(shape, d);
      }
      case "MaxPooling2D", "AveragePooling2D" -> {
        int[] size = pair(c.get("pool_size"), 2);
        int[] strides = c.hasNonNull("strides") ? pair(c.get("strides"), 1) : size;
        yield pool(x, size, strides, c.path("padding").asText(), l.className().startsWith("Max"));
      }
      case "GlobalAveragePooling2D" -> {
        int h = x.dim(1);
        int wd = x.dim(2);
        int ch = x.dim(3);
        double[] d = new double[ch];
        for (int k = 0; k < h * wd * ch; k++) {
          d[k % ch] += x.d()[k] / (h * wd);
        }
        yield new T(new int[] {1, ch}, d);
      }
      case "Flatten" -> new T(new int[] {1, x.d().length}, x.d());
      case "Reshape" -> {
        JsonNode t = c.get("target_shape");
        int[] shape = new int[t.size() + 1];
        shape[0] = 1;
        int known = 1;
        int unknown = -1;
        for (int i = 0; i < t.size(); i++) {
          shape[i + 1] = t.get(i).asInt();
          if (shape[i + 1] < 0) {
            unknown = i + 1;
          } else {
            known *= shape[i + 1];
          }
        }
        if (unknown > 0) {
          shape[unknown] = x.d().length / known;
        }
        yield new T(shape, x.d());
      }
      case "ZeroPadding2D" -> {
        JsonNode p = c.get("padding");
        int top = p.get(0).get(0).asInt();
        int bottom = p.get(0).get(1).asInt();
        int left = p.get(1).get(0).asInt();
        int right = p.get(1).get(1).asInt();
        int h = x.dim(1);
        int wd = x.dim(2);
        int ch = x.dim(3);
        int oh = h + top + bottom;
        int ow = wd + left + right;
        double[] d = new double[oh * ow * ch];
        for (int y = 0; y < h; y++) {
          for (int xx = 0; xx < wd; xx++) {
            for (int k = 0; k < ch; k++) {
              d[((y + top) * ow + xx + left) * ch + k] = x.d()[(y * wd + xx) * ch + k];
            }
          }
        }
        yield new T(new int[] {1, oh, ow, ch}, d);
      }
      default -> throw new IllegalArgumentException("reference has no " + l.className());
    };
  }

  private static T dense(T x, float[] kernel, float[] bias, int out) {
    int in = x.dim(x.shape().length - 1);
    int rows = x.d().length / in;
    double[] d = new double[rows * out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double s = bias == null ? 0 : bias[o];
        for (int i = 0; i < in; i++) {
          s += x.d()[r * in + i] * kernel[i * out + o];
        }
        d[r * out + o] = s;
      }
    }
    int[] shape = x.shape().clone();
    shape[shape.length - 1] = out;
    return new T(shape, d);
  }

  /** TensorFlow's SAME: total padding max((out - 1) * stride + k_eff - in, 0), half before. */
  private static int[] outAndPad(int in, int k, int stride, int dilation, String padding) {
    int eff = (k - 1) * dilation + 1;
    if (padding.equals("same")) {
      int out = (in + stride - 1) / stride;
      return new int[] {out, Math.max((out - 1) * stride + eff - in, 0) / 2};
    }
    return new int[] {(in - eff) / stride + 1, 0};
  }

  /** Conv2D (kernel HWIO) or, when depthwise, DepthwiseConv2D (kernel [kh, kw, in, M]). */
  private static T conv(
      T x,
      int[] ks,
      float[] k,
      float[] bias,
      int[] s,
      int[] dil,
      String padding,
      boolean depthwise) {
    int h = x.dim(1);
    int wd = x.dim(2);
    int in = x.dim(3);
    int[] oy = outAndPad(h, ks[0], s[0], dil[0], padding);
    int[] ox = outAndPad(wd, ks[1], s[1], dil[1], padding);
    int out = depthwise ? in * ks[3] : ks[3];
    double[] d = new double[oy[0] * ox[0] * out];
    for (int y = 0; y < oy[0]; y++) {
      for (int xx = 0; xx < ox[0]; xx++) {
        for (int o = 0; o < out; o++) {
          double acc = bias == null ? 0 : bias[o];
          for (int ky = 0; ky < ks[0]; ky++) {
            int iy = y * s[0] - oy[1] + ky * dil[0];
            for (int kx = 0; kx < ks[1]; kx++) {
              int ix = xx * s[1] - ox[1] + kx * dil[1];
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                continue;
              }
              if (depthwise) {
                int c = o / ks[3];
                int m = o % ks[3];
                acc += x.d()[(iy * wd + ix) * in + c] * k[((ky * ks[1] + kx) * in + c) * ks[3] + m];
              } else {
                for (int i = 0; i < in; i++) {
                  acc += x.d()[(iy * wd + ix) * in + i] * k[((ky * ks[1] + kx) * in + i) * out + o];
                }
              }
            }
          }
          d[(y * ox[0] + xx) * out + o] = acc;
        }
      }
    }
    return new T(new int[] {1, oy[0], ox[0], out}, d);
  }

  private static T pool(T x, int[] size, int[] s, String padding, boolean max) {
    int h = x.dim(1);
    int wd = x.dim(2);
    int ch = x.dim(3);
    int[] oy = outAndPad(h, size[0], s[0], 1, padding);
    int[] ox = outAndPad(wd, size[1], s[1], 1, padding);
    double[] d = new double[oy[0] * ox[0] * ch];
    for (int y = 0; y < oy[0]; y++) {
      for (int xx = 0; xx < ox[0]; xx++) {
        for (int c = 0; c < ch; c++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          int n = 0;
          for (int ky = 0; ky < size[0]; ky++) {
            for (int kx = 0; kx < size[1]; kx++) {
              int iy = y * s[0] - oy[1] + ky;
              int ix = xx * s[1] - ox[1] + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                continue;
              }
              double v = x.d()[(iy * wd + ix) * ch + c];
              acc = max ? Math.max(acc, v) : acc + v;
              n++;
            }
          }
          d[(y * ox[0] + xx) * ch + c] = max ? acc : acc / n;
        }
      }
    }
    return new T(new int[] {1, oy[0], ox[0], ch}, d);
  }

  private static T act(String name, T x) {
    double[] in = x.d();
    double[] y = new double[in.length];
    switch (name) {
      case "linear" -> {
        return x;
      }
      case "relu" -> {
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.max(0, in[i]);
        }
      }
      case "relu6" -> {
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.min(6, Math.max(0, in[i]));
        }
      }
      case "tanh" -> {
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.tanh(in[i]);
        }
      }
      case "sigmoid" -> {
        for (int i = 0; i < y.length; i++) {
          y[i] = 1 / (1 + Math.exp(-in[i]));
        }
      }
      case "softmax" -> {
        int n = x.dim(x.shape().length - 1);
        for (int r = 0; r < y.length; r += n) {
          double max = Double.NEGATIVE_INFINITY;
          for (int i = 0; i < n; i++) {
            max = Math.max(max, in[r + i]);
          }
          double sum = 0;
          for (int i = 0; i < n; i++) {
            y[r + i] = Math.exp(in[r + i] - max);
            sum += y[r + i];
          }
          for (int i = 0; i < n; i++) {
            y[r + i] /= sum;
          }
        }
      }
      default -> throw new IllegalArgumentException("reference has no activation " + name);
    }
    return new T(x.shape(), y);
  }
}
