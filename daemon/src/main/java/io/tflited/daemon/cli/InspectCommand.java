package io.tflited.daemon.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tflited.runtime.CompiledModel;
import io.tflited.runtime.ModelException;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.graph.Graph;
import io.tflited.runtime.graph.Node;
import io.tflited.runtime.model.ModelFile;
import io.tflited.runtime.model.Signature;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code tflited inspect MODEL [--json]}. */
public final class InspectCommand implements Command {
  @Override
  public String name() {
    return "inspect";
  }

  @Override
  public String summary() {
    return "describe a model: inputs, outputs, signatures, operators, memory, support";
  }

  @Override
  public String usage() {
    return "tflited inspect MODEL [--json]";
  }

  @Override
  public Args args() {
    return new Args(name()).flag("json", "print one JSON object instead of text");
  }

  /** What inspect found, as JSON (also used for the text form). */
  public static ObjectNode describe(Path path) throws Exception {
    if (!Files.isRegularFile(path)) {
      throw new CommandFailedException("model file not found: " + path);
    }
    ModelFile file;
    try {
      file = ModelFile.open(path);
    } catch (ModelException e) {
      throw new CommandFailedException("cannot load model " + path + ": " + e.getMessage(), e);
    }
    CompiledModel compiled = null;
    String unsupported = null;
    try {
      compiled = CompiledModel.open(path);
    } catch (ModelException e) {
      unsupported = e.getMessage();
    }
    Graph g = file.graph();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("model", path.toString());
    o.put("file_bytes", file.buffer().capacity());
    o.put("description", file.description());
    o.put("schema_version", file.schemaVersion());
    o.put("subgraphs", file.subgraphCount());
    o.put("tensors", g.tensors().size());
    o.put("nodes", g.nodes().size());
    List<TensorInfo> ins = new ArrayList<>();
    List<TensorInfo> outs = new ArrayList<>();
    if (compiled != null) {
      ins.addAll(compiled.inputs());
      outs.addAll(compiled.outputs());
    } else {
      for (int i : g.inputs()) {
        ins.add(g.tensors().get(i).info());
      }
      for (int i : g.outputs()) {
        outs.add(g.tensors().get(i).info());
      }
    }
    o.set("inputs", tensors(ins));
    o.set("outputs", tensors(outs));
    ArrayNode md = o.putArray("metadata");
    for (String name : file.metadata().keySet()) {
      md.add(name);
    }
    ArrayNode sigs = o.putArray("signatures");
    for (Signature s : file.signatures()) {
      ObjectNode so = sigs.addObject();
      so.put("key", s.key());
      so.put("subgraph", s.subgraphIndex());
      ObjectNode si = so.putObject("inputs");
      s.inputs().forEach((k, v) -> si.put(k, tensorName(g, v)));
      ObjectNode sout = so.putObject("outputs");
      s.outputs().forEach((k, v) -> sout.put(k, tensorName(g, v)));
    }
    Map<String, Integer> supported = CompiledModel.supportedOperators();
    Map<String, int[]> hist = new TreeMap<>();
    for (Node n : g.nodes()) {
      String key = n.opName() + "\u0000" + String.format("%04d", n.version());
      hist.computeIfAbsent(key, k -> new int[] {n.version(), 0})[1]++;
    }
    ArrayNode ops = o.putArray("ops");
    boolean allOps = true;
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, int[]> e : hist.entrySet()) {
      String op = e.getKey().substring(0, e.getKey().indexOf('\u0000'));
      int version = e.getValue()[0];
      Integer max = supported.get(op);
      boolean ok = max != null && version <= max;
      if (!ok) {
        allOps = false;
        missing.add(op + " v" + version + (max == null ? "" : " (max v" + max + ")"));
      }
      ObjectNode on = ops.addObject();
      on.put("op", op);
      on.put("version", version);
      on.put("count", e.getValue()[1]);
      on.put("supported", ok);
    }
    long weights = 0;
    for (var t : g.tensors()) {
      if (t.isConstant()) {
        weights += t.constantData().remaining();
      }
    }
    o.put("weight_bytes", weights);
    if (compiled != null) {
      o.put("arena_bytes", compiled.arenaBytes());
    } else {
      o.putNull("arena_bytes");
    }
    o.put("supported", compiled != null && allOps);
    if (compiled == null) {
      o.put("unsupported_reason", unsupported);
    } else if (!allOps) {
      o.put("unsupported_reason", "operators not supported: " + String.join(", ", missing));
    } else {
      o.putNull("unsupported_reason");
    }
    return o;
  }

  private static String tensorName(Graph g, int index) {
    return index >= 0 && index < g.tensors().size() ? g.tensors().get(index).name() : "#" + index;
  }

  private static ArrayNode tensors(List<TensorInfo> list) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (int i = 0; i < list.size(); i++) {
      ObjectNode t = Json.tensor(i, list.get(i));
      t.put("tensor_index", list.get(i).index());
      t.put("bytes", list.get(i).byteSize());
      t.set("quantization", Json.quantization(list.get(i).quantization()));
      a.add(t);
    }
    return a;
  }

  @Override
  public int run(Args args, PrintStream out, PrintStream err) throws Exception {
    List<String> pos = args.positionals();
    if (pos.size() != 1) {
      throw new UsageException("inspect needs exactly one MODEL argument (got " + pos.size() + ")");
    }
    ObjectNode o = describe(Path.of(pos.get(0)));
    if (args.flag("json")) {
      out.println(Json.MAPPER.writeValueAsString(o));
      return 0;
    }
    out.printf("model:       %s (%d bytes)%n", o.get("model").asText(), o.get("file_bytes").asLong());
    if (!o.get("description").asText().isEmpty()) {
      out.printf("description: %s%n", o.get("description").asText());
    }
    out.printf("subgraphs:   %d   tensors: %d   nodes: %d%n",
        o.get("subgraphs").asInt(), o.get("tensors").asInt(), o.get("nodes").asInt());
    out.printf("weights:     %s%n", bytes(o.get("weight_bytes").asLong()));
    out.printf("arena:       %s%n",
        o.get("arena_bytes").isNull() ? "n/a (model not prepared)" : bytes(o.get("arena_bytes").asLong()));
    for (String kind : new String[] {"inputs", "outputs"}) {
      out.println(kind + ":");
      for (var t : o.get(kind)) {
        int[] shape = new int[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = t.get("shape").get(i).asInt();
        }
        var q = t.get("quantization");
        String qs = switch (q.get("type").asText()) {
          case "none" -> "";
          case "per_tensor" -> "  scale=" + q.get("scale").asText() + " zero_point=" + q.get("zero_point").asText();
          default -> "  per-channel(" + q.get("scales").size() + ")";
        };
        out.printf("  %d  %-24s %-8s %s%s%n", t.get("index").asInt(), t.get("name").asText(),
            t.get("dtype").asText(), Arrays.toString(shape), qs);
      }
    }
    if (!o.get("signatures").isEmpty()) {
      out.println("signatures:");
      for (var s : o.get("signatures")) {
        out.printf("  %s  inputs=%s outputs=%s%n", s.get("key").asText(), s.get("inputs"), s.get("outputs"));
      }
    }
    if (!o.get("metadata").isEmpty()) {
      List<String> names = new ArrayList<>();
      o.get("metadata").forEach(n -> names.add(n.asText()));
      out.println("metadata:    " + String.join(", ", names));
    }
    out.println("operators:");
    for (var op : o.get("ops")) {
      out.printf("  %-28s %5d  %s%n", op.get("op").asText() + " v" + op.get("version").asInt(),
          op.get("count").asInt(), op.get("supported").asBoolean() ? "" : "UNSUPPORTED");
    }
    if (o.get("supported").asBoolean()) {
      out.println("supported:   yes");
    } else {
      out.println("supported:   no: " + o.get("unsupported_reason").asText());
    }
    return 0;
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format("%d B (%.1f KiB)", n, n / 1024.0);
    }
    return String.format("%d B (%.1f MiB)", n, n / 1048576.0);
  }
}
