package dev.aigateway.internal.dashboard;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One dashboard answer: the status, the headers to set (content type, cache, security headers) and the body,
 * empty for {@code HEAD}, 304, 308 and 405. Immutable; {@link #body()} returns a copy.
 */
public final class DashboardAsset {
  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;

  DashboardAsset(int status, Map<String, String> headers, byte[] body) {
    this.status = status;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.body = Objects.requireNonNull(body, "body").clone();
  }

  public int status() {
    return status;
  }

  /** The response headers, in the order they should be written. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The body; empty when there is none. */
  public byte[] body() {
    return body.clone();
  }

  @Override
  public String toString() {
    return "DashboardAsset[" + status + ", " + headers.get("Content-Type") + ", " + body.length + " bytes]";
  }
}
