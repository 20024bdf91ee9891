package io.tflited.converter.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A Keras model as saved by {@code model.save()}: the layer graph from the model config and the
 * float32 weights of every layer, in the order Keras lists them (kernel, bias; gamma, beta,
 * moving_mean, moving_variance; ...).
 *
 * <p>Two containers are read:
 *
 * <ul>
 *   <li>HDF5 {@code .h5} (Keras 2): root attribute {@code model_config} (JSON), weights under
 *       {@code /model_weights/<layer>}, ordered by the group's {@code weight_names} attribute.
 *   <li>zip {@code .keras} (Keras 3): {@code config.json} and {@code model.weights.h5}, weights
 *       under {@code /layers/<layer>/vars/<i>} (also {@code /_layer_checkpoint_dependencies}).
 * </ul>
 */
public final class KerasModel {
  /** One weight array, row-major with Keras' own shape (kernels HWIO, dense [in, out]). */
  public record Weight(String name, int[] shape, float[] data) {}

  /** One inbound connection: the producing layer and which of its outputs. */
  public record Inbound(String layer, int nodeIndex, int tensorIndex) {}

  /** One layer: class, name, config and its weights; inbound empty for Sequential models. */
  public record Layer(
      String className,
      String name,
      JsonNode config,
      List<Inbound> inbound,
      List<Weight> weights) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String modelClass;
  private final List<Layer> layers;
  private final List<Inbound> inputs;
  private final List<Inbound> outputs;

  KerasModel(String modelClass, List<Layer> layers, List<Inbound> inputs, List<Inbound> outputs) {
    this.modelClass = modelClass;
    this.layers = List.copyOf(layers);
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
  }

  /** "Sequential", "Functional" or "Model". */
  public String modelClass() {
    return modelClass;
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Model inputs (empty for Sequential). */
  public List<Inbound> inputs() {
    return inputs;
  }

  /** Model outputs (empty for Sequential). */
  public List<Inbound> outputs() {
    return outputs;
  }

  /** Reads a {@code .h5} or {@code .keras} file (chosen by content, not by name). */
  public static KerasModel read(Path path) throws IOException, ConversionException {
    if (!Files.isRegularFile(path)) {
      throw new ConversionException("Keras model file not found: " + path);
    }
    byte[] magic = new byte[8];
    try (InputStream in = Files.newInputStream(path)) {
      in.readNBytes(magic, 0, 8);
    }
    if (magic[0] == 'P' && magic[1] == 'K') {
      return readKeras(path);
    }
    if ((magic[0] & 0xFF) == 0x89 && magic[1] == 'H' && magic[2] == 'D' && magic[3] == 'F') {
      return readH5(path);
    }
    throw new ConversionException(
        path + " is neither an HDF5 (.h5) nor a zip (.keras) Keras model");
  }

  private static KerasModel readH5(Path path) throws IOException, ConversionException {
    try (HdfFile f = new HdfFile(path)) {
      Attribute cfg = f.getAttribute("model_config");
      if (cfg == null) {
        throw new ConversionException(
            path + " has no model_config attribute (weights-only .h5 files cannot be converted)");
      }
      JsonNode config = MAPPER.readTree(attributeString(cfg));
      Node weightsNode = f.getChild("model_weights");
      Group weights = weightsNode instanceof Group g ? g : f;
      return fromConfig(config, layerName -> h5LayerWeights(weights, layerName));
    } catch (RuntimeException e) {
      throw new ConversionException("cannot read HDF5 file " + path + ": " + e.getMessage(), e);
    }
  }

  private static KerasModel readKeras(Path path) throws IOException, ConversionException {
    try (ZipFile zip = new ZipFile(path.toFile())) {
      ZipEntry cfgEntry = zip.getEntry("config.json");
      ZipEntry wEntry = zip.getEntry("model.weights.h5");
      if (cfgEntry == null || wEntry == null) {
        throw new ConversionException(
            path + " is a zip but lacks config.json or model.weights.h5 (not a .keras model)");
      }
      JsonNode config;
      try (InputStream in = zip.getInputStream(cfgEntry)) {
        config = MAPPER.readTree(in);
      }
      Path tmp = Files.createTempFile("tflited-keras", ".weights.h5");
      try {
        try (InputStream in = zip.getInputStream(wEntry)) {
          Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (HdfFile f = new HdfFile(tmp)) {
          return fromConfig(config, layerName -> kerasV3LayerWeights(f, layerName));
        } catch (RuntimeException e) {
          throw new ConversionException(
              "cannot read model.weights.h5 in " + path + ": " + e.getMessage(), e);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  @FunctionalInterface
  private interface WeightSource {
    List<Weight> weights(String layerName) throws ConversionException;
  }

  private static KerasModel fromConfig(JsonNode root, WeightSource source)
      throws ConversionException {
    String cls = root.path("class_name").asText();
    JsonNode cfg = root.path("config");
    JsonNode layerList = cfg.isArray() ? cfg : cfg.path("layers");
    if (!layerList.isArray()) {
      throw new ConversionException("model config has no layer list (class " + cls + ")");
    }
    List<Layer> layers = new ArrayList<>();
    for (JsonNode l : layerList) {
      String lc = l.path("class_name").asText();
      JsonNode lcfg = l.path("config");
      String name = l.hasNonNull("name") ? l.get("name").asText() : lcfg.path("name").asText();
      List<Inbound> inbound = new ArrayList<>();
      JsonNode nodes = l.path("inbound_nodes");
      if (nodes.isArray() && !nodes.isEmpty()) {
        if (nodes.size() > 1) {
          throw new ConversionException(
              "layer "
                  + name
                  + " ("
                  + lc
                  + ") is called "
                  + nodes.size()
                  + " times; shared layers are not supported");
        }
        collectInbound(nodes.get(0), inbound);
      }
      layers.add(new Layer(lc, name, lcfg, inbound, source.weights(name)));
    }
    List<Inbound> ins = new ArrayList<>();
    List<Inbound> outs = new ArrayList<>();
    tensorRefs(cfg.path("input_layers"), ins);
    tensorRefs(cfg.path("output_layers"), outs);
    return new KerasModel(cls, layers, ins, outs);
  }

  /** Keras 2: [[name, node, tensor, kwargs], ...]; Keras 3: {args: [keras_tensor...]}. */
  private static void collectInbound(JsonNode node, List<Inbound> out) {
    if (node.isArray()) {
      if (node.size() >= 3 && node.get(0).isTextual() && node.get(1).isNumber()) {
        out.add(new Inbound(node.get(0).asText(), node.get(1).asInt(), node.get(2).asInt()));
        return;
      }
      for (JsonNode n : node) {
        collectInbound(n, out);
      }
    } else if (node.isObject()) {
      JsonNode history = node.path("config").path("keras_history");
      if ("__keras_tensor__".equals(node.path("class_name").asText()) && history.isArray()) {
        out.add(
            new Inbound(history.get(0).asText(), history.get(1).asInt(), history.get(2).asInt()));
        return;
      }
      if (node.has("args")) {
        collectInbound(node.get("args"), out);
      }
    }
  }

  private static void tensorRefs(JsonNode n, List<Inbound> out) {
    if (!n.isArray() || n.isEmpty()) {
      return;
    }
    if (n.get(0).isTextual()) {
      out.add(new Inbound(n.get(0).asText(), n.get(1).asInt(), n.get(2).asInt()));
      return;
    }
    for (JsonNode r : n) {
      tensorRefs(r, out);
    }
  }

  private static List<Weight> h5LayerWeights(Group root, String layerName)
      throws ConversionException {
    Node n = root.getChild(layerName);
    if (!(n instanceof Group g)) {
      return List.of();
    }
    Attribute names = g.getAttribute("weight_names");
    List<Weight> out = new ArrayList<>();
    if (names == null) {
      return out;
    }
    Object data = names.getData();
    if (data == null || !data.getClass().isArray()) {
      return out;
    }
    for (int i = 0; i < Array.getLength(data); i++) {
      String wn = String.valueOf(Array.get(data, i));
      Node d = g.getByPath(wn);
      if (!(d instanceof Dataset ds)) {
        throw new ConversionException(
            "layer " + layerName + ": weight " + wn + " listed but not found in the file");
      }
      out.add(toWeight(wn, ds));
    }
    return out;
  }

  private static List<Weight> kerasV3LayerWeights(HdfFile f, String layerName)
      throws ConversionException {
    for (String prefix : new String[] {"layers", "_layer_checkpoint_dependencies"}) {
      Node n = f;
      for (String part : new String[] {prefix, layerName, "vars"}) {
        n = n instanceof Group g ? g.getChildren().get(part) : null;
      }
      if (n instanceof Group g) {
        List<Dataset> ds = new ArrayList<>();
        for (Node c : g.getChildren().values()) {
          if (c instanceof Dataset d) {
            ds.add(d);
          }
        }
        ds.sort(Comparator.comparingInt(d -> Integer.parseInt(d.getName())));
        List<Weight> out = new ArrayList<>();
        for (Dataset d : ds) {
          out.add(toWeight(layerName + "/" + d.getName(), d));
        }
        return out;
      }
    }
    return List.of();
  }

  private static Weight toWeight(String name, Dataset ds) throws ConversionException {
    int[] shape = ds.getDimensions();
    long count = 1;
    for (int d : shape) {
      count *= d;
    }
    if (count > Integer.MAX_VALUE / 4) {
      throw new ConversionException("weight " + name + " is too large: " + Arrays.toString(shape));
    }
    float[] out = new float[(int) count];
    Object data = ds.getData();
    int[] pos = {0};
    flatten(name, data, out, pos);
    if (pos[0] != count) {
      throw new ConversionException(
          "weight " + name + ": read " + pos[0] + " values for shape " + Arrays.toString(shape));
    }
    return new Weight(name, shape, out);
  }

  private static void flatten(String name, Object data, float[] out, int[] pos)
      throws ConversionException {
    if (data instanceof float[] a) {
      System.arraycopy(a, 0, out, pos[0], a.length);
      pos[0] += a.length;
    } else if (data instanceof double[] a) {
      for (double v : a) {
        out[pos[0]++] = (float) v;
      }
    } else if (data instanceof Float v) {
      out[pos[0]++] = v;
    } else if (data instanceof Double v) {
      out[pos[0]++] = v.floatValue();
    } else if (data != null && data.getClass().isArray()) {
      for (int i = 0; i < Array.getLength(data); i++) {
        flatten(name, Array.get(data, i), out, pos);
      }
    } else {
      throw new ConversionException(
          "weight "
              + name
              + " has element type "
              + (data == null ? "null" : data.getClass().getSimpleName())
              + "; only float32/float64 weights are supported");
    }
  }

  private static String attributeString(Attribute a) {
    Object v = a.getData();
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof byte[] b) {
      return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
    if (v != null && v.getClass().isArray() && Array.getLength(v) == 1) {
      return String.valueOf(Array.get(v, 0));
    }
    return String.valueOf(v);
  }
}
