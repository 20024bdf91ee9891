package io.tflited.converter.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.model.ModelBuilder;
import io.tflited.runtime.model.fb.ActivationFunctionType;
import io.tflited.runtime.model.fb.AddOptions;
import io.tflited.runtime.model.fb.BuiltinOperator;
import io.tflited.runtime.model.fb.BuiltinOptions;
import io.tflited.runtime.model.fb.ConcatenationOptions;
import io.tflited.runtime.model.fb.Conv2DOptions;
import io.tflited.runtime.model.fb.DepthwiseConv2DOptions;
import io.tflited.runtime.model.fb.FullyConnectedOptions;
import io.tflited.runtime.model.fb.MulOptions;
import io.tflited.runtime.model.fb.Padding;
import io.tflited.runtime.model.fb.Pool2DOptions;
import io.tflited.runtime.model.fb.ReducerOptions;
import io.tflited.runtime.model.fb.SoftmaxOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a {@link KerasModel} to a float32 TFLite model (batch size 1), with the fusions
 * TensorFlow's converter applies:
 *
 * <ol>
 *   <li>Keras layers become a small graph of TFLite ops; InputLayer, Dropout and linear activations
 *       become aliases.
 *   <li>A BatchNormalization whose input comes only from a Conv2D, DepthwiseConv2D or Dense without
 *       activation is folded into that op's filter and bias ({@link Folding}); any other becomes
 *       MUL + ADD with constant vectors.
 *   <li>A ReLU or ReLU6 whose input comes only from a CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
 *       ADD or CONCATENATION without activation becomes that op's fused_activation_function.
 *   <li>The ops are written with {@link ModelBuilder}: filters OHWI, depthwise filters [1, H, W,
 *       C*M], fully connected weights [out, in].
 * </ol>
 */
public final class KerasConverter {
  enum Kind {
    CONV,
    DWCONV,
    FC,
    BN,
    ADD,
    CONCAT,
    MAXPOOL,
    AVGPOOL,
    MEAN,
    RESHAPE,
    SOFTMAX,
    PAD,
    RELU,
    RELU6,
    LOGISTIC,
    TANH
  }

  /** A tensor of the graph under construction. */
  static final class Value {
    final String name;
    final int[] shape;
    Op producer;
    int consumers;

    Value(String name, int[] shape) {
      this.name = name;
      this.shape = shape;
    }
  }

  /** One TFLite op (BN: MUL + ADD) under construction. */
  static final class Op {
    final Kind kind;
    final String layer;
    final List<Value> in = new ArrayList<>();
    Value out;
    byte act = ActivationFunctionType.NONE;
    float[] weights;
    int[] weightShape;
    float[] bias;
    float[] bnMultiplier;
    float[] bnOffset;
    byte padding = Padding.VALID;
    int strideH = 1;
    int strideW = 1;
    int dilationH = 1;
    int dilationW = 1;
    int filterH;
    int filterW;
    int depthMultiplier = 1;
    int axis;
    boolean keepDims;
    int[] ints;

    Op(Kind kind, String layer) {
      this.kind = kind;
      this.layer = layer;
    }
  }

  private final List<Op> ops = new ArrayList<>();
  private final Map<String, Value> layerOutputs = new HashMap<>();
  private final List<Value> graphInputs = new ArrayList<>();
  private final List<Value> graphOutputs = new ArrayList<>();
  private int fusedBatchNorms;
  private int fusedActivations;

  private KerasConverter() {}

  /** A converted model and what the fusions removed. */
  public record Conversion(byte[] model, int batchNormsFolded, int activationsFused) {}

  /** Converts {@code model}; the result is a TFLite FlatBuffer. */
  public static byte[] convert(KerasModel model) throws ConversionException {
    return convertWithStats(model).model();
  }

  /** Converts {@code model} and counts the fusions. */
  public static Conversion convertWithStats(KerasModel model) throws ConversionException {
    return convert(model, true);
  }

  /** With {@code fuse} false every batch norm is MUL + ADD and every activation its own op. */
  static Conversion convert(KerasModel model, boolean fuse) throws ConversionException {
    KerasConverter c = new KerasConverter();
    c.build(model);
    if (fuse) {
      c.foldBatchNorms();
      c.fuseActivations();
    }
    return new Conversion(c.emit(), c.fusedBatchNorms, c.fusedActivations);
  }

  // ---------------------------------------------------------------- 1. layers to ops

  private void build(KerasModel model) throws ConversionException {
    List<KerasModel.Layer> layers = model.layers();
    boolean sequential =
        model.inputs().isEmpty() && layers.stream().allMatch(l -> l.inbound().isEmpty());
    if (sequential) {
      Value cur = null;
      for (int i = 0; i < layers.size(); i++) {
        KerasModel.Layer l = layers.get(i);
        if (cur == null) {
          cur = input(l, l.className().equals("InputLayer") ? l.name() : "input");
          if (l.className().equals("InputLayer")) {
            layerOutputs.put(l.name(), cur);
            continue;
          }
        }
        cur = layer(l, List.of(cur));
        layerOutputs.put(l.name(), cur);
      }
      if (cur == null) {
        throw new ConversionException("Sequential model has no layers");
      }
      graphOutputs.add(cur);
      return;
    }
    // Functional: process layers once all their inputs exist (config order is usually topological).
    List<KerasModel.Layer> pending = new ArrayList<>(layers);
    while (!pending.isEmpty()) {
      boolean progress = false;
      for (int i = 0; i < pending.size(); i++) {
        KerasModel.Layer l = pending.get(i);
        if (l.className().equals("InputLayer")) {
          layerOutputs.put(l.name(), input(l, l.name()));
        } else {
          List<Value> ins = new ArrayList<>();
          boolean ready = true;
          for (KerasModel.Inbound ib : l.inbound()) {
            Value v = layerOutputs.get(ib.layer());
            if (v == null) {
              ready = false;
              break;
            }
            if (ib.tensorIndex() != 0) {
              throw new ConversionException(
                  "layer "
                      + l.name()
                      + " ("
                      + l.className()
                      + ") uses output "
                      + ib.tensorIndex()
                      + " of "
                      + ib.layer()
                      + "; only single-output layers are supported");
            }
            ins.add(v);
          }
          if (!ready) {
            continue;
          }
          if (ins.isEmpty()) {
            throw new ConversionException(
                "layer " + l.name() + " (" + l.className() + ") has no inputs");
          }
          layerOutputs.put(l.name(), layer(l, ins));
        }
        pending.remove(i--);
        progress = true;
      }
      if (!progress) {
        KerasModel.Layer l = pending.get(0);
        throw new ConversionException(
            "layer "
                + l.name()
                + " ("
                + l.className()
                + ") has an input no layer produces: "
                + l.inbound());
      }
    }
    for (KerasModel.Inbound ib : model.outputs()) {
      graphOutputs.add(layerOutputs.get(ib.layer()));
    }
    if (graphOutputs.isEmpty()) {
      throw new ConversionException("model config lists no output layers");
    }
    List<Value> declared = new ArrayList<>();
    for (KerasModel.Inbound ib : model.inputs()) {
      declared.add(layerOutputs.get(ib.layer()));
    }
    if (!declared.isEmpty()) {
      graphInputs.clear();
      graphInputs.addAll(declared);
    }
  }

  private Value input(KerasModel.Layer l, String name) throws ConversionException {
    JsonNode c = l.config();
    JsonNode shape = c.has("batch_input_shape") ? c.get("batch_input_shape") : c.get("batch_shape");
    if (shape == null || !shape.isArray()) {
      throw new ConversionException(
          "layer "
              + l.name()
              + " ("
              + l.className()
              + ") has no batch_input_shape; the input"
              + " shape of the model is unknown");
    }
    int[] s = new int[shape.size()];
    s[0] = 1;
    for (int i = 1; i < s.length; i++) {
      if (shape.get(i).isNull()) {
        throw new ConversionException(
            "input "
                + name
                + " has an unknown dimension "
                + i
                + " ("
                + shape
                + "); only fixed"
                + " input shapes can be converted");
      }
      s[i] = shape.get(i).asInt();
    }
    Value v = new Value(name, s);
    graphInputs.add(v);
    return v;
  }

  private Value layer(KerasModel.Layer l, List<Value> ins) throws ConversionException {
    String cls = l.className();
    JsonNode c = l.config();
    if (c.has("data_format") && !"channels_last".equals(c.get("data_format").asText())) {
      throw unsupported(
          l, "data_format " + c.get("data_format").asText() + " (only channels_last)");
    }
    if (!cls.equals("Add") && !cls.equals("Concatenate") && ins.size() != 1) {
      throw unsupported(l, ins.size() + " inputs");
    }
    Value x = ins.get(0);
    return switch (cls) {
      case "Dropout", "SpatialDropout2D", "GaussianDropout", "AlphaDropout" -> x;
      case "Dense" -> activation(l, dense(l, x), c.path("activation").asText("linear"));
      case "Conv2D", "Convolution2D" ->
          activation(l, conv(l, x), c.path("activation").asText("linear"));
      case "DepthwiseConv2D" ->
          activation(l, depthwise(l, x), c.path("activation").asText("linear"));
      case "SeparableConv2D", "SeparableConvolution2D" ->
          activation(l, separable(l, x), c.path("activation").asText("linear"));
      case "BatchNormalization" -> batchNorm(l, x);
      case "Activation" -> activation(l, x, c.path("activation").asText());
      case "ReLU" -> relu(l, x);
      case "Softmax" -> softmax(l, x, c.path("axis"));
      case "Add" -> add(l, ins);
      case "Concatenate" -> concat(l, ins);
      case "MaxPooling2D", "MaxPool2D" -> pool(l, x, Kind.MAXPOOL);
      case "AveragePooling2D", "AvgPool2D" -> pool(l, x, Kind.AVGPOOL);
      case "GlobalAveragePooling2D", "GlobalAvgPool2D" -> globalAverage(l, x);
      case "Flatten" -> reshape(l, x, new int[] {1, elements(x.shape)});
      case "Reshape" -> reshape(l, x, targetShape(l, x));
      case "ZeroPadding2D" -> zeroPad(l, x);
      default ->
          throw new ConversionException(
              "unsupported Keras layer " + cls + " (layer " + l.name() + ")");
    };
  }

  private static ConversionException unsupported(KerasModel.Layer l, String what) {
    return new ConversionException(
        "cannot convert layer " + l.name() + " (" + l.className() + "): unsupported " + what);
  }

  private Op op(Kind k, KerasModel.Layer l, int[] outShape, Value... ins) {
    Op op = new Op(k, l.name());
    for (Value v : ins) {
      op.in.add(v);
      v.consumers++;
    }
    op.out =
        new Value(
            l.name()
                + (ops.stream().anyMatch(o -> o.layer.equals(l.name()))
                    ? "_" + k.name().toLowerCase()
                    : ""),
            outShape);
    op.out.producer = op;
    ops.add(op);
    return op;
  }

  private static List<KerasModel.Weight> weights(KerasModel.Layer l, int min, int max)
      throws ConversionException {
    List<KerasModel.Weight> w = l.weights();
    if (w.size() < min || w.size() > max) {
      throw new ConversionException(
          "layer "
              + l.name()
              + " ("
              + l.className()
              + ") has "
              + w.size()
              + " weight arrays,"
              + " expected "
              + (min == max ? min : min + ".." + max));
    }
    return w;
  }

  private static void requireRank(KerasModel.Layer l, Value x, int rank)
      throws ConversionException {
    if (x.shape.length != rank) {
      throw unsupported(
          l,
          "input rank "
              + x.shape.length
              + " "
              + Arrays.toString(x.shape)
              + " (expected rank "
              + rank
              + ")");
    }
  }

  private static int[] pair(KerasModel.Layer l, JsonNode n, String key, int dflt)
      throws ConversionException {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return new int[] {dflt, dflt};
    }
    if (n.isInt()) {
      return new int[] {n.asInt(), n.asInt()};
    }
    if (n.isArray() && n.size() == 2) {
      return new int[] {n.get(0).asInt(), n.get(1).asInt()};
    }
    throw unsupported(l, key + " " + n);
  }

  private static byte padding(KerasModel.Layer l) throws ConversionException {
    String p = l.config().path("padding").asText("valid");
    return switch (p) {
      case "same" -> Padding.SAME;
      case "valid" -> Padding.VALID;
      default -> throw unsupported(l, "padding " + p);
    };
  }

  private static int outSize(byte padding, int in, int k, int stride, int dilation) {
    int effective = (k - 1) * dilation + 1;
    return padding == Padding.SAME
        ? (in + stride - 1) / stride
        : (in - effective + stride) / stride;
  }

  private static void spatial(KerasModel.Layer l, Op op) throws ConversionException {
    JsonNode c = l.config();
    int[] s = pair(l, c.get("strides"), "strides", 1);
    int[] d = pair(l, c.get("dilation_rate"), "dilation_rate", 1);
    op.strideH = s[0];
    op.strideW = s[1];
    op.dilationH = d[0];
    op.dilationW = d[1];
    op.padding = padding(l);
    if ((s[0] > 1 || s[1] > 1) && (d[0] > 1 || d[1] > 1)) {
      throw unsupported(
          l, "strides " + Arrays.toString(s) + " together with dilation " + Arrays.toString(d));
    }
  }

  private int[] spatialOut(KerasModel.Layer l, Value x, int kh, int kw, int channels, Op proto)
      throws ConversionException {
    int oh = outSize(proto.padding, x.shape[1], kh, proto.strideH, proto.dilationH);
    int ow = outSize(proto.padding, x.shape[2], kw, proto.strideW, proto.dilationW);
    if (oh <= 0 || ow <= 0) {
      throw unsupported(
          l, "output size " + oh + "x" + ow + " for input " + Arrays.toString(x.shape));
    }
    return new int[] {x.shape[0], oh, ow, channels};
  }

  private Value dense(KerasModel.Layer l, Value x) throws ConversionException {
    List<KerasModel.Weight> w = weights(l, 1, 2);
    int[] ks = w.get(0).shape();
    int in = x.shape[x.shape.length - 1];
    if (ks.length != 2 || ks[0] != in) {
      throw unsupported(
          l, "kernel shape " + Arrays.toString(ks) + " for input " + Arrays.toString(x.shape));
    }
    int units = ks[1];
    int[] outShape = x.shape.clone();
    outShape[outShape.length - 1] = units;
    Op op = op(Kind.FC, l, outShape, x);
    op.weights = Folding.transpose(w.get(0).data(), in, units);
    op.weightShape = new int[] {units, in};
    op.bias = w.size() > 1 ? w.get(1).data().clone() : new float[units];
    op.keepDims = x.shape.length > 2;
    return op.out;
  }

  private Value conv(KerasModel.Layer l, Value x) throws ConversionException {
    requireRank(l, x, 4);
    if (l.config().path("groups").asInt(1) != 1) {
      throw unsupported(l, "groups " + l.config().get("groups"));
    }
    List<KerasModel.Weight> w = weights(l, 1, 2);
    int[] ks = w.get(0).shape();
    if (ks.length != 4 || ks[2] != x.shape[3]) {
      throw unsupported(
          l, "kernel shape " + Arrays.toString(ks) + " for input " + Arrays.toString(x.shape));
    }
    Op proto = new Op(Kind.CONV, l.name());
    spatial(l, proto);
    Op op = op(Kind.CONV, l, spatialOut(l, x, ks[0], ks[1], ks[3], proto), x);
    copySpatial(proto, op);
    op.weights = Folding.hwioToOhwi(w.get(0).data(), ks[0], ks[1], ks[2], ks[3]);
    op.weightShape = new int[] {ks[3], ks[0], ks[1], ks[2]};
    op.bias = w.size() > 1 ? w.get(1).data().clone() : new float[ks[3]];
    return op.out;
  }

  private static void copySpatial(Op from, Op to) {
    to.padding = from.padding;
    to.strideH = from.strideH;
    to.strideW = from.strideW;
    to.dilationH = from.dilationH;
    to.dilationW = from.dilationW;
  }

  private Value depthwiseOp(KerasModel.Layer l, Value x, KerasModel.Weight kernel, float[] bias)
      throws ConversionException {
    requireRank(l, x, 4);
    int[] ks = kernel.shape();
    if (ks.length != 4 || ks[2] != x.shape[3]) {
      throw unsupported(
          l,
          "depthwise kernel shape "
              + Arrays.toString(ks)
              + " for input "
              + Arrays.toString(x.shape));
    }
    int channels = ks[2] * ks[3];
    Op proto = new Op(Kind.DWCONV, l.name());
    spatial(l, proto);
    Op op = op(Kind.DWCONV, l, spatialOut(l, x, ks[0], ks[1], channels, proto), x);
    copySpatial(proto, op);
    // Keras [kh, kw, in, M] flattened row-major is already TFLite's [1, kh, kw, in*M].
    op.weights = kernel.data().clone();
    op.weightShape = new int[] {1, ks[0], ks[1], channels};
    op.bias = bias == null ? new float[channels] : bias.clone();
    op.depthMultiplier = ks[3];
    return op.out;
  }

  private Value depthwise(KerasModel.Layer l, Value x) throws ConversionException {
    List<KerasModel.Weight> w = weights(l, 1, 2);
    return depthwiseOp(l, x, w.get(0), w.size() > 1 ? w.get(1).data() : null);
  }

  private Value separable(KerasModel.Layer l, Value x) throws ConversionException {
    List<KerasModel.Weight> w = weights(l, 2, 3);
    Value mid = depthwiseOp(l, x, w.get(0), null);
    int[] ps = w.get(1).shape();
    if (ps.length != 4 || ps[0] != 1 || ps[1] != 1 || ps[2] != mid.shape[3]) {
      throw unsupported(l, "pointwise kernel shape " + Arrays.toString(ps));
    }
    Op op = op(Kind.CONV, l, new int[] {mid.shape[0], mid.shape[1], mid.shape[2], ps[3]}, mid);
    op.weights = Folding.hwioToOhwi(w.get(1).data(), 1, 1, ps[2], ps[3]);
    op.weightShape = new int[] {ps[3], 1, 1, ps[2]};
    op.bias = w.size() > 2 ? w.get(2).data().clone() : new float[ps[3]];
    return op.out;
  }

  private Value batchNorm(KerasModel.Layer l, Value x) throws ConversionException {
    JsonNode c = l.config();
    int rank = x.shape.length;
    JsonNode axisNode = c.path("axis");
    int axis =
        axisNode.isArray()
            ? (axisNode.size() == 1 ? axisNode.get(0).asInt() : -99)
            : axisNode.asInt(-1);
    if (axis < 0) {
      axis += rank;
    }
    if (axis != rank - 1) {
      throw unsupported(l, "axis " + axisNode + " (only the last axis)");
    }
    boolean scale = c.path("scale").asBoolean(true);
    boolean center = c.path("center").asBoolean(true);
    int n = (scale ? 1 : 0) + (center ? 1 : 0) + 2;
    List<KerasModel.Weight> w = weights(l, n, n);
    int i = 0;
    float[] gamma = scale ? w.get(i++).data() : null;
    float[] beta = center ? w.get(i++).data() : null;
    float[] mean = w.get(i++).data();
    float[] var = w.get(i).data();
    int channels = x.shape[rank - 1];
    if (mean.length != channels || var.length != channels) {
      throw unsupported(l, mean.length + " statistics for " + channels + " channels");
    }
    float eps = (float) c.path("epsilon").asDouble(1e-3);
    Op op = op(Kind.BN, l, x.shape.clone(), x);
    op.bnMultiplier = Folding.batchNormMultiplier(gamma, var, eps);
    op.bnOffset = Folding.batchNormOffset(beta, mean, op.bnMultiplier);
    return op.out;
  }

  private Value activation(KerasModel.Layer l, Value x, String name) throws ConversionException {
    return switch (name) {
      case "linear" -> x;
      case "relu" -> op(Kind.RELU, l, x.shape.clone(), x).out;
      case "relu6" -> op(Kind.RELU6, l, x.shape.clone(), x).out;
      case "sigmoid" -> op(Kind.LOGISTIC, l, x.shape.clone(), x).out;
      case "tanh" -> op(Kind.TANH, l, x.shape.clone(), x).out;
      case "softmax" -> op(Kind.SOFTMAX, l, x.shape.clone(), x).out;
      default -> throw unsupported(l, "activation " + name);
    };
  }

  private Value relu(KerasModel.Layer l, Value x) throws ConversionException {
    JsonNode c = l.config();
    double slope = c.path("negative_slope").asDouble(0);
    double threshold = c.path("threshold").asDouble(0);
    JsonNode max = c.path("max_value");
    if (slope != 0 || threshold != 0) {
      throw unsupported(l, "negative_slope " + slope + " / threshold " + threshold);
    }
    if (max.isMissingNode() || max.isNull()) {
      return op(Kind.RELU, l, x.shape.clone(), x).out;
    }
    if (max.asDouble() == 6.0) {
      return op(Kind.RELU6, l, x.shape.clone(), x).out;
    }
    throw unsupported(l, "max_value " + max);
  }

  private Value softmax(KerasModel.Layer l, Value x, JsonNode axis) throws ConversionException {
    int a = axis.isArray() && axis.size() == 1 ? axis.get(0).asInt() : axis.asInt(-1);
    if (a != -1 && a != x.shape.length - 1) {
      throw unsupported(l, "softmax axis " + axis + " (only the last axis)");
    }
    return op(Kind.SOFTMAX, l, x.shape.clone(), x).out;
  }

  private Value add(KerasModel.Layer l, List<Value> ins) throws ConversionException {
    if (ins.size() < 2) {
      throw unsupported(l, ins.size() + " inputs");
    }
    Value acc = ins.get(0);
    for (int i = 1; i < ins.size(); i++) {
      if (!Arrays.equals(acc.shape, ins.get(i).shape)) {
        throw unsupported(
            l,
            "inputs of shapes "
                + Arrays.toString(acc.shape)
                + " and "
                + Arrays.toString(ins.get(i).shape));
      }
      acc = op(Kind.ADD, l, acc.shape.clone(), acc, ins.get(i)).out;
    }
    return acc;
  }

  private Value concat(KerasModel.Layer l, List<Value> ins) throws ConversionException {
    int rank = ins.get(0).shape.length;
    int axis = l.config().path("axis").asInt(-1);
    if (axis < 0) {
      axis += rank;
    }
    if (axis <= 0 || axis >= rank) {
      throw unsupported(l, "axis " + l.config().get("axis") + " for rank " + rank);
    }
    int[] out = ins.get(0).shape.clone();
    out[axis] = 0;
    for (Value v : ins) {
      for (int d = 0; d < rank; d++) {
        if (v.shape.length != rank || (d != axis && v.shape[d] != out[d])) {
          throw unsupported(
              l,
              "input shape "
                  + Arrays.toString(v.shape)
                  + " concatenated on axis "
                  + axis
                  + " with "
                  + Arrays.toString(ins.get(0).shape));
        }
      }
      out[axis] += v.shape[axis];
    }
    Op op = op(Kind.CONCAT, l, out, ins.toArray(new Value[0]));
    op.axis = axis;
    return op.out;
  }

  private Value pool(KerasModel.Layer l, Value x, Kind kind) throws ConversionException {
    requireRank(l, x, 4);
    JsonNode c = l.config();
    int[] size = pair(l, c.get("pool_size"), "pool_size", 2);
    JsonNode st = c.get("strides");
    int[] strides = st == null || st.isNull() ? size.clone() : pair(l, st, "strides", 1);
    Op proto = new Op(kind, l.name());
    proto.padding = padding(l);
    proto.strideH = strides[0];
    proto.strideW = strides[1];
    Op op = op(kind, l, spatialOut(l, x, size[0], size[1], x.shape[3], proto), x);
    copySpatial(proto, op);
    op.filterH = size[0];
    op.filterW = size[1];
    return op.out;
  }

  private Value globalAverage(KerasModel.Layer l, Value x) throws ConversionException {
    requireRank(l, x, 4);
    boolean keep = l.config().path("keepdims").asBoolean(false);
    int[] out =
        keep ? new int[] {x.shape[0], 1, 1, x.shape[3]} : new int[] {x.shape[0], x.shape[3]};
    Op op = op(Kind.MEAN, l, out, x);
    op.keepDims = keep;
    op.ints = new int[] {1, 2};
    return op.out;
  }

  private Value reshape(KerasModel.Layer l, Value x, int[] shape) {
    Op op = op(Kind.RESHAPE, l, shape, x);
    op.ints = shape.clone();
    return op.out;
  }

  private static int elements(int[] shape) {
    int n = 1;
    for (int i = 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }

  private static int[] targetShape(KerasModel.Layer l, Value x) throws ConversionException {
    JsonNode t = l.config().path("target_shape");
    if (!t.isArray()) {
      throw unsupported(l, "target_shape " + t);
    }
    int[] s = new int[t.size() + 1];
    s[0] = 1;
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < t.size(); i++) {
      s[i + 1] = t.get(i).asInt();
      if (s[i + 1] == -1 && unknown < 0) {
        unknown = i + 1;
      } else if (s[i + 1] <= 0) {
        throw unsupported(l, "target_shape " + t);
      } else {
        known *= s[i + 1];
      }
    }
    int total = elements(x.shape);
    if (unknown > 0) {
      s[unknown] = (int) (total / known);
      known *= s[unknown];
    }
    if (known != total) {
      throw unsupported(l, "target_shape " + t + " for input " + Arrays.toString(x.shape));
    }
    return s;
  }

  private Value zeroPad(KerasModel.Layer l, Value x) throws ConversionException {
    requireRank(l, x, 4);
    JsonNode p = l.config().path("padding");
    int top;
    int bottom;
    int left;
    int right;
    if (p.isInt()) {
      top = bottom = left = right = p.asInt();
    } else if (p.isArray() && p.size() == 2 && p.get(0).isArray()) {
      top = p.get(0).get(0).asInt();
      bottom = p.get(0).get(1).asInt();
      left = p.get(1).get(0).asInt();
      right = p.get(1).get(1).asInt();
    } else if (p.isArray() && p.size() == 2) {
      top = bottom = p.get(0).asInt();
      left = right = p.get(1).asInt();
    } else {
      throw unsupported(l, "padding " + p);
    }
    Op op =
        op(
            Kind.PAD,
            l,
            new int[] {
              x.shape[0], x.shape[1] + top + bottom, x.shape[2] + left + right, x.shape[3]
            },
            x);
    op.ints = new int[] {0, 0, top, bottom, left, right, 0, 0};
    return op.out;
  }

  // ---------------------------------------------------------------- 2. fold batch norms

  private boolean isGraphOutput(Value v) {
    return graphOutputs.contains(v);
  }

  private void foldBatchNorms() {
    for (int i = 0; i < ops.size(); i++) {
      Op bn = ops.get(i);
      if (bn.kind != Kind.BN) {
        continue;
      }
      Value x = bn.in.get(0);
      Op p = x.producer;
      if (p == null
          || x.consumers != 1
          || isGraphOutput(x)
          || p.act != ActivationFunctionType.NONE
          || (p.kind != Kind.CONV && p.kind != Kind.DWCONV && p.kind != Kind.FC)) {
        continue;
      }
      int axis = p.kind == Kind.DWCONV ? 3 : 0;
      Folding.scaleAxis(p.weights, p.weightShape, axis, bn.bnMultiplier);
      Folding.foldBias(p.bias, bn.bnMultiplier, bn.bnOffset);
      replace(bn, p);
      i--;
      fusedBatchNorms++;
    }
  }

  /** Removes {@code gone}, whose single input is {@code keep}'s output, giving keep its output. */
  private void replace(Op gone, Op keep) {
    Value out = gone.out;
    out.producer = keep;
    keep.out = out;
    ops.remove(gone);
  }

  // ---------------------------------------------------------------- 3. fuse activations

  private void fuseActivations() {
    for (int i = 0; i < ops.size(); i++) {
      Op a = ops.get(i);
      if (a.kind != Kind.RELU && a.kind != Kind.RELU6) {
        continue;
      }
      Value x = a.in.get(0);
      Op p = x.producer;
      if (p == null
          || x.consumers != 1
          || isGraphOutput(x)
          || p.act != ActivationFunctionType.NONE) {
        continue;
      }
      switch (p.kind) {
        case CONV, DWCONV, FC, ADD, CONCAT, BN -> {
          p.act = a.kind == Kind.RELU ? ActivationFunctionType.RELU : ActivationFunctionType.RELU6;
          replace(a, p);
          i--;
          fusedActivations++;
        }
        default -> {}
      }
    }
  }

  // ---------------------------------------------------------------- 4. write

  private byte[] emit() throws ConversionException {
    ModelBuilder b = new ModelBuilder();
    b.setDescription("tflited convert (Keras)");
    Map<Value, Integer> ids = new IdentityHashMap<>();
    for (Value v : graphInputs) {
      ids.put(v, b.addTensor(v.name, DataType.FLOAT32, v.shape));
    }
    for (Op op : ops) {
      int[] in = new int[op.in.size()];
      for (int k = 0; k < in.length; k++) {
        Integer id = ids.get(op.in.get(k));
        if (id == null) {
          throw new ConversionException(
              "internal: layer " + op.layer + " reads an unwritten tensor");
        }
        in[k] = id;
      }
      int out = b.addTensor(op.out.name, DataType.FLOAT32, op.out.shape);
      ids.put(op.out, out);
      String n = op.out.name;
      byte act = op.act;
      switch (op.kind) {
        case CONV -> {
          int w = constant(b, n + "/filter", op.weightShape, op.weights);
          int bias = constant(b, n + "/bias", new int[] {op.bias.length}, op.bias);
          b.addOperator(
              BuiltinOperator.CONV_2D,
              1,
              new int[] {in[0], w, bias},
              new int[] {out},
              BuiltinOptions.Conv2DOptions,
              fbb ->
                  Conv2DOptions.createConv2DOptions(
                      fbb,
                      op.padding,
                      op.strideW,
                      op.strideH,
                      act,
                      op.dilationW,
                      op.dilationH,
                      (byte) 0));
        }
        case DWCONV -> {
          int w = constant(b, n + "/depthwise_filter", op.weightShape, op.weights);
          int bias = constant(b, n + "/bias", new int[] {op.bias.length}, op.bias);
          int version = op.dilationH > 1 || op.dilationW > 1 ? 2 : 1;
          b.addOperator(
              BuiltinOperator.DEPTHWISE_CONV_2D,
              version,
              new int[] {in[0], w, bias},
              new int[] {out},
              BuiltinOptions.DepthwiseConv2DOptions,
              fbb ->
                  DepthwiseConv2DOptions.createDepthwiseConv2DOptions(
                      fbb,
                      op.padding,
                      op.strideW,
                      op.strideH,
                      op.depthMultiplier,
                      act,
                      op.dilationW,
                      op.dilationH));
        }
        case FC -> {
          int w = constant(b, n + "/weights", op.weightShape, op.weights);
          int bias = constant(b, n + "/bias", new int[] {op.bias.length}, op.bias);
          boolean keep = op.keepDims;
          b.addOperator(
              BuiltinOperator.FULLY_CONNECTED,
              keep ? 5 : 1,
              new int[] {in[0], w, bias},
              new int[] {out},
              BuiltinOptions.FullyConnectedOptions,
              fbb ->
                  FullyConnectedOptions.createFullyConnectedOptions(
                      fbb, act, (byte) 0, keep, false, (byte) 0));
        }
        case BN -> {
          int c = op.bnMultiplier.length;
          int mul = constant(b, n + "/multiplier", new int[] {c}, op.bnMultiplier);
          int offset = constant(b, n + "/offset", new int[] {c}, op.bnOffset);
          int mid = b.addTensor(n + "/scaled", DataType.FLOAT32, op.out.shape);
          b.addOperator(
              BuiltinOperator.MUL,
              1,
              new int[] {in[0], mul},
              new int[] {mid},
              BuiltinOptions.MulOptions,
              fbb -> MulOptions.createMulOptions(fbb, ActivationFunctionType.NONE));
          b.addOperator(
              BuiltinOperator.ADD,
              1,
              new int[] {mid, offset},
              new int[] {out},
              BuiltinOptions.AddOptions,
              fbb -> AddOptions.createAddOptions(fbb, act, false));
        }
        case ADD ->
            b.addOperator(
                BuiltinOperator.ADD,
                1,
                in,
                new int[] {out},
                BuiltinOptions.AddOptions,
                fbb -> AddOptions.createAddOptions(fbb, act, false));
        case CONCAT ->
            b.addOperator(
                BuiltinOperator.CONCATENATION,
                1,
                in,
                new int[] {out},
                BuiltinOptions.ConcatenationOptions,
                fbb -> ConcatenationOptions.createConcatenationOptions(fbb, op.axis, act));
        case MAXPOOL, AVGPOOL ->
            b.addOperator(
                op.kind == Kind.MAXPOOL
                    ? BuiltinOperator.MAX_POOL_2D
                    : BuiltinOperator.AVERAGE_POOL_2D,
                1,
                in,
                new int[] {out},
                BuiltinOptions.Pool2DOptions,
                fbb ->
                    Pool2DOptions.createPool2DOptions(
                        fbb, op.padding, op.strideW, op.strideH, op.filterW, op.filterH, act));
        case MEAN -> {
          int axes = b.addInt32Constant(n + "/axes", new int[] {op.ints.length}, op.ints);
          b.addOperator(
              BuiltinOperator.MEAN,
              1,
              new int[] {in[0], axes},
              new int[] {out},
              BuiltinOptions.ReducerOptions,
              fbb -> ReducerOptions.createReducerOptions(fbb, op.keepDims));
        }
        case RESHAPE -> {
          int shape = b.addInt32Constant(n + "/shape", new int[] {op.ints.length}, op.ints);
          b.addOperator(BuiltinOperator.RESHAPE, 1, new int[] {in[0], shape}, new int[] {out});
        }
        case PAD -> {
          int pads = b.addInt32Constant(n + "/paddings", new int[] {4, 2}, op.ints);
          b.addOperator(BuiltinOperator.PAD, 1, new int[] {in[0], pads}, new int[] {out});
        }
        case SOFTMAX ->
            b.addOperator(
                BuiltinOperator.SOFTMAX,
                1,
                in,
                new int[] {out},
                BuiltinOptions.SoftmaxOptions,
                fbb -> SoftmaxOptions.createSoftmaxOptions(fbb, 1f));
        case RELU -> b.addOperator(BuiltinOperator.RELU, 1, in, new int[] {out});
        case RELU6 -> b.addOperator(BuiltinOperator.RELU6, 1, in, new int[] {out});
        case LOGISTIC -> b.addOperator(BuiltinOperator.LOGISTIC, 1, in, new int[] {out});
        case TANH -> b.addOperator(BuiltinOperator.TANH, 1, in, new int[] {out});
      }
    }
    int[] ins = new int[graphInputs.size()];
    for (int i = 0; i < ins.length; i++) {
      ins[i] = ids.get(graphInputs.get(i));
    }
    int[] outs = new int[graphOutputs.size()];
    for (int i = 0; i < outs.length; i++) {
      Integer id = ids.get(graphOutputs.get(i));
      if (id == null) {
        throw new ConversionException(
            "model output " + graphOutputs.get(i).name + " is a model input; nothing to convert");
      }
      outs[i] = id;
    }
    b.setInputs(ins).setOutputs(outs);
    return b.buildBytes();
  }

  private static int constant(ModelBuilder b, String name, int[] shape, float[] values) {
    ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      bb.putFloat(v);
    }
    return b.addConstant(name, DataType.FLOAT32, shape, Quantization.NONE, bb.array());
  }
}
