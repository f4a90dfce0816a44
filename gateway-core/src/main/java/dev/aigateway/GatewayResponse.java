package dev.aigateway;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.InputStream;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway answers a client: the serving provider's status, headers and body, and how it got
 * there (request id, attempts, rejected candidates). For a stream the body is read as it arrives; if the
 * provider breaks after the first byte, reading throws {@link IncompleteStreamException}. Always close it:
 * closing an unfinished stream cancels the upstream call.
 */
public final class GatewayResponse implements Closeable {
  private final String requestId;
  private final int status;
  private final List<String> headerNames;
  private final List<String> headerValues;
  private final InputStream body;
  private final byte @Nullable [] bytes;
  private final boolean stream;
  private final String provider;
  private final String model;
  private final List<AttemptRecord> attempts;
  private final List<RejectedCandidate> rejected;

  GatewayResponse(String requestId, int status, List<String> headerNames, List<String> headerValues,
      InputStream body, byte @Nullable [] bytes, boolean stream, String provider, String model,
      List<AttemptRecord> attempts, List<RejectedCandidate> rejected) {
    this.requestId = requestId;
    this.status = status;
    this.headerNames = List.copyOf(headerNames);
    this.headerValues = List.copyOf(headerValues);
    this.body = body;
    this.bytes = bytes;
    this.stream = stream;
    this.provider = provider;
    this.model = model;
    this.attempts = List.copyOf(attempts);
    this.rejected = rejected;
  }

  static GatewayResponse buffered(String requestId, int status, List<String> headerNames, List<String> headerValues,
      byte[] bytes, String provider, String model, List<AttemptRecord> attempts, List<RejectedCandidate> rejected) {
    return new GatewayResponse(requestId, status, headerNames, headerValues, new ByteArrayInputStream(bytes), bytes,
        false, provider, model, attempts, rejected);
  }

  public String requestId() {
    return requestId;
  }

  /** The provider's status: 2xx, or the 4xx of a request the provider rejected (fail fast). */
  public int status() {
    return status;
  }

  /** Response header names from the provider (hop-by-hop and framing headers removed). */
  public List<String> headerNames() {
    return headerNames;
  }

  public List<String> headerValues() {
    return headerValues;
  }

  public @Nullable String header(String name) {
    return dev.aigateway.internal.HeaderLists.first(headerNames, headerValues, name);
  }

  /** The body, as it arrives for a stream. */
  public InputStream body() {
    return body;
  }

  /** The whole body of a non-streamed response; null for a stream. */
  public byte @Nullable [] bodyBytes() {
    return bytes == null ? null : bytes.clone();
  }

  /** The body as UTF-8 text (reads a stream to its end). */
  public String bodyString() throws java.io.IOException {
    if (bytes != null) {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
    return new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  public boolean isStream() {
    return stream;
  }

  /** The provider that served ({@code AIG-Provider}). */
  public String provider() {
    return provider;
  }

  /** The model that served ({@code AIG-Model}). */
  public String model() {
    return model;
  }

  /** The attempts up to this response, the serving one last ({@code AIG-Attempts} is their count). */
  public List<AttemptRecord> attempts() {
    return attempts;
  }

  /** Candidates refused before routing ({@code AIG-Rejected-Models}). */
  public List<RejectedCandidate> rejected() {
    return rejected;
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (java.io.IOException e) {
      // nothing left to release
    }
  }

  @Override
  public String toString() {
    return "GatewayResponse[" + requestId + ", " + status + ", " + provider + "/" + model + ", attempts="
        + attempts.size() + (stream ? ", stream" : "") + "]";
  }
}
