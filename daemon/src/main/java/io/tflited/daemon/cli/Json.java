package io.tflited.daemon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tflited.runtime.Quantization;
import io.tflited.runtime.TensorInfo;

/** Shared Jackson mapper and the tensor descriptions of inspect/run/meta.json. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  public static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** index, name, dtype, shape, scale, zero_point (the golden meta.json fields). */
  public static ObjectNode tensor(int index, TensorInfo t) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("index", index);
    o.put("name", t.name());
    o.put("dtype", t.dataType().displayName());
    ArrayNode shape = o.putArray("shape");
    for (int d : t.shape()) {
      shape.add(d);
    }
    Quantization q = t.quantization();
    if (q.isQuantized()) {
      o.put("scale", q.scale());
      o.put("zero_point", q.zeroPoint());
    } else {
      o.put("scale", 0);
      o.put("zero_point", 0);
    }
    return o;
  }

  /** Quantization details: per-tensor or per-channel. */
  public static ObjectNode quantization(Quantization q) {
    ObjectNode o = MAPPER.createObjectNode();
    if (!q.isQuantized()) {
      o.put("type", "none");
      return o;
    }
    o.put("type", q.isPerChannel() ? "per_channel" : "per_tensor");
    if (q.isPerChannel()) {
      o.put("quantized_dimension", q.quantizedDimension());
      ArrayNode s = o.putArray("scales");
      for (float f : q.scales()) {
        s.add(f);
      }
      ArrayNode z = o.putArray("zero_points");
      for (long l : q.zeroPoints()) {
        z.add(l);
      }
    } else {
      o.put("scale", q.scale());
      o.put("zero_point", q.zeroPoint());
    }
    return o;
  }
}
