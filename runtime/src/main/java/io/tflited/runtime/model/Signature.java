package io.tflited.runtime.model;

import java.util.Map;

/**
 * A SignatureDef: named entry points mapping aliases to tensor indices of a subgraph.
 *
 * @param key the signature key, e.g. "serving_default"
 * @param subgraphIndex the subgraph it runs (tflited runs subgraph 0)
 * @param inputs alias to tensor index, in declaration order
 * @param outputs alias to tensor index, in declaration order
 */
public record Signature(
    String key, int subgraphIndex, Map<String, Integer> inputs, Map<String, Integer> outputs) {}
