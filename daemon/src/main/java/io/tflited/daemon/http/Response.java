package io.tflited.daemon.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tflited.daemon.cli.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP answer before it is written to the channel. */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
  public static Response json(int status, JsonNode node) {
    try {
      return new Response(status, "application/json", Json.MAPPER.writeValueAsBytes(node), new LinkedHashMap<>());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Response json(JsonNode node) {
    return json(200, node);
  }

  public static Response text(int status, String contentType, String body) {
    return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>());
  }

  public static Response error(int status, String message, Map<String, String> headers) {
    Response r = json(status, Json.MAPPER.createObjectNode().put("error", message));
    r.headers().putAll(headers);
    return r;
  }

  public static Response error(ApiException e) {
    return error(e.status(), e.getMessage(), e.headers());
  }
}
