package dev.aigateway;

import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.routing.RejectedCandidate;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
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
  private final Headers headers;
  private final InputStream body;
  private final byte @Nullable [] bytes;
  private final boolean stream;
  private final String provider;
  private final String model;
  private final List<AttemptRecord> attempts;
  private final List<RejectedCandidate> rejected;

  private GatewayResponse(Builder b) {
    this.requestId = Objects.requireNonNull(b.requestId, "requestId");
    this.status = b.status;
    this.headers = b.headers;
    this.bytes = b.bytes;
    this.body = b.body != null ? b.body : new ByteArrayInputStream(b.bytes != null ? b.bytes : new byte[0]);
    this.stream = b.stream;
    this.provider = b.provider;
    this.model = b.model;
    this.attempts = List.copyOf(b.attempts);
    this.rejected = List.copyOf(b.rejected);
  }

  /**
   * A builder. The gateway builds every response it returns; a host builds one to test code that
   * consumes responses.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The request id ({@code AIG-Request-Id}). */
  public String requestId() {
    return requestId;
  }

  /** The provider's status. */
  public int status() {
    return status;
  }

  /** The provider's headers, less hop-by-hop and framing fields. */
  public Headers headers() {
    return headers;
  }

  /** The first value of a header (case-insensitive), or null. */
  public @Nullable String header(String name) {
    return headers.get(name);
  }

  /** The body, as it arrives for a stream. */
  public InputStream body() {
    return body;
  }

  /** The whole body of a non-streamed response; null for a stream. */
  public byte @Nullable [] bodyBytes() {
    return bytes == null ? null : bytes.clone();
  }

  /**
   * The body as UTF-8 text (reads a stream to its end).
   *
   * @throws UncheckedIOException when reading fails; its cause is an {@link IncompleteStreamException}
   *     when a stream broke before its end
   */
  public String bodyString() {
    if (bytes != null) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    try {
      return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    } catch (IOException e) {
      // nothing left to release
    }
  }

  @Override
  public String toString() {
    return "GatewayResponse[" + requestId + ", " + status + ", " + provider + "/" + model + ", attempts="
        + attempts.size() + (stream ? ", stream" : "") + "]";
  }

  /** Builds a {@link GatewayResponse}; {@link #build()} copies the lists. */
  public static final class Builder {
    private @Nullable String requestId;
    private int status = 200;
    private Headers headers = Headers.empty();
    private @Nullable InputStream body;
    private byte @Nullable [] bytes;
    private boolean stream;
    private String provider = "";
    private String model = "";
    private List<AttemptRecord> attempts = List.of();
    private List<RejectedCandidate> rejected = List.of();

    private Builder() {}

    public Builder requestId(String requestId) {
      this.requestId = Objects.requireNonNull(requestId, "requestId");
      return this;
    }

    public Builder status(int status) {
      if (status < 100 || status > 999) {
        throw new IllegalArgumentException("status must be from 100 to 999 but was " + status);
      }
      this.status = status;
      return this;
    }

    public Builder headers(Headers headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /** A whole body, held in memory (not copied: the caller hands it over). */
    public Builder body(byte[] bytes) {
      this.bytes = Objects.requireNonNull(bytes, "bytes");
      this.body = null;
      this.stream = false;
      return this;
    }

    /** A streamed body, read as it arrives. */
    public Builder stream(InputStream body) {
      this.body = Objects.requireNonNull(body, "body");
      this.bytes = null;
      this.stream = true;
      return this;
    }

    /** The provider and model that served. */
    public Builder servedBy(String provider, String model) {
      this.provider = Objects.requireNonNull(provider, "provider");
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    public Builder attempts(List<AttemptRecord> attempts) {
      this.attempts = Objects.requireNonNull(attempts, "attempts");
      return this;
    }

    public Builder rejected(List<RejectedCandidate> rejected) {
      this.rejected = Objects.requireNonNull(rejected, "rejected");
      return this;
    }

    public GatewayResponse build() {
      if (requestId == null) {
        throw new IllegalStateException("requestId is required");
      }
      return new GatewayResponse(this);
    }
  }
}
