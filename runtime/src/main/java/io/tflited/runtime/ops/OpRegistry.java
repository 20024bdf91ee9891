package io.tflited.runtime.ops;

import io.tflited.runtime.graph.Node;
import io.tflited.runtime.model.fb.BuiltinOperator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Operator kernels by builtin code (or custom name), with the highest version each supports. */
public final class OpRegistry {
  /** A registered kernel and the highest operator version it implements. */
  public record Entry(OpKernel kernel, int maxVersion) {}

  private final Map<Integer, Entry> builtins = new HashMap<>();
  private final Map<String, Entry> customs = new HashMap<>();

  /** Registers a builtin operator (codes from {@link BuiltinOperator}). */
  public OpRegistry add(int builtinCode, int maxVersion, OpKernel kernel) {
    builtins.put(builtinCode, new Entry(kernel, maxVersion));
    return this;
  }

  public OpRegistry addCustom(String name, int maxVersion, OpKernel kernel) {
    customs.put(name, new Entry(kernel, maxVersion));
    return this;
  }

  /** The entry for a node's operator, or null when it is not registered at all. */
  public Entry lookup(Node node) {
    if (node.builtinCode() == BuiltinOperator.CUSTOM) {
      return customs.get(node.customCode());
    }
    return builtins.get(node.builtinCode());
  }

  /** Builtin names and max versions, sorted, for `tflited inspect` and the README table. */
  public Map<String, Integer> supported() {
    Map<String, Integer> out = new TreeMap<>();
    builtins.forEach((code, e) -> out.put(BuiltinOperator.name(code), e.maxVersion()));
    customs.forEach((name, e) -> out.put(name + " (custom)", e.maxVersion()));
    return out;
  }

  /** Every operator tflited implements. */
  public static OpRegistry builtin() {
    OpRegistry r = new OpRegistry();
    BuiltinOps.registerAll(r);
    return r;
  }
}
