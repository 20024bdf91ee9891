package io.tflited.daemon.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tflited.daemon.Main;
import io.tflited.daemon.cli.Json;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.config.ModelPaths;
import io.tflited.daemon.metrics.Metrics;
import io.tflited.daemon.metrics.ThreadAllocation;
import io.tflited.daemon.registry.ModelEntry;
import io.tflited.daemon.registry.ModelRegistry;
import io.tflited.daemon.registry.QueueFullException;
import io.tflited.runtime.DataType;
import io.tflited.runtime.Interpreter;
import io.tflited.runtime.InvocationException;
import io.tflited.runtime.TensorInfo;
import io.tflited.runtime.model.Signature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API: KServe V2 / Open Inference Protocol (with the binary tensor extension), TF
 * Serving predict/classify/metadata, model control and Prometheus metrics.
 */
public final class Api {
  public static final String HEADER_LENGTH = "inference-header-content-length";

  private static final Pattern V2_MODEL =
      Pattern.compile("^/v2/models/([^/]+)(?:/versions/([^/]+))?(/ready|/infer)?/?$");
  private static final Pattern V2_REPO = Pattern.compile("^/v2/repository/models/([^/]+)/(load|unload)$");
  private static final Pattern V1_MODEL =
      Pattern.compile("^/v1/models/([^/:]+)(?:/versions/([^/:]+))?(/metadata|:predict|:classify)?/?$");

  private static final java.util.concurrent.Executor CONTROL =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "model-control");
        t.setDaemon(true);
        return t;
      });

  /**
   * Limits of request JSON (Jackson's StreamReadConstraints): tensors nest a few levels, so a
   * depth of 64 is ample and keeps recursion bounded; numbers longer than 100 characters are
   * refused before BigDecimal parsing (quadratic in length) sees them. Strings (b64 tensors)
   * are bounded by max_body_bytes.
   */
  static final int MAX_JSON_DEPTH = 64;

  static final int MAX_JSON_NUMBER_CHARS = 100;

  private final DaemonConfig config;
  private final com.fasterxml.jackson.databind.ObjectMapper requestJson;
  private final ModelRegistry registry;
  private final Metrics metrics;
  private volatile boolean ready;

  /** The result of dispatching: the (future) answer and the model it concerned. */
  public record Outcome(String model, CompletableFuture<Response> response) {}

  public Api(DaemonConfig config, ModelRegistry registry, Metrics metrics) {
    this.config = config;
    this.requestJson = new com.fasterxml.jackson.databind.ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
        .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
            .maxNestingDepth(MAX_JSON_DEPTH)
            .maxNumberLength(MAX_JSON_NUMBER_CHARS)
            .maxStringLength((int) Math.min(Integer.MAX_VALUE, Math.max(config.maxBodyBytes, 1)))
            .build())
        .build());
    this.registry = registry;
    this.metrics = metrics;
  }

  public void setReady(boolean r) {
    this.ready = r;
  }

  public Metrics metrics() {
    return metrics;
  }

  /**
   * Dispatches a request: decodes it on the calling thread and returns the answer to come.
   * Heap claimed for decoding ({@link DecodeMemory}) is released when this returns.
   */
  public Outcome handle(Request req) {
    try {
      return route(req);
    } finally {
      DecodeMemory.releaseAll();
    }
  }

  private Outcome route(Request req) {
    String model = "";
    try {
      Matcher m;
      String p = req.path();
      if ((m = V2_MODEL.matcher(p)).matches()) {
        checkName(m.group(1));
        model = known(m.group(1));
        return new Outcome(model, v2Model(req, m.group(1), m.group(2), m.group(3)));
      }
      if ((m = V1_MODEL.matcher(p)).matches()) {
        checkName(m.group(1));
        model = known(m.group(1));
        return new Outcome(model, v1Model(req, m.group(1), m.group(2), m.group(3)));
      }
      if ((m = V2_REPO.matcher(p)).matches()) {
        requireMethod(req, "POST");
        String name = m.group(1);
        String action = m.group(2);
        checkName(name);
        // Loading compiles and warms up a model: keep it off the network threads.
        return new Outcome(known(name), CompletableFuture.supplyAsync(() -> {
          try {
            return repository(name, action);
          } catch (ApiException e) {
            return Response.error(e);
          }
        }, CONTROL));
      }
      return new Outcome("", done(simple(req)));
    } catch (ApiException e) {
      return new Outcome(model, done(Response.error(e)));
    } catch (RuntimeException e) {
      return new Outcome(model, done(Response.error(500, "internal error: " + e, Map.of())));
    }
  }

  /** Every model name taken from a URL passes here: 400 unless {@link ModelPaths} accepts it. */
  private static void checkName(String name) throws ApiException {
    String problem = ModelPaths.nameProblem(name);
    if (problem != null) {
      throw ApiException.badRequest(problem);
    }
  }

  /** The model label for metrics: only names of listed models (bounded cardinality). */
  private String known(String name) {
    return registry.get(name) != null ? name : "";
  }

  private static CompletableFuture<Response> done(Response r) {
    return CompletableFuture.completedFuture(r);
  }

  private Response simple(Request req) throws ApiException {
    switch (req.path()) {
      case "/v2/health/live" -> {
        requireMethod(req, "GET");
        return Response.json(Json.MAPPER.createObjectNode().put("live", true));
      }
      case "/v2/health/ready" -> {
        requireMethod(req, "GET");
        return Response.json(ready ? 200 : 503, Json.MAPPER.createObjectNode().put("ready", ready));
      }
      case "/v2", "/v2/" -> {
        requireMethod(req, "GET");
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", "tflited");
        o.put("version", Main.VERSION);
        o.putArray("extensions").add("binary_tensor_data").add("model_repository");
        return Response.json(o);
      }
      case "/v2/repository/index" -> {
        requireMethod(req, "POST");
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (ModelEntry e : registry.all()) {
          ObjectNode o = a.addObject();
          o.put("name", e.name());
          o.put("version", String.valueOf(e.version()));
          o.put("state", e.isReady() ? "READY" : "UNAVAILABLE");
          o.put("reason", e.failure() == null ? "" : e.failure());
        }
        return Response.json(a);
      }
      case "/metrics" -> {
        requireMethod(req, "GET");
        return Response.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
      }
      case "/", "/v1/models", "/v2/models" -> {
        requireMethod(req, "GET");
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode a = o.putArray("models");
        for (ModelEntry e : registry.all()) {
          a.addObject().put("name", e.name()).put("version", String.valueOf(e.version()))
              .put("ready", e.isReady());
        }
        return Response.json(o);
      }
      default -> throw new ApiException(404, "no such endpoint: " + req.method() + " " + req.path());
    }
  }

  private Response repository(String name, String action) throws ApiException {
    if (action.equals("load")) {
      if (config.models != null) {
        try {
          ModelPaths.resolve(config.models, name);
        } catch (ModelPaths.EscapeException ex) {
          throw ApiException.badRequest("refusing to load '" + name + "': " + ex.getMessage());
        } catch (IOException ex) {
          throw new ApiException(500, "cannot read the model directory: " + ex.getMessage());
        }
      }
      ModelEntry e = registry.load(name);
      if (e == null) {
        throw new ApiException(404, "no model file for '" + name + "' in the model directory");
      }
      if (!e.isReady()) {
        ModelEntry serving = registry.get(name);
        throw new ApiException(400, "model '" + name + "' failed to load: " + e.failure()
            + (serving != null && serving.isReady() ? " (version " + serving.version() + " stays in service)" : ""));
      }
      return Response.json(Json.MAPPER.createObjectNode().put("name", name).put("version", String.valueOf(e.version()))
          .put("state", "READY"));
    }
    if (!registry.unload(name)) {
      throw new ApiException(404, "unknown model '" + name + "'");
    }
    return Response.json(Json.MAPPER.createObjectNode().put("name", name).put("state", "UNLOADED"));
  }

  private static void requireMethod(Request req, String method) throws ApiException {
    if (!req.method().equals(method)) {
      throw new ApiException(405, "method " + req.method() + " not allowed on " + req.path() + " (use " + method + ")",
          Map.of("Allow", method));
    }
  }

  /** The model's entry; 404 when unknown, 503 when it failed to load. */
  private ModelEntry entry(String name, String version, boolean requireReady) throws ApiException {
    ModelEntry e = registry.get(name);
    if (e == null) {
      throw new ApiException(404, "unknown model '" + name + "'");
    }
    if (version != null && !version.equals(String.valueOf(e.version()))) {
      throw new ApiException(404, "model '" + name + "' has no version " + version + " (current: " + e.version() + ")");
    }
    if (requireReady && !e.isReady()) {
      throw new ApiException(503, "model '" + name + "' is not available: "
          + (e.failure() != null ? e.failure() : "being replaced"));
    }
    return e;
  }

  // ---- KServe V2 ----------------------------------------------------------------------

  private CompletableFuture<Response> v2Model(Request req, String name, String version, String action)
      throws ApiException {
    if (action == null) {
      requireMethod(req, "GET");
      ModelEntry e = entry(name, version, true);
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("name", e.name());
      o.putArray("versions").add(String.valueOf(e.version()));
      o.put("platform", "tensorflow_lite");
      ArrayNode inputs = v2Tensors(e.model().inputs());
      for (int i = 0; i < inputs.size(); i++) {
        ArrayNode shape = ((ObjectNode) inputs.get(i)).putArray("shape");
        for (int d : e.declaredShape(i)) {
          shape.add(d);
        }
      }
      o.set("inputs", inputs);
      o.set("outputs", v2Tensors(e.model().outputs()));
      return done(Response.json(o));
    }
    if (action.equals("/ready")) {
      requireMethod(req, "GET");
      ModelEntry e = entry(name, version, false);
      ObjectNode o = Json.MAPPER.createObjectNode().put("name", name).put("ready", e.isReady());
      if (e.failure() != null) {
        o.put("reason", e.failure());
      }
      return done(Response.json(e.isReady() ? 200 : 400, o));
    }
    requireMethod(req, "POST");
    return v2Infer(req, entry(name, version, true));
  }

  /**
   * Adds the elements of a client-chosen shape to the request's running total; 413 when the
   * total exceeds max_tensor_elements. Called before anything is allocated for the tensor.
   */
  private long countElements(int[] shape, long sofar, String what) throws ApiException {
    long n;
    try {
      n = 1;
      for (int d : shape) {
        n = Math.multiplyExact(n, d);
      }
      n = Math.addExact(sofar, n);
    } catch (ArithmeticException ex) {
      n = Long.MAX_VALUE;
    }
    if (n > config.maxTensorElements) {
      throw new ApiException(413, what + " (shape " + Arrays.toString(shape) + ") brings the request to "
          + (n == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(n)) + " tensor elements; the limit is "
          + config.maxTensorElements + " (max_tensor_elements)");
    }
    return n;
  }

  private static ArrayNode v2Tensors(List<TensorInfo> list) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (TensorInfo t : list) {
      ObjectNode o = a.addObject();
      o.put("name", t.name());
      o.put("datatype", Tensors.v2Name(t.dataType()));
      ArrayNode s = o.putArray("shape");
      for (int d : t.shape()) {
        s.add(d);
      }
      if (t.quantization().isQuantized() && !t.quantization().isPerChannel()) {
        o.putObject("parameters").put("scale", t.quantization().scale())
            .put("zero_point", t.quantization().zeroPoint());
      }
    }
    return a;
  }

  private CompletableFuture<Response> v2Infer(Request req, ModelEntry e) throws ApiException {
    String mt = req.mediaType();
    byte[] body = req.body();
    int jsonLen = body.length;
    String hl = req.header(HEADER_LENGTH);
    if (hl != null) {
      try {
        jsonLen = Integer.parseInt(hl.trim());
      } catch (NumberFormatException ex) {
        throw ApiException.badRequest("invalid Inference-Header-Content-Length '" + hl + "'");
      }
      if (jsonLen < 0 || jsonLen > body.length) {
        throw ApiException.badRequest("Inference-Header-Content-Length " + jsonLen + " exceeds the body ("
            + body.length + " bytes)");
      }
    } else if (!isJson(mt)) {
      throw new ApiException(415, "unsupported media type '" + mt + "' (use application/json, or "
          + "application/octet-stream with Inference-Header-Content-Length)");
    }
    if (hl != null && !isJson(mt) && !mt.equals("application/octet-stream") && !mt.startsWith("application/vnd.")) {
      throw new ApiException(415, "unsupported media type '" + mt + "'");
    }
    JsonNode root = parse(body, 0, jsonLen);
    if (!root.isObject()) {
      throw ApiException.badRequest("the request must be a JSON object");
    }
    JsonNode inputs = root.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw ApiException.badRequest("'inputs' must be a non-empty array");
    }
    List<TensorInfo> ins = e.model().inputs();
    List<TensorInfo> outs = e.model().outputs();
    byte[][] data = new byte[ins.size()][];
    int[][] shapes = new int[ins.size()][];
    int cursor = jsonLen;
    long elements = 0;
    for (JsonNode in : inputs) {
      String iname = text(in, "name", "input");
      int pos = position(e, ins, iname, true, inputs.size());
      if (pos < 0) {
        throw ApiException.badRequest("model '" + e.name() + "' has no input '" + iname + "' (inputs: "
            + names(ins) + ")");
      }
      if (data[pos] != null) {
        throw ApiException.badRequest("input '" + iname + "' given twice");
      }
      TensorInfo t = ins.get(pos);
      String what = "input '" + iname + "'";
      String dtName = text(in, "datatype", what);
      DataType dt = Tensors.fromV2(dtName);
      if (dt == null) {
        throw ApiException.badRequest(what + ": unsupported datatype '" + dtName
            + "' (FP32, FP16, INT8, UINT8, INT16, INT32, INT64, BOOL)");
      }
      int[] shape = shape(in.get("shape"), what);
      if (!e.acceptsShape(pos, shape)) {
        throw ApiException.badRequest(what + " has shape " + Arrays.toString(shape) + " but the model expects "
            + Arrays.toString(t.shape()));
      }
      int[] declared = e.declaredShape(pos);
      if (shape.length > 0 && declared.length > 0 && declared[0] == -1 && shape[0] > config.maxBatch) {
        throw ApiException.badRequest(what + " has a batch of " + shape[0] + "; the limit is " + config.maxBatch
            + " (max_batch)");
      }
      elements = countElements(shape, elements, what);
      if (!Arrays.equals(shape, t.shape())) {
        t = new TensorInfo(t.index(), t.name(), t.dataType(), shape, t.quantization());
      }
      shapes[pos] = shape;
      JsonNode params = in.get("parameters");
      JsonNode bsize = params == null ? null : params.get("binary_data_size");
      if (bsize != null) {
        if (!bsize.canConvertToLong() || bsize.asLong() < 0 || cursor + bsize.asLong() > body.length) {
          throw ApiException.badRequest(what + ": binary_data_size " + bsize + " exceeds the binary data ("
              + (body.length - cursor) + " bytes left)");
        }
        byte[] raw = Arrays.copyOfRange(body, cursor, cursor + bsize.asInt());
        cursor += bsize.asInt();
        data[pos] = Tensors.fromRaw(raw, dt, t, what);
      } else {
        JsonNode d = in.get("data");
        if (d == null) {
          throw ApiException.badRequest(what + " has no 'data' (nor parameters.binary_data_size)");
        }
        List<JsonNode> values = new ArrayList<>();
        Tensors.flatten(d, values, what);
        if (values.size() != t.elementCount()) {
          throw ApiException.badRequest(what + " has " + values.size() + " values, shape "
              + Arrays.toString(shape) + " needs " + t.elementCount());
        }
        data[pos] = Tensors.encode(values, dt, t, what);
      }
    }
    if (cursor != body.length) {
      throw ApiException.badRequest((body.length - cursor) + " bytes of binary data are not claimed by any input");
    }
    for (int i = 0; i < data.length; i++) {
      if (data[i] == null) {
        throw ApiException.badRequest("missing input '" + ins.get(i).name() + "'");
      }
    }
    JsonNode rp = root.get("parameters");
    boolean binaryDefault = rp != null && rp.path("binary_data_output").asBoolean(false);
    List<Integer> sel = new ArrayList<>();
    List<Boolean> binary = new ArrayList<>();
    JsonNode wanted = root.get("outputs");
    if (wanted != null && wanted.isArray() && !wanted.isEmpty()) {
      for (JsonNode w : wanted) {
        String oname = text(w, "name", "output");
        int pos = position(e, outs, oname, false, -1);
        if (pos < 0) {
          throw ApiException.badRequest("model '" + e.name() + "' has no output '" + oname + "' (outputs: "
              + names(outs) + ")");
        }
        sel.add(pos);
        JsonNode bp = w.path("parameters").path("binary_data");
        binary.add(bp.isBoolean() ? bp.asBoolean() : binaryDefault);
      }
    } else {
      for (int i = 0; i < outs.size(); i++) {
        sel.add(i);
        binary.add(binaryDefault);
      }
    }
    String id = root.hasNonNull("id") ? root.get("id").asText() : null;
    record Result(byte[][] bytes, TensorInfo[] infos) {}
    return submit(e, it -> {
      ensureShapes(it, shapes);
      for (int i = 0; i < data.length; i++) {
        it.copyInput(i, data[i]);
      }
      timedRun(e, it);
      byte[][] res = new byte[sel.size()][];
      TensorInfo[] infos = new TensorInfo[sel.size()];
      for (int k = 0; k < sel.size(); k++) {
        res[k] = it.outputBytes(sel.get(k));
        infos[k] = it.output(sel.get(k));
      }
      return new Result(res, infos);
    }, false).thenApply(result -> {
      byte[][] res = result.bytes();
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("model_name", e.name());
      o.put("model_version", String.valueOf(e.version()));
      if (id != null) {
        o.put("id", id);
      }
      ArrayNode oa = o.putArray("outputs");
      ByteArrayOutputStream bin = new ByteArrayOutputStream();
      for (int k = 0; k < sel.size(); k++) {
        TensorInfo t = result.infos()[k];
        ObjectNode to = oa.addObject();
        to.put("name", t.name());
        to.put("datatype", Tensors.v2Name(t.dataType()));
        ArrayNode s = to.putArray("shape");
        for (int d : t.shape()) {
          s.add(d);
        }
        ObjectNode params = null;
        if (t.quantization().isQuantized() && !t.quantization().isPerChannel()) {
          params = to.putObject("parameters");
          params.put("scale", t.quantization().scale()).put("zero_point", t.quantization().zeroPoint());
        }
        if (binary.get(k)) {
          if (params == null) {
            params = to.putObject("parameters");
          }
          params.put("binary_data_size", res[k].length);
          bin.writeBytes(res[k]);
        } else {
          to.set("data", Tensors.toJson(res[k], t.dataType()));
        }
      }
      if (bin.size() == 0) {
        return Response.json(o);
      }
      try {
        byte[] head = Json.MAPPER.writeValueAsBytes(o);
        ByteArrayOutputStream all = new ByteArrayOutputStream(head.length + bin.size());
        all.writeBytes(head);
        all.writeBytes(bin.toByteArray());
        Response r = new Response(200, "application/octet-stream", all.toByteArray(), new java.util.LinkedHashMap<>());
        r.headers().put("Inference-Header-Content-Length", String.valueOf(head.length));
        return r;
      } catch (JsonProcessingException ex) {
        throw new CompletionException(ex);
      }
    });
  }

  /**
   * JSON bodies: application/json, no Content-Type, or curl's default for -d
   * (application/x-www-form-urlencoded), which is taken as JSON like TF Serving does.
   */
  static boolean isJson(String mediaType) {
    return mediaType.isEmpty() || mediaType.equals("application/json")
        || mediaType.equals("application/x-www-form-urlencoded");
  }

  /** One inference, its duration and allocated bytes recorded in the model's metrics. */
  private void timedRun(ModelEntry e, Interpreter it) throws InvocationException {
    long a0 = ThreadAllocation.current();
    long t0 = System.nanoTime();
    it.run();
    long nanos = System.nanoTime() - t0;
    metrics.recordInference(e.name(), nanos, ThreadAllocation.current() - a0);
  }

  /** Resizes the worker's interpreter when its input shapes differ from those wanted. */
  static void ensureShapes(Interpreter it, int[][] shapes) throws io.tflited.runtime.ModelException {
    boolean resized = false;
    for (int i = 0; i < shapes.length; i++) {
      if (!Arrays.equals(it.input(i).shape(), shapes[i])) {
        it.resizeInput(i, shapes[i]);
        resized = true;
      }
    }
    if (resized) {
      it.allocateTensors();
    }
  }

  /** The declared input shapes (what the TF Serving and classify paths feed). */
  static int[][] declaredShapes(ModelEntry e) {
    List<TensorInfo> ins = e.model().inputs();
    int[][] s = new int[ins.size()][];
    for (int i = 0; i < s.length; i++) {
      s[i] = ins.get(i).shape();
    }
    return s;
  }

  /** Position of a tensor by name or signature alias (a lone input matches any name). */
  private static int position(ModelEntry e, List<TensorInfo> list, String name, boolean input, int given) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).name().equals(name)) {
        return i;
      }
    }
    for (Signature s : e.model().signatures()) {
      Integer t = (input ? s.inputs() : s.outputs()).get(name);
      if (t != null) {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i).index() == t) {
            return i;
          }
        }
      }
    }
    if (input && list.size() == 1 && given == 1) {
      return 0;
    }
    return -1;
  }

  private static String names(List<TensorInfo> l) {
    List<String> n = new ArrayList<>();
    for (TensorInfo t : l) {
      n.add(t.name());
    }
    return String.join(", ", n);
  }

  private static String text(JsonNode n, String field, String what) throws ApiException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw ApiException.badRequest(what + ": '" + field + "' must be a string");
    }
    return v.asText();
  }

  private static int[] shape(JsonNode n, String what) throws ApiException {
    if (n == null || !n.isArray()) {
      throw ApiException.badRequest(what + ": 'shape' must be an array of integers");
    }
    int[] s = new int[n.size()];
    for (int i = 0; i < s.length; i++) {
      if (!n.get(i).canConvertToInt() || !n.get(i).isIntegralNumber() || n.get(i).asInt() < 0) {
        throw ApiException.badRequest(what + ": 'shape' must be an array of non-negative integers");
      }
      s[i] = n.get(i).asInt();
    }
    return s;
  }

  private JsonNode parse(byte[] b, int off, int len) throws ApiException {
    if (len == 0) {
      throw ApiException.badRequest("empty request body (expected JSON)");
    }
    checkHeadroom(len);
    try {
      JsonNode n = requestJson.readTree(b, off, len);
      if (n == null || n.isMissingNode()) {
        throw ApiException.badRequest("empty request body (expected JSON)");
      }
      return n;
    } catch (IOException ex) {
      String m = ex.getMessage() == null ? ex.toString() : ex.getMessage().split("\n")[0];
      throw ApiException.badRequest("malformed JSON: " + m);
    }
  }

  /**
   * A JSON tree costs up to ~16 bytes of heap per byte of text (numbers of two characters
   * become nodes of ~28 bytes). Large JSON bodies that could exhaust the heap are refused
   * with 413 instead of risking an OutOfMemoryError (binary tensors have no such overhead), or
   * 503 while other large requests hold the heap ({@link DecodeMemory}).
   */
  private static void checkHeadroom(int len) throws ApiException {
    if (len < (1 << 20)) {
      return;
    }
    DecodeMemory.claim(16L * len, "a JSON body of " + len + " bytes needs up to " + ((16L * len) >> 20)
        + " MiB of heap to decode and %d MiB are free: send tensors with the binary"
        + " extension (Inference-Header-Content-Length) or give the JVM a larger heap (-Xmx)");
  }

  /** Queues work on the model; maps queue-full, timeout and inference failures to errors. */
  private <T> CompletableFuture<T> submit(ModelEntry e, ModelEntry.Task<T> task, boolean v1) throws ApiException {
    CompletableFuture<T> f;
    try {
      f = e.submit(task);
    } catch (QueueFullException ex) {
      ModelEntry now = registry.get(e.name());
      if (now != null && now != e && now.isReady()) {
        try {
          f = now.submit(task);
        } catch (QueueFullException ex2) {
          throw full(ex2, v1);
        }
      } else {
        throw full(ex, v1);
      }
    }
    return f.orTimeout(config.requestTimeoutMs, TimeUnit.MILLISECONDS);
  }

  private static ApiException full(QueueFullException ex, boolean v1) {
    return new ApiException(v1 ? 429 : 503, ex.getMessage(), Map.of("Retry-After", "1"));
  }

  /** Maps a failed future's cause to the error answer. */
  public Response failure(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ApiException a) {
      return Response.error(a);
    }
    if (t instanceof TimeoutException) {
      return Response.error(504, "inference timed out after " + config.requestTimeoutMs + " ms", Map.of());
    }
    if (t instanceof InvocationException) {
      return Response.error(400, "inference failed: " + t.getMessage(), Map.of());
    }
    if (t instanceof io.tflited.runtime.ModelException) {
      return Response.error(400, "the model cannot run with these input shapes: " + t.getMessage(), Map.of());
    }
    return Response.error(500, "inference failed: " + t, Map.of());
  }

  // ---- TF Serving REST ------------------------------------------------------------------

  private CompletableFuture<Response> v1Model(Request req, String name, String version, String action)
      throws ApiException {
    if (action == null || action.equals("/metadata")) {
      requireMethod(req, "GET");
      ModelEntry e = registry.get(name);
      if (e == null) {
        throw new ApiException(404, "unknown model '" + name + "'");
      }
      if (action == null) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ObjectNode st = o.putArray("model_version_status").addObject();
        st.put("version", String.valueOf(e.version()));
        st.put("state", e.isReady() ? "AVAILABLE" : "END");
        st.putObject("status").put("error_code", e.isReady() ? "OK" : "UNKNOWN")
            .put("error_message", e.failure() == null ? "" : e.failure());
        return done(Response.json(o));
      }
      e = entry(name, version, true);
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.putObject("model_spec").put("name", e.name()).put("signature_name", "").put("version", String.valueOf(e.version()));
      ObjectNode defs = o.putObject("metadata").putObject("signature_def").putObject("signature_def");
      List<Signature> sigs = e.model().signatures();
      if (sigs.isEmpty()) {
        ObjectNode d = defs.putObject("serving_default");
        Map<String, TensorInfo> in = new java.util.LinkedHashMap<>();
        for (TensorInfo t : e.model().inputs()) {
          in.put(t.name(), t);
        }
        Map<String, TensorInfo> out = new java.util.LinkedHashMap<>();
        for (TensorInfo t : e.model().outputs()) {
          out.put(t.name(), t);
        }
        sigDef(d, in, out);
      } else {
        for (Signature s : sigs) {
          sigDef(defs.putObject(s.key()), byAlias(e.model().inputs(), s.inputs()), byAlias(e.model().outputs(), s.outputs()));
        }
      }
      return done(Response.json(o));
    }
    requireMethod(req, "POST");
    ModelEntry e = entry(name, version, true);
    if (action.equals(":predict")) {
      return predict(req, e);
    }
    return classify(req, e);
  }

  private static Map<String, TensorInfo> byAlias(List<TensorInfo> list, Map<String, Integer> aliases) {
    Map<String, TensorInfo> m = new java.util.LinkedHashMap<>();
    aliases.forEach((alias, idx) -> {
      for (TensorInfo t : list) {
        if (t.index() == idx) {
          m.put(alias, t);
        }
      }
    });
    return m;
  }

  private static void sigDef(ObjectNode d, Map<String, TensorInfo> in, Map<String, TensorInfo> out) {
    ObjectNode i = d.putObject("inputs");
    in.forEach((k, t) -> tfTensor(i.putObject(k), t));
    ObjectNode o = d.putObject("outputs");
    out.forEach((k, t) -> tfTensor(o.putObject(k), t));
    d.put("method_name", "tensorflow/serving/predict");
  }

  private static void tfTensor(ObjectNode o, TensorInfo t) {
    o.put("dtype", Tensors.tfName(t.dataType()));
    ArrayNode dims = o.putObject("tensor_shape").putArray("dim");
    for (int d : t.shape()) {
      dims.addObject().put("size", String.valueOf(d)).put("name", "");
    }
    o.putObject("tensor_shape").put("unknown_rank", false);
    ((ObjectNode) o.get("tensor_shape")).set("dim", dims);
    o.put("name", t.name());
  }

  private CompletableFuture<Response> predict(Request req, ModelEntry e) throws ApiException {
    String mt = req.mediaType();
    if (!isJson(mt)) {
      throw new ApiException(415, "unsupported media type '" + mt + "' (use application/json)");
    }
    JsonNode root = parse(req.body(), 0, req.body().length);
    if (!root.isObject()) {
      throw ApiException.badRequest("the request must be a JSON object");
    }
    List<TensorInfo> ins = e.model().inputs();
    List<TensorInfo> outs = e.model().outputs();
    Signature sig = null;
    String sname = root.path("signature_name").asText("");
    if (!sname.isEmpty()) {
      for (Signature s : e.model().signatures()) {
        if (s.key().equals(sname)) {
          sig = s;
        }
      }
      if (sig == null && !sname.equals("serving_default")) {
        throw ApiException.badRequest("model '" + e.name() + "' has no signature '" + sname + "'");
      }
    }
    if (sig == null && !e.model().signatures().isEmpty()) {
      sig = e.model().signatures().get(0);
    }
    String[] inNames = names(ins, sig == null ? null : sig.inputs());
    String[] outNames = names(outs, sig == null ? null : sig.outputs());
    boolean rows = root.has("instances");
    if (!rows && !root.has("inputs")) {
      throw ApiException.badRequest("the request needs 'instances' (row format) or 'inputs' (columnar format)");
    }
    List<byte[][]> runs = new ArrayList<>();
    int batch;
    boolean batched = false;
    boolean isDynamic = false;
    int[][] runShapes = new int[ins.size()][];
    if (rows) {
      JsonNode inst = root.get("instances");
      if (!inst.isArray() || inst.isEmpty()) {
        throw ApiException.badRequest("'instances' must be a non-empty array");
      }
      batch = inst.size();
      boolean allBatch = true;
      boolean allOne = true;
      for (TensorInfo t : ins) {
        int b0 = t.rank() > 0 ? t.shape()[0] : -1;
        allBatch &= b0 == batch;
        allOne &= b0 == 1;
      }
      // A model whose shape signature lets the batch vary runs all instances at once.
      boolean dynamic = !allBatch && batch > 1;
      for (int i = 0; dynamic && i < ins.size(); i++) {
        int[] want = ins.get(i).shape();
        if (want.length == 0) {
          dynamic = false;
        } else {
          want[0] = batch;
          dynamic = e.acceptsShape(i, want);
          runShapes[i] = want;
        }
      }
      isDynamic = dynamic;
      batched = dynamic || allBatch && batch > 1 || allBatch && !allOne;
      if (batch > config.maxBatch && !allBatch) {
        throw ApiException.badRequest(batch + " instances exceed the limit of " + config.maxBatch + " (max_batch)");
      }
      long elements = 0;
      for (TensorInfo t : ins) {
        long per = batched && t.rank() > 0 ? t.elementCount() / Math.max(1, t.shape()[0]) : t.elementCount();
        int[] total = {(int) Math.min(Integer.MAX_VALUE, per), batch};
        elements = countElements(total, elements, batch + " instances of input '" + t.name() + "'");
      }
      if (!allBatch && !allOne && !dynamic) {
        throw ApiException.badRequest(batch + " instances do not fit the model's batch dimension (inputs "
            + names(ins) + ")");
      }
      List<JsonNode[]> perInstance = new ArrayList<>();
      for (int r = 0; r < batch; r++) {
        JsonNode x = inst.get(r);
        JsonNode[] vals = new JsonNode[ins.size()];
        if (ins.size() == 1 && !(x.isObject() && !x.has("b64") && x.has(inNames[0]))) {
          vals[0] = x;
        } else {
          if (!x.isObject()) {
            throw ApiException.badRequest("instance " + r + " must be an object naming the inputs " + Arrays.toString(inNames));
          }
          for (int i = 0; i < ins.size(); i++) {
            vals[i] = x.get(inNames[i]);
            if (vals[i] == null) {
              throw ApiException.badRequest("instance " + r + " has no input '" + inNames[i] + "'");
            }
          }
          checkNoExtra(x, inNames, "instance " + r);
        }
        perInstance.add(vals);
      }
      if (batched) {
        byte[][] data = new byte[ins.size()][];
        for (int i = 0; i < ins.size(); i++) {
          TensorInfo t = ins.get(i);
          long per = t.elementCount() / Math.max(1, t.shape()[0]);
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          for (int r = 0; r < batch; r++) {
            all.writeBytes(value(perInstance.get(r)[i], t, per, "instance " + r + " input '" + inNames[i] + "'"));
          }
          data[i] = all.toByteArray();
        }
        runs.add(data);
      } else {
        for (int r = 0; r < batch; r++) {
          byte[][] data = new byte[ins.size()][];
          for (int i = 0; i < ins.size(); i++) {
            data[i] = value(perInstance.get(r)[i], ins.get(i), ins.get(i).elementCount(),
                "instance " + r + " input '" + inNames[i] + "'");
          }
          runs.add(data);
        }
      }
    } else {
      JsonNode x = root.get("inputs");
      byte[][] data = new byte[ins.size()][];
      if (ins.size() == 1 && !(x.isObject() && !x.has("b64") && x.has(inNames[0]))) {
        data[0] = value(x, ins.get(0), ins.get(0).elementCount(), "input '" + inNames[0] + "'");
      } else {
        if (!x.isObject()) {
          throw ApiException.badRequest("'inputs' must be an object naming the inputs " + Arrays.toString(inNames));
        }
        for (int i = 0; i < ins.size(); i++) {
          JsonNode v = x.get(inNames[i]);
          if (v == null) {
            throw ApiException.badRequest("'inputs' has no input '" + inNames[i] + "'");
          }
          data[i] = value(v, ins.get(i), ins.get(i).elementCount(), "input '" + inNames[i] + "'");
        }
        checkNoExtra(x, inNames, "'inputs'");
      }
      runs.add(data);
      batch = 1;
    }
    final boolean isBatched = batched;
    final int n = batch;
    int[][] shapes = isDynamic ? runShapes : declaredShapes(e);
    record RunOut(byte[][] bytes, TensorInfo[] infos) {}
    return submit(e, it -> {
      ensureShapes(it, shapes);
      List<RunOut> results = new ArrayList<>();
      for (byte[][] data : runs) {
        for (int i = 0; i < data.length; i++) {
          it.copyInput(i, data[i]);
        }
        timedRun(e, it);
        byte[][] o = new byte[outs.size()][];
        TensorInfo[] infos = new TensorInfo[outs.size()];
        for (int k = 0; k < o.length; k++) {
          o[k] = it.outputBytes(k);
          infos[k] = it.output(k);
        }
        results.add(new RunOut(o, infos));
      }
      return results;
    }, true).thenApply(results -> {
      ObjectNode o = Json.MAPPER.createObjectNode();
      if (!rows) {
        byte[][] r = results.get(0).bytes();
        TensorInfo[] infos = results.get(0).infos();
        if (outs.size() == 1) {
          o.set("outputs", Tensors.toNested(r[0], infos[0].dataType(), infos[0].shape(), 0, 0));
        } else {
          ObjectNode m = o.putObject("outputs");
          for (int k = 0; k < outs.size(); k++) {
            m.set(outNames[k], Tensors.toNested(r[k], infos[k].dataType(), infos[k].shape(), 0, 0));
          }
        }
        return Response.json(o);
      }
      ArrayNode preds = o.putArray("predictions");
      for (int r = 0; r < n; r++) {
        RunOut run = isBatched ? results.get(0) : results.get(r);
        byte[][] res = run.bytes();
        ObjectNode multi = outs.size() > 1 ? preds.addObject() : null;
        for (int k = 0; k < outs.size(); k++) {
          TensorInfo t = run.infos()[k];
          int[] s = t.shape();
          JsonNode v;
          if (s.length > 0 && (isBatched ? s[0] == n : s[0] == 1)) {
            int per = (int) (t.elementCount() / s[0]);
            v = Tensors.toNested(res[k], t.dataType(), s, 1, isBatched ? r * per : 0);
          } else {
            v = Tensors.toNested(res[k], t.dataType(), s, 0, 0);
          }
          if (multi != null) {
            multi.set(outNames[k], v);
          } else {
            preds.add(v);
          }
        }
      }
      return Response.json(o);
    });
  }

  private static void checkNoExtra(JsonNode x, String[] names, String what) throws ApiException {
    for (Iterator<String> it = x.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Arrays.asList(names).contains(f)) {
        throw ApiException.badRequest(what + " names an unknown input '" + f + "' (inputs: " + Arrays.toString(names) + ")");
      }
    }
  }

  private static String[] names(List<TensorInfo> list, Map<String, Integer> aliases) {
    String[] n = new String[list.size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = list.get(i).name();
      if (aliases != null) {
        for (Map.Entry<String, Integer> a : aliases.entrySet()) {
          if (a.getValue() == list.get(i).index()) {
            n[i] = a.getKey();
          }
        }
      }
    }
    return n;
  }

  /** One input value of a TF Serving request: nested numbers or {"b64": raw bytes}. */
  private static byte[] value(JsonNode v, TensorInfo t, long elements, String what) throws ApiException {
    long bytes = elements * t.dataType().byteSize();
    if (v.isObject() && v.has("b64")) {
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(v.get("b64").asText());
      } catch (IllegalArgumentException ex) {
        throw ApiException.badRequest(what + ": invalid base64");
      }
      if (raw.length != bytes) {
        throw ApiException.badRequest(what + ": b64 data has " + raw.length + " bytes, expected " + bytes
            + " (" + elements + " x " + t.dataType() + ")");
      }
      return raw;
    }
    List<JsonNode> vals = new ArrayList<>();
    Tensors.flatten(v, vals, what);
    if (vals.size() != elements) {
      throw ApiException.badRequest(what + " has " + vals.size() + " values, expected " + elements
          + " (model shape " + Arrays.toString(t.shape()) + ")");
    }
    TensorInfo one = new TensorInfo(t.index(), t.name(), t.dataType(), new int[] {(int) elements}, t.quantization());
    return Tensors.encode(vals, t.dataType(), one, what);
  }

  private CompletableFuture<Response> classify(Request req, ModelEntry e) throws ApiException {
    List<TensorInfo> ins = e.model().inputs();
    if (ins.size() != 1 || ins.get(0).rank() != 4 || ins.get(0).shape()[0] != 1
        || (ins.get(0).shape()[3] != 1 && ins.get(0).shape()[3] != 3)) {
      throw ApiException.badRequest("model '" + e.name() + "' does not take one image ([1,H,W,1|3] input)");
    }
    TensorInfo in = ins.get(0);
    String mt = req.mediaType();
    Images.Rgb img;
    switch (mt) {
      case "image/png", "image/jpeg", "image/jpg", "image/bmp", "image/gif" ->
          img = Images.decode(req.body(), config.maxImagePixels);
      case "application/octet-stream", "image/x-raw", "" -> {
        String w = req.queryParam("width");
        String h = req.queryParam("height");
        if (w == null || h == null) {
          throw ApiException.badRequest("raw image data needs the query parameters width and height");
        }
        try {
          img = Images.raw(req.body(), Integer.parseInt(w), Integer.parseInt(h), config.maxImagePixels);
        } catch (NumberFormatException ex) {
          throw ApiException.badRequest("width and height must be integers");
        }
      }
      default -> throw new ApiException(415, "unsupported media type '" + mt
          + "' (use image/png, image/jpeg, image/bmp, or application/octet-stream with width and height)");
    }
    int k = config.topK;
    String kq = req.queryParam("k");
    if (kq != null) {
      try {
        k = Integer.parseInt(kq);
      } catch (NumberFormatException ex) {
        throw ApiException.badRequest("k must be an integer");
      }
      if (k < 1) {
        throw ApiException.badRequest("k must be >= 1");
      }
    }
    byte[] data = Images.toTensor(Images.resize(img, in.shape()[2], in.shape()[1]), in,
        e.settings().imageMean(), e.settings().imageStd());
    final int topK = k;
    int[][] declared = declaredShapes(e);
    return submit(e, it -> {
      ensureShapes(it, declared);
      it.copyInput(0, data);
      timedRun(e, it);
      return it.outputDequantized(0);
    }, true).thenApply(scores -> {
      Integer[] idx = new Integer[scores.length];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, (a, b) -> Float.compare(scores[b], scores[a]));
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("model", e.name());
      o.put("version", String.valueOf(e.version()));
      ArrayNode top = o.putArray("top_k");
      ArrayNode classes = Json.MAPPER.createArrayNode();
      for (int i = 0; i < Math.min(topK, idx.length); i++) {
        int c = idx[i];
        String label = c < e.labels().size() ? e.labels().get(c) : String.valueOf(c);
        top.addObject().put("index", c).put("label", label).put("score", scores[c]);
        classes.addObject().put("label", label).put("score", scores[c]);
      }
      o.putObject("result").putArray("classifications").addObject().set("classes", classes);
      return Response.json(o);
    });
  }

}
