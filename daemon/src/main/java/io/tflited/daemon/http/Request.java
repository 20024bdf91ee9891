package io.tflited.daemon.http;

import java.util.List;
import java.util.Map;

/**
 * A complete HTTP request as the API sees it.
 *
 * @param method upper-case method
 * @param path decoded path without the query
 * @param query decoded query parameters
 * @param headers lower-case header names to values
 * @param body the (aggregated) body
 */
public record Request(
    String method, String path, Map<String, List<String>> query, Map<String, String> headers, byte[] body) {
  public String header(String name) {
    return headers.get(name.toLowerCase());
  }

  public String queryParam(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The media type without parameters, lower case, or "" when absent. */
  public String mediaType() {
    String ct = header("content-type");
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase();
  }
}
