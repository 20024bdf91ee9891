package io.tflited.converter.quantize;

import io.tflited.runtime.DataType;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.graph.TensorSpec;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.quant.QuantizedMultiplier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Full integer quantization following TFLite's int8 quantization specification:
 *
 * <ol>
 *   <li>activations: asymmetric int8 from the calibrated [min, max], widened to include 0 (scale =
 *       (max - min) / 255, zero point nudged into [-128, 127]);
 *   <li>weights: symmetric int8, per channel along the output channel for CONV_2D (dim 0) and
 *       DEPTHWISE_CONV_2D (dim 3), per tensor for FULLY_CONNECTED; biases int32 with scale
 *       inputScale * weightScale and zero point 0;
 *   <li>fixed output parameters: SOFTMAX and LOGISTIC 1/256 and -128, TANH 1/128 and 0;
 *   <li>operators that cannot rescale (pooling, RESHAPE, SQUEEZE, PAD, ...) keep their input's
 *       parameters; CONCATENATION inputs are requantized to the output's parameters;
 *   <li>float inputs and outputs get QUANTIZE / DEQUANTIZE at the edges unless the caller asks for
 *       int8 or uint8 I/O (uint8 adds a requantizing QUANTIZE, zero point + 128);
 *   <li>an operator with no int8 rule stays float between DEQUANTIZE and QUANTIZE and is listed in
 *       the result.
 * </ol>
 */
final class FullIntegerQuantizer {
  private final Graph graph;
  private final float[][] ranges;
  private final GraphCopy c;
  private final Quantization[] params;
  /** The float {min, max} each int8 tensor stands for (null for fixed parameters). */
  private final float[][] recorded;
  private final int[] quantized;
  private final boolean[] floatReady;
  private final List<String> floatOperators = new ArrayList<>();

  private FullIntegerQuantizer(Graph graph, float[][] ranges) {
    this.graph = graph;
    this.ranges = ranges;
    this.c = new GraphCopy(graph);
    this.params = new Quantization[graph.tensors().size()];
    this.recorded = new float[graph.tensors().size()][];
    this.quantized = new int[graph.tensors().size()];
    Arrays.fill(quantized, -1);
    this.floatReady = new boolean[graph.tensors().size()];
  }

  static Quantizer.Result quantize(ModelFile model, float[][] ranges, Quantizer.IoType io)
      throws ModelException {
    FullIntegerQuantizer q = new FullIntegerQuantizer(model.graph(), ranges);
    byte[] bytes = q.run(model, io);
    return new Quantizer.Result(bytes, List.copyOf(q.floatOperators));
  }

  private byte[] run(ModelFile model, Quantizer.IoType io) throws ModelException {
    int[] ins = graph.inputs();
    int[] newIns = new int[ins.length];
    for (int i = 0; i < ins.length; i++) {
      int t = ins[i];
      if (c.spec(t).type() != DataType.FLOAT32) {
        newIns[i] = c.tensor(t);
        continue;
      }
      calibrate(t);
      switch (io) {
        case FLOAT -> {
          newIns[i] = c.tensor(t);
          floatReady[t] = true;
          c.builder.addOperator(GraphCopy.QUANTIZE, 1, new int[] {newIns[i]}, new int[] {q(t)});
        }
        case INT8 -> newIns[i] = q(t);
        case UINT8 -> {
          newIns[i] = c.like(t, "_uint8", DataType.UINT8, shifted(params[t], 128));
          c.builder.addOperator(GraphCopy.QUANTIZE, 2, new int[] {newIns[i]}, new int[] {q(t)});
        }
      }
    }
    for (Node n : graph.nodes()) {
      node(n);
    }
    int[] outs = graph.outputs();
    int[] newOuts = new int[outs.length];
    for (int i = 0; i < outs.length; i++) {
      int t = outs[i];
      if (c.spec(t).type() != DataType.FLOAT32) {
        newOuts[i] = c.tensor(t);
        continue;
      }
      switch (io) {
        case FLOAT -> {
          newOuts[i] = c.tensor(t);
          if (!floatReady[t]) {
            c.builder.addOperator(
                GraphCopy.DEQUANTIZE, 2, new int[] {q(t)}, new int[] {newOuts[i]});
          }
        }
        case INT8 -> newOuts[i] = q(t);
        case UINT8 -> {
          newOuts[i] = c.like(t, "_uint8", DataType.UINT8, shifted(params[t], 128));
          c.builder.addOperator(GraphCopy.QUANTIZE, 2, new int[] {q(t)}, new int[] {newOuts[i]});
        }
      }
    }
    c.finishIo(model, newIns, newOuts);
    return c.builder.buildBytes();
  }

  private void node(Node n) throws ModelException {
    int[] ins = n.inputs();
    int[] outs = n.outputs();
    int code = n.builtinCode();
    for (int t : ins) {
      if (t >= 0
          && c.spec(t).type() == DataType.FLOAT32
          && !c.spec(t).isConstant()
          && params[t] == null) {
        throw error(n, "input tensor '" + c.spec(t).name() + "' has no calibrated range");
      }
    }
    switch (code) {
      case BuiltinOperator.CONV_2D -> weighted(n, 0, 3);
      case BuiltinOperator.DEPTHWISE_CONV_2D -> weighted(n, 3, 3);
      case BuiltinOperator.FULLY_CONNECTED -> weighted(n, -1, 4);
      case BuiltinOperator.ADD, BuiltinOperator.SUB, BuiltinOperator.MUL -> {
        calibrate(outs[0]);
        emit(n, 2, constantsAsymmetric(ins));
      }
      case BuiltinOperator.MEAN, BuiltinOperator.RELU, BuiltinOperator.RELU6 -> {
        calibrate(outs[0]);
        emit(n, 2, constantsAsymmetric(ins));
      }
      case BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D, BuiltinOperator.PAD -> {
        passThrough(ins[0], outs[0]);
        emit(n, 2, mapped(ins));
      }
      case BuiltinOperator.RESHAPE, BuiltinOperator.SQUEEZE, BuiltinOperator.EXPAND_DIMS -> {
        passThrough(ins[0], outs[0]);
        emit(n, Math.max(1, n.version()), mapped(ins));
      }
      case BuiltinOperator.SOFTMAX, BuiltinOperator.LOGISTIC -> {
        params[outs[0]] = Quantization.of(1f / 256, -128);
        emit(n, 2, mapped(ins));
      }
      case BuiltinOperator.TANH -> {
        params[outs[0]] = Quantization.of(1f / 128, 0);
        emit(n, 2, mapped(ins));
      }
      case BuiltinOperator.CONCATENATION -> {
        float min = 0;
        float max = 0;
        for (int t : ins) {
          float[] r = range(t);
          min = Math.min(min, r[0]);
          max = Math.max(max, r[1]);
        }
        Quantization out = asymmetric(min, max);
        params[outs[0]] = out;
        recorded[outs[0]] = new float[] {min, max};
        int[] newIns = constantsAsymmetric(ins);
        for (int i = 0; i < ins.length; i++) {
          if (!out.equals(params[ins[i]])) {
            int r = c.like(ins[i], "_requantized", DataType.INT8, out);
            c.builder.setRecordedRange(r, new float[] {min}, new float[] {max});
            c.builder.addOperator(GraphCopy.QUANTIZE, 2, new int[] {newIns[i]}, new int[] {r});
            newIns[i] = r;
          }
        }
        emit(n, 2, newIns);
      }
      default -> floatFallback(n);
    }
  }

  /**
   * An operator without an int8 rule runs in float, like TFLite's converter without {@code
   * TFLITE_BUILTINS_INT8}: DEQUANTIZE in front of each int8 input, QUANTIZE (calibrated) after each
   * float output.
   */
  private void floatFallback(Node n) throws ModelException {
    int[] ins = n.inputs();
    int[] newIns = new int[ins.length];
    for (int i = 0; i < ins.length; i++) {
      int t = ins[i];
      if (t >= 0
          && c.spec(t).type() == DataType.FLOAT32
          && !c.spec(t).isConstant()
          && !floatReady[t]) {
        c.builder.addOperator(GraphCopy.DEQUANTIZE, 2, new int[] {q(t)}, new int[] {c.tensor(t)});
        floatReady[t] = true;
      }
      newIns[i] = c.tensor(t);
    }
    c.emit(n, n.version(), newIns, c.tensors(n.outputs()));
    for (int o : n.outputs()) {
      if (o >= 0 && c.spec(o).type() == DataType.FLOAT32) {
        floatReady[o] = true;
        calibrate(o);
        c.builder.addOperator(GraphCopy.QUANTIZE, 1, new int[] {c.tensor(o)}, new int[] {q(o)});
      }
    }
    floatOperators.add(n.opName() + " (node " + n.index() + ")");
  }

  /** CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: int8 weights, int32 bias. */
  private void weighted(Node n, int channelDim, int version) throws ModelException {
    int[] ins = n.inputs();
    TensorSpec w = c.spec(ins[1]);
    if (!GraphCopy.isFloatConstant(w)) {
      throw error(n, "weights '" + w.name() + "' are not a float32 constant");
    }
    calibrate(n.outputs()[0]);
    float[] bias = null;
    if (ins.length > 2 && ins[2] >= 0) {
      TensorSpec b = c.spec(ins[2]);
      if (!GraphCopy.isFloatConstant(b)) {
        throw error(n, "bias '" + b.name() + "' is not a float32 constant");
      }
      bias = GraphCopy.floats(b);
    }
    float inputScale = params[ins[0]].scale();
    WeightQuantizer.Quantized qw =
        WeightQuantizer.symmetric(GraphCopy.floats(w), w.shape(), channelDim, bias, inputScale);
    int[] newIns = new int[ins.length];
    Arrays.fill(newIns, -1);
    newIns[0] = q(ins[0]);
    newIns[1] =
        c.builder.addConstant(w.name(), DataType.INT8, w.shape(), qw.quantization(), qw.values());
    c.builder.setRecordedRange(newIns[1], qw.min(), qw.max());
    if (bias != null) {
      TensorSpec b = c.spec(ins[2]);
      WeightQuantizer.Quantized qb = WeightQuantizer.bias(bias, inputScale, qw.scales());
      newIns[2] =
          c.builder.addConstant(
              b.name(), DataType.INT32, b.shape(), qb.quantization(), qb.values());
    }
    emit(n, Math.max(version, n.version()), newIns);
  }

  private void emit(Node n, int version, int[] newIns) throws ModelException {
    c.emit(n, version, newIns, mapped(n.outputs()));
  }

  /** Inputs mapped to their int8 tensors; float constants quantized per tensor. */
  private int[] constantsAsymmetric(int[] ins) {
    for (int t : ins) {
      if (t >= 0 && GraphCopy.isFloatConstant(c.spec(t)) && params[t] == null) {
        float[] v = GraphCopy.floats(c.spec(t));
        float min = 0;
        float max = 0;
        for (float x : v) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
        params[t] = asymmetric(min, max);
        byte[] data = new byte[v.length];
        Quantization p = params[t];
        for (int i = 0; i < v.length; i++) {
          long r =
              QuantizedMultiplier.roundHalfAwayFromZero((double) v[i] / p.scale()) + p.zeroPoint();
          data[i] = (byte) Math.max(-128, Math.min(127, r));
        }
        TensorSpec s = c.spec(t);
        quantized[t] = c.builder.addConstant(s.name(), DataType.INT8, s.shape(), p, data);
        c.builder.setRecordedRange(quantized[t], new float[] {min}, new float[] {max});
      }
    }
    return mapped(ins);
  }

  private int[] mapped(int[] ins) {
    int[] out = new int[ins.length];
    for (int i = 0; i < ins.length; i++) {
      out[i] = q(ins[i]);
    }
    return out;
  }

  /** The int8 tensor standing for float tensor t (other types: t copied unchanged). */
  private int q(int t) {
    if (t < 0) {
      return -1;
    }
    TensorSpec s = c.spec(t);
    if (s.type() != DataType.FLOAT32) {
      return c.tensor(t);
    }
    if (quantized[t] < 0) {
      if (params[t] == null) {
        throw new IllegalStateException("no quantization parameters for " + s);
      }
      quantized[t] = c.like(t, "", DataType.INT8, params[t]);
      if (recorded[t] != null) {
        c.builder.setRecordedRange(
            quantized[t], new float[] {recorded[t][0]}, new float[] {recorded[t][1]});
      }
    }
    return quantized[t];
  }

  /** Parameters from the calibrated range of t, which is recorded in the file like TFLite does. */
  private void calibrate(int t) throws ModelException {
    params[t] = fromRange(t);
    recorded[t] = new float[] {ranges[t][0], ranges[t][1]};
  }

  /** An operator that cannot rescale: its output keeps the input's parameters and range. */
  private void passThrough(int in, int out) {
    params[out] = params[in];
    recorded[out] = recorded[in];
  }

  private float[] range(int t) {
    if (GraphCopy.isFloatConstant(c.spec(t))) {
      float[] v = GraphCopy.floats(c.spec(t));
      float[] r = {0, 0};
      for (float x : v) {
        r[0] = Math.min(r[0], x);
        r[1] = Math.max(r[1], x);
      }
      return r;
    }
    if (params[t] != null) {
      Quantization p = params[t];
      return new float[] {p.scale() * (-128 - p.zeroPoint()), p.scale() * (127 - p.zeroPoint())};
    }
    return ranges[t];
  }

  private Quantization fromRange(int t) throws ModelException {
    float[] r = ranges[t];
    if (r == null) {
      throw new ModelException(
          "tensor '" + c.spec(t).name() + "' was not observed during calibration");
    }
    return asymmetric(r[0], r[1]);
  }

  /**
   * TFLite's GetAsymmetricQuantizationParams for int8: the range is widened to include 0 and the
   * zero point nudged so that 0.0 is exactly representable.
   */
  static Quantization asymmetric(float min, float max) {
    double lo = Math.min(0, min);
    double hi = Math.max(0, max);
    if (hi - lo < 1e-6) {
      hi = lo + 1e-6;
    }
    double scale = (hi - lo) / 255.0;
    double zpFromMin = -128 - lo / scale;
    long zp =
        zpFromMin < -128
            ? -128
            : zpFromMin > 127 ? 127 : QuantizedMultiplier.roundHalfAwayFromZero(zpFromMin);
    return Quantization.of((float) scale, zp);
  }

  private static Quantization shifted(Quantization q, int by) {
    return Quantization.of(q.scale(), q.zeroPoint() + by);
  }

  private ModelException error(Node n, String msg) {
    return new ModelException(
        "cannot quantize " + n.opName() + " (node " + n.index() + ") to int8: " + msg);
  }
}
