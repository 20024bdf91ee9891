package io.tflited.converter.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes small Keras models in both containers, as Keras itself lays them out: {@code .h5} (Keras
 * 2: model_config attribute, /model_weights/layer/layer/name:0 with weight_names) and {@code
 * .keras} (Keras 3: config.json with keras_history inbound nodes, model.weights.h5 with
 * /layers/layer/vars/i). Weights are seeded random.
 */
final class SyntheticKeras {
  static final ObjectMapper MAPPER = new ObjectMapper();

  record W(String name, int[] shape, float[] data) {}

  record L(String cls, String name, ObjectNode config, List<String> inbound, List<W> weights) {}

  final List<L> layers = new ArrayList<>();
  final Random random;
  boolean sequential;

  /** Output layer names (functional models); empty: the last layer. */
  final List<String> outputs = new ArrayList<>();

  SyntheticKeras(long seed) {
    random = new Random(seed);
  }

  ObjectNode cfg() {
    return MAPPER.createObjectNode();
  }

  /** Adds a layer; weights are given as (name, shape) pairs and filled at random. */
  String add(String cls, String name, ObjectNode config, List<String> inbound, Object... weights) {
    config.put("name", name);
    List<W> ws = new ArrayList<>();
    for (int i = 0; i < weights.length; i += 2) {
      int[] shape = (int[]) weights[i + 1];
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      float[] data = new float[n];
      String wn = (String) weights[i];
      for (int k = 0; k < n; k++) {
        data[k] =
            switch (wn) {
              case "moving_variance" -> 0.2f + random.nextFloat() * 2;
              case "gamma" -> 0.5f + random.nextFloat();
              default -> random.nextFloat() * 2 - 1;
            };
      }
      ws.add(new W(wn, shape, data));
    }
    layers.add(new L(cls, name, config, inbound, ws));
    return name;
  }

  private ObjectNode modelConfig(boolean keras3) {
    ObjectNode root = cfg();
    root.put("class_name", sequential ? "Sequential" : "Functional");
    ObjectNode c = root.putObject("config");
    c.put("name", "synthetic");
    ArrayNode ls = c.putArray("layers");
    for (L l : layers) {
      ObjectNode o = ls.addObject();
      o.put("class_name", l.cls());
      o.set("config", l.config());
      if (sequential) {
        continue;
      }
      o.put("name", l.name());
      ArrayNode nodes = o.putArray("inbound_nodes");
      if (!l.inbound().isEmpty()) {
        if (keras3) {
          ObjectNode node = nodes.addObject();
          ArrayNode args = node.putArray("args");
          ArrayNode target = l.inbound().size() > 1 ? args.addArray() : args;
          for (String in : l.inbound()) {
            ObjectNode t = target.addObject();
            t.put("class_name", "__keras_tensor__");
            t.putObject("config").putArray("keras_history").add(in).add(0).add(0);
          }
          node.putObject("kwargs");
        } else {
          ArrayNode node = nodes.addArray();
          for (String in : l.inbound()) {
            node.addArray().add(in).add(0).add(0).addObject();
          }
        }
      }
    }
    if (!sequential) {
      c.putArray("input_layers").addArray().add(layers.get(0).name()).add(0).add(0);
      ArrayNode outs = c.putArray("output_layers");
      for (String o : outputs.isEmpty() ? List.of(layers.get(layers.size() - 1).name()) : outputs) {
        outs.addArray().add(o).add(0).add(0);
      }
    }
    return root;
  }

  void writeH5(Path path) throws IOException {
    try (WritableHdfFile f = HdfFile.write(path)) {
      f.putAttribute("keras_version", "2.4.0");
      f.putAttribute("model_config", MAPPER.writeValueAsString(modelConfig(false)));
      WritableGroup mw = f.putGroup("model_weights");
      for (L l : layers) {
        WritableGroup g = mw.putGroup(l.name());
        String[] names = new String[l.weights().size()];
        if (names.length == 0) {
          continue;
        }
        WritableGroup inner = g.putGroup(l.name());
        for (int i = 0; i < names.length; i++) {
          W w = l.weights().get(i);
          names[i] = l.name() + "/" + w.name() + ":0";
          inner.putDataset(w.name() + ":0", nested(w));
        }
        g.putAttribute("weight_names", names);
      }
    }
  }

  void writeKeras(Path path) throws IOException {
    Path weights = Files.createTempFile("synthetic", ".weights.h5");
    try {
      try (WritableHdfFile f = HdfFile.write(weights)) {
        WritableGroup ls = f.putGroup("layers");
        for (L l : layers) {
          WritableGroup vars = ls.putGroup(l.name()).putGroup("vars");
          for (int i = 0; i < l.weights().size(); i++) {
            vars.putDataset(Integer.toString(i), nested(l.weights().get(i)));
          }
        }
      }
      try (OutputStream os = Files.newOutputStream(path);
          ZipOutputStream zip = new ZipOutputStream(os)) {
        zip.putNextEntry(new ZipEntry("metadata.json"));
        zip.write(
            "{\"keras_version\": \"3.5.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zip.putNextEntry(new ZipEntry("config.json"));
        zip.write(MAPPER.writeValueAsBytes(modelConfig(true)));
        zip.putNextEntry(new ZipEntry("model.weights.h5"));
        zip.write(Files.readAllBytes(weights));
        zip.closeEntry();
      }
    } finally {
      Files.deleteIfExists(weights);
    }
  }

  private static Object nested(W w) {
    Object arr = Array.newInstance(float.class, w.shape());
    int[] pos = {0};
    fill(arr, w.data(), pos);
    return arr;
  }

  private static void fill(Object arr, float[] data, int[] pos) {
    if (arr instanceof float[] f) {
      System.arraycopy(data, pos[0], f, 0, f.length);
      pos[0] += f.length;
      return;
    }
    for (int i = 0; i < Array.getLength(arr); i++) {
      fill(Array.get(arr, i), data, pos);
    }
  }
}
