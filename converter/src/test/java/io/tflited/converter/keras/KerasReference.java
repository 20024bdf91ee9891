package io.tflited.converter.keras;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a Keras model of rank-2 layers (InputLayer, Dense, BatchNormalization, Activation
 * relu/softmax/linear, Dropout) in float64 straight from its weights, as Keras does at inference: the
 * unfused reference for the conversion tests.
 */
final class KerasReference {
  private KerasReference() {}

  static float[] evaluate(KerasModel m, float[] input) {
    Map<String, double[]> values = new HashMap<>();
    double[] last = null;
    for (KerasModel.Layer l : m.layers()) {
      double[] x = l.inbound().isEmpty() ? last : values.get(l.inbound().get(0).layer());
      double[] y;
      switch (l.className()) {
        case "InputLayer" -> {
          y = new double[input.length];
          for (int i = 0; i < y.length; i++) {
            y[i] = input[i];
          }
        }
        case "Dense" -> {
          List<KerasModel.Weight> w = l.weights();
          int in = w.get(0).shape()[0];
          int out = w.get(0).shape()[1];
          y = new double[out];
          for (int o = 0; o < out; o++) {
            double s = w.size() > 1 ? w.get(1).data()[o] : 0;
            for (int i = 0; i < in; i++) {
              s += x[i] * w.get(0).data()[i * out + o];
            }
            y[o] = s;
          }
          y = act(l.config().path("activation").asText("linear"), y);
        }
        case "BatchNormalization" -> {
          List<KerasModel.Weight> w = l.weights();
          double eps = l.config().path("epsilon").asDouble();
          y = new double[x.length];
          for (int c = 0; c < y.length; c++) {
            double gamma = w.get(0).data()[c];
            double beta = w.get(1).data()[c];
            double mean = w.get(2).data()[c];
            double var = w.get(3).data()[c];
            y[c] = (x[c] - mean) / Math.sqrt(var + eps) * gamma + beta;
          }
        }
        case "Activation" -> y = act(l.config().path("activation").asText(), x);
        case "Dropout" -> y = x;
        default -> throw new IllegalArgumentException("reference has no " + l.className());
      }
      values.put(l.name(), y);
      last = y;
    }
    double[] out = m.outputs().isEmpty() ? last : values.get(m.outputs().get(0).layer());
    float[] r = new float[out.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) out[i];
    }
    return r;
  }

  private static double[] act(String name, double[] x) {
    return switch (name) {
      case "linear" -> x;
      case "relu" -> {
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.max(0, x[i]);
        }
        yield y;
      }
      case "softmax" -> {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
          max = Math.max(max, v);
        }
        double sum = 0;
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.exp(x[i] - max);
          sum += y[i];
        }
        for (int i = 0; i < y.length; i++) {
          y[i] /= sum;
        }
        yield y;
      }
      default -> throw new IllegalArgumentException("reference has no activation " + name);
    };
  }
}
