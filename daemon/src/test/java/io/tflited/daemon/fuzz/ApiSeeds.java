package io.tflited.daemon.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Real requests for every endpoint, in the {@link ApiFuzzTest#parse(byte[])} format, with the
 * status each must get. Models: "demo" (float32 input "input" [1,4], outputs "logits" and
 * "probabilities" [1,3]); "kws" (int8 [1,49,10,1]) and "cifar" (an RGB image model) when
 * ../shared/models is present.
 */
final class ApiSeeds {
  record Seed(String name, byte[] bytes, int status) {}

  private ApiSeeds() {}

  static List<Seed> all(boolean kws, boolean cifar) {
    List<Seed> out = new ArrayList<>();
    get(out, "/v2/health/live", 200);
    get(out, "/v2/health/ready", 200);
    get(out, "/v2", 200);
    get(out, "/v2/models", 200);
    get(out, "/v2/models/demo", 200);
    get(out, "/v2/models/demo/versions/1", 200);
    get(out, "/v2/models/demo/ready", 200);
    get(out, "/v2/models/nosuch", 404);
    get(out, "/v1/models/demo", 200);
    get(out, "/v1/models/demo/metadata", 200);
    get(out, "/metrics", 200);
    out.add(seed("repository index", "POST /v2/repository/index", Map.of(), new byte[0], 200));
    out.add(seed("load unknown", "POST /v2/repository/models/nosuch/load", Map.of(), new byte[0], 404));
    out.add(seed("infer wrong method", "GET /v2/models/demo/infer", Map.of(), new byte[0], 405));

    String iris = "[5.1, 3.5, 1.4, 0.2]";
    json(out, "v2 infer flat", "/v2/models/demo/infer",
        "{\"id\":\"1\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":"
            + iris + "}]}", 200);
    json(out, "v2 infer nested, outputs", "/v2/models/demo/versions/1/infer",
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[" + iris
            + "]}],\"outputs\":[{\"name\":\"probabilities\"}]}", 200);
    json(out, "v2 infer FP16", "/v2/models/demo/infer",
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP16\",\"data\":" + iris + "}]}",
        400);
    json(out, "v2 infer wrong shape", "/v2/models/demo/infer",
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":" + iris + "}]}",
        400);
    byte[] floats = floats(5.1f, 3.5f, 1.4f, 0.2f);
    binary(out, "v2 binary extension", "/v2/models/demo/infer",
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"parameters\":"
            + "{\"binary_data_size\":16}}],\"outputs\":[{\"name\":\"probabilities\",\"parameters\":"
            + "{\"binary_data\":true}}]}", floats, 200);
    binary(out, "v2 binary output default", "/v2/models/demo/infer",
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"parameters\":"
            + "{\"binary_data_size\":16}}],\"parameters\":{\"binary_data_output\":true}}", floats, 200);
    json(out, "v1 predict rows", "/v1/models/demo:predict", "{\"instances\":[" + iris + "]}", 200);
    json(out, "v1 predict rows named", "/v1/models/demo/versions/1:predict",
        "{\"signature_name\":\"serving_default\",\"instances\":[{\"input\":" + iris + "}]}", 200);
    json(out, "v1 predict columns", "/v1/models/demo:predict", "{\"inputs\":[" + iris + "]}", 200);
    json(out, "v1 predict columns named", "/v1/models/demo:predict",
        "{\"inputs\":{\"input\":[" + iris + "]}}", 200);
    json(out, "v1 predict b64", "/v1/models/demo:predict",
        "{\"instances\":[{\"b64\":\"" + Base64.getEncoder().encodeToString(floats) + "\"}]}", 200);
    json(out, "v1 predict two rows", "/v1/models/demo:predict",
        "{\"instances\":[" + iris + "," + iris + "]}", 200);
    json(out, "v1 predict malformed", "/v1/models/demo:predict", "{\"instances\":[[5.1,", 400);
    out.add(seed("v1 predict form type", "POST /v1/models/demo:predict",
        Map.of("content-type", "text/plain"), "{\"instances\":[[1,2,3,4]]}".getBytes(StandardCharsets.UTF_8), 415));
    out.add(seed("classify non-image model", "POST /v1/models/demo:classify",
        Map.of("content-type", "image/png"), ImageSeeds.all().get("png-rgb"), 400));

    if (kws) {
      StringBuilder v = new StringBuilder();
      for (int i = 0; i < 490; i++) {
        v.append(i == 0 ? "" : ",").append(i % 256 - 128);
      }
      json(out, "v2 infer kws INT8", "/v2/models/kws/infer",
          "{\"inputs\":[{\"name\":\"input_1\",\"shape\":[1,49,10,1],\"datatype\":\"INT8\",\"data\":["
              + v + "]}]}", 200);
      json(out, "v2 infer kws FP32 quantized", "/v2/models/kws/infer",
          "{\"inputs\":[{\"name\":\"input_1\",\"shape\":[1,49,10,1],\"datatype\":\"FP32\",\"data\":["
              + v + "]}]}", 200);
      binary(out, "v2 binary kws", "/v2/models/kws/infer",
          "{\"inputs\":[{\"name\":\"input_1\",\"shape\":[1,49,10,1],\"datatype\":\"INT8\","
              + "\"parameters\":{\"binary_data_size\":490}}],\"parameters\":{\"binary_data_output\":true}}",
          new byte[490], 200);
      for (Map.Entry<String, byte[]> img : ImageSeeds.all().entrySet()) {
        String type = "image/" + img.getKey().replaceAll("-.*", "");
        out.add(seed("classify kws " + img.getKey(), "POST /v1/models/kws:classify?k=3",
            Map.of("content-type", type), img.getValue(), 200));
      }
      out.add(seed("classify kws raw gray", "POST /v1/models/kws:classify?width=10&height=49",
          Map.of("content-type", "application/octet-stream"), new byte[490], 200));
    }
    if (cifar) {
      out.add(seed("classify cifar png", "POST /v1/models/cifar:classify",
          Map.of("content-type", "image/png"), ImageSeeds.all().get("png-rgb"), 200));
      out.add(seed("classify cifar jpeg", "POST /v1/models/cifar/versions/1:classify?k=2",
          Map.of("content-type", "image/jpeg"), ImageSeeds.all().get("jpeg"), 200));
      out.add(seed("classify cifar raw rgb", "POST /v1/models/cifar:classify?width=7&height=5",
          Map.of("content-type", "image/x-raw"), new byte[7 * 5 * 3], 200));
    }
    return out;
  }

  private static void get(List<Seed> out, String path, int status) {
    out.add(seed("GET " + path, "GET " + path, Map.of(), new byte[0], status));
  }

  private static void json(List<Seed> out, String name, String path, String body, int status) {
    out.add(seed(name, "POST " + path, Map.of("content-type", "application/json"),
        body.getBytes(StandardCharsets.UTF_8), status));
  }

  private static void binary(List<Seed> out, String name, String path, String json, byte[] data, int status) {
    byte[] j = json.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(j);
    body.writeBytes(data);
    out.add(seed(name, "POST " + path,
        Map.of("content-type", "application/octet-stream", "inference-header-content-length", String.valueOf(j.length)),
        body.toByteArray(), status));
  }

  static Seed seed(String name, String requestLine, Map<String, String> headers, byte[] body, int status) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder(requestLine).append('\n');
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append('\n'));
    head.append('\n');
    b.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    b.writeBytes(body);
    return new Seed(name, b.toByteArray(), status);
  }

  private static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }
}
