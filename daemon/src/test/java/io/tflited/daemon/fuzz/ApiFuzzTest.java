package io.tflited.daemon.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.tflited.daemon.config.DaemonConfig;
import io.tflited.daemon.http.Api;
import io.tflited.daemon.http.Request;
import io.tflited.daemon.http.Response;
import io.tflited.daemon.metrics.Metrics;
import io.tflited.daemon.registry.DemoModel;
import io.tflited.daemon.registry.ModelRegistry;
import io.tflited.runtime.fuzz.FuzzCorpus;
import io.tflited.runtime.testing.SharedModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of the REST API in process: fuzz bytes become a {@link Request}
 * (parsed like a tiny HTTP/1.1 message, see {@link #parse(byte[])}) handed to
 * {@link Api#handle(Request)} with a registry holding the built-in demo model and, when
 * ../shared/models is present, the MLCommons keyword-spotting model (int8 [1,49,10,1], a
 * one-channel image for classify) and the CIFAR-10 ResNet (an RGB image model). The answer
 * must be 2xx or 4xx: a 5xx (the API's own mapping of an unexpected exception), an exception
 * escaping handle, an Error or a timeout is a finding.
 *
 * <p>Seeds ({@link ApiSeeds}): every endpoint with real KServe V2 JSON and binary-extension
 * bodies, TF Serving rows/columns/b64 and classify bodies in PNG, JPEG, BMP, GIF and raw.
 * {@link #seedRequestsGetTheirStatus()} pins each seed's answer so the seeds stay meaningful.
 */
class ApiFuzzTest {
  /** The repository endpoints that would unload or reload the fuzzed models themselves. */
  private static final Pattern REPOSITORY =
      Pattern.compile("^/v2/repository/models/([^/]+)/(load|unload)$");

  private static Path modelDir;
  private static ModelRegistry registry;
  private static Api api;
  private static List<ApiSeeds.Seed> seeds;

  @BeforeAll
  static void startApi() throws IOException {
    modelDir = Files.createTempDirectory("tflited-api-fuzz");
    ByteBuffer demo = DemoModel.build();
    byte[] demoBytes = new byte[demo.remaining()];
    demo.get(demoBytes);
    Files.write(modelDir.resolve("demo.tflite"), demoBytes);
    Path shared = SharedModels.root();
    if (shared != null) {
      copy(shared.resolve("mlcommons-tiny/keyword_spotting/kws_ref_model.tflite"), "kws");
      copy(shared.resolve("mlcommons-tiny/image_classification/pretrainedResnet_quant.tflite"), "cifar");
    }
    DaemonConfig config = new DaemonConfig();
    config.models = modelDir;
    config.requestTimeoutMs = 10_000;
    registry = new ModelRegistry(config);
    registry.loadInitial();
    api = new Api(config, registry, new Metrics(() -> new Metrics.ModelGauges() {
      @Override
      public Map<String, int[]> queueAndInFlight() {
        return Map.of();
      }

      @Override
      public int loaded() {
        return registry.all().size();
      }

      @Override
      public int failed() {
        return 0;
      }
    }));
    api.setReady(true);
    seeds = ApiSeeds.all(registry.get("kws") != null, registry.get("cifar") != null);
    FuzzCorpus.seed(ApiFuzzTest.class, "handleRequest", seeds.stream().map(ApiSeeds.Seed::bytes).toList());
  }

  private static void copy(Path model, String name) throws IOException {
    if (Files.exists(model)) {
      Files.copy(model, modelDir.resolve(name + ".tflite"));
    }
  }

  @AfterAll
  static void stopApi() throws Exception {
    registry.drain(5_000);
    try (var s = Files.list(modelDir)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(modelDir);
  }

  @Test
  void seedRequestsGetTheirStatus() throws Exception {
    for (ApiSeeds.Seed s : seeds) {
      Response r = answer(parse(s.bytes()));
      assertEquals(s.status(), r.status(),
          s.name() + ": " + new String(r.body(), StandardCharsets.UTF_8));
    }
    System.out.printf("api fuzz seeds: %d requests answered as expected (models %s)%n",
        seeds.size(), registry.all().stream().map(e -> e.name()).sorted().toList());
  }

  @FuzzTest(maxDuration = "25s")
  @DictionaryEntries({
    "/v2/health/live", "/v2/health/ready", "/v2/models/", "/v2/models/demo", "/infer", "/ready",
    "/versions/1", "/v2/repository/index", "/v2/repository/models/", "/load", "/unload",
    "/v1/models/", ":predict", ":classify", "/metadata", "/metrics", "demo", "kws", "cifar",
    "POST ", "GET ", "PUT ", "content-type: ", "application/json", "image/png", "image/jpeg",
    "image/bmp", "image/gif", "application/octet-stream", "inference-header-content-length: ",
    "?width=", "&height=", "&k=", "\"inputs\"", "\"outputs\"", "\"instances\"", "\"name\"",
    "\"shape\"", "\"datatype\"", "\"data\"", "\"parameters\"", "\"binary_data_size\"",
    "\"binary_data\"", "\"binary_data_output\"", "\"b64\"", "\"signature_name\"", "\"FP32\"",
    "\"FP16\"", "\"INT8\"", "\"UINT8\"", "\"INT16\"", "\"INT32\"", "\"INT64\"", "\"BOOL\"",
    "\"BYTES\"", "\"input\"", "\"probabilities\"", "\"logits\"", "\"serving_default\"", "true",
    "null", "-1", "1e39", "NaN", "2147483648"
  })
  void handleRequest(byte[] data) throws Exception {
    Request req;
    try {
      req = parse(data);
    } catch (IllegalArgumentException badPercentEncoding) {
      // Netty's decoder refuses the URI before the API sees it (the transport's concern).
      return;
    }
    Matcher m = REPOSITORY.matcher(req.path());
    if (m.matches() && registry.get(m.group(1)) != null) {
      return;
    }
    Response r = answer(req);
    if (r.status() < 200 || r.status() >= 500) {
      throw new AssertionError(req.method() + " " + req.path() + " answered " + r.status() + ": "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
  }

  /** Handles a request as the transport does: a failed future becomes Api#failure's answer. */
  private static Response answer(Request req) throws InterruptedException {
    Api.Outcome out = api.handle(req);
    try {
      return out.response().get();
    } catch (ExecutionException e) {
      return api.failure(e.getCause());
    }
  }

  /**
   * "METHOD URI" on the first line, "name: value" header lines, an empty line, then the body
   * (bytes, to the end). Every byte sequence gives some request: a missing method is GET, a
   * head without an empty line has no body. The URI is split into path and query by Netty's
   * decoder exactly as the transport does.
   */
  static Request parse(byte[] data) {
    int headEnd = -1;
    for (int i = 0; i + 1 < data.length; i++) {
      if (data[i] == '\n' && data[i + 1] == '\n') {
        headEnd = i;
        break;
      }
    }
    String head = new String(data, 0, headEnd < 0 ? data.length : headEnd, StandardCharsets.ISO_8859_1);
    byte[] body = headEnd < 0 ? new byte[0] : java.util.Arrays.copyOfRange(data, headEnd + 2, data.length);
    String[] lines = head.split("\n", -1);
    String first = lines[0].strip();
    int sp = first.indexOf(' ');
    String method = sp < 0 ? "GET" : first.substring(0, sp).toUpperCase(java.util.Locale.ROOT);
    String uri = sp < 0 ? first : first.substring(sp + 1).strip();
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT),
            lines[i].substring(colon + 1).strip());
      }
    }
    QueryStringDecoder qs = new QueryStringDecoder(uri);
    return new Request(method, qs.path(), qs.parameters(), headers, body);
  }
}
