package dev.aigateway.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A complete, small gateway answer (an error, the model list) that a host writes as it is: a status,
 * headers in order, and a body (empty for {@code HEAD}). Immutable and thread-safe.
 */
public final class HttpReply {
  private final int status;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;

  HttpReply(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    this.status = status;
    this.headers = Collections.unmodifiableList(new ArrayList<>(headers));
    this.body = body;
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** The response headers, in order; a name appears at most once. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** Passes each header to {@code set}, in order. */
  public void forEachHeader(BiConsumer<String, String> set) {
    Objects.requireNonNull(set, "set");
    for (Map.Entry<String, String> h : headers) {
      set.accept(h.getKey(), h.getValue());
    }
  }

  /** The first value of a header (case-insensitive name), or null. */
  public @org.jspecify.annotations.Nullable String header(String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  /** A copy of the body bytes (UTF-8 JSON, or empty). */
  public byte[] body() {
    return body.clone();
  }

  /** The body's length in bytes. */
  public int bodyLength() {
    return body.length;
  }

  /** Writes the body to {@code out} without copying it. */
  public void writeBody(java.io.OutputStream out) throws java.io.IOException {
    out.write(body);
  }

  @Override
  public String toString() {
    return "HttpReply[" + status + ", " + body.length + " bytes]";
  }
}
