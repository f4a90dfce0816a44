package dev.aigateway.spi;

import dev.aigateway.Headers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request to a provider, ready to send: the full URL, the headers (the provider credential included),
 * the body, and how long the attempt may take. {@link #toString()} shows header names, not values, so
 * the credential never prints.
 */
public final class UpstreamRequest {
  private final String method;
  private final String url;
  private final Headers headers;
  private final byte[] body;
  private final int bodyOffset;
  private final int bodyLength;
  private final Duration timeout;
  private final boolean stream;
  private final String provider;
  private final @Nullable String providerKeyId;

  private UpstreamRequest(Builder b) {
    this.method = b.method;
    this.url = Objects.requireNonNull(b.url, "url");
    this.headers = b.headers.build();
    this.body = b.body;
    this.bodyOffset = b.bodyOffset;
    this.bodyLength = b.bodyLength;
    this.timeout = b.timeout;
    this.stream = b.stream;
    this.provider = b.provider;
    this.providerKeyId = b.providerKeyId;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String method() {
    return method;
  }

  /** The full URL: the provider's base URL, the surface path, the client's query string. */
  public String url() {
    return url;
  }

  /** The headers to send, the credential among them. */
  public Headers headers() {
    return headers;
  }

  /** The first value of a header (case-insensitive), or null. */
  public @Nullable String header(String name) {
    return headers.get(name);
  }

  /** The body array (shared, not copied: never modify it); see {@link #bodyOffset()} and {@link #bodyLength()}. */
  public byte[] body() {
    return body;
  }

  public int bodyOffset() {
    return bodyOffset;
  }

  public int bodyLength() {
    return bodyLength;
  }

  /** A copy of the body bytes. */
  public byte[] bodyBytes() {
    return java.util.Arrays.copyOfRange(body, bodyOffset, bodyOffset + bodyLength);
  }

  /** Until the headers arrive, and for a non-streaming request until the body is read. */
  public Duration timeout() {
    return timeout;
  }

  /** Whether the client asked for a stream: the body is then read as it arrives, with no overall timeout. */
  public boolean stream() {
    return stream;
  }

  /** For logs and metrics: the provider id. */
  public String provider() {
    return provider;
  }

  /** For logs and metrics: the provider key id, or null for the managed credential. */
  public @Nullable String providerKeyId() {
    return providerKeyId;
  }

  @Override
  public String toString() {
    return "UpstreamRequest[" + method + " " + url + ", headers=" + headers.names() + ", " + bodyLength + " bytes, provider="
        + provider + ", key=" + (providerKeyId == null ? "managed" : providerKeyId) + "]";
  }

  public static final class Builder {
    private String method = "POST";
    private @Nullable String url;
    private final Headers.Builder headers = Headers.builder();
    private byte[] body = new byte[0];
    private int bodyOffset;
    private int bodyLength;
    private Duration timeout = Duration.ofSeconds(60);
    private boolean stream;
    private String provider = "";
    private @Nullable String providerKeyId;

    private Builder() {}

    public Builder method(String method) {
      this.method = Objects.requireNonNull(method, "method");
      return this;
    }

    public Builder url(String url) {
      this.url = Objects.requireNonNull(url, "url");
      return this;
    }

    public Builder header(String name, String value) {
      headers.add(name, value);
      return this;
    }

    public Builder body(byte[] body, int offset, int length) {
      Objects.checkFromIndexSize(offset, length, body.length);
      this.body = body;
      this.bodyOffset = offset;
      this.bodyLength = length;
      return this;
    }

    public Builder body(byte[] body) {
      return body(body, 0, body.length);
    }

    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    public Builder stream(boolean stream) {
      this.stream = stream;
      return this;
    }

    public Builder provider(String provider, @Nullable String providerKeyId) {
      this.provider = Objects.requireNonNull(provider, "provider");
      this.providerKeyId = providerKeyId;
      return this;
    }

    public UpstreamRequest build() {
      if (url == null) {
        throw new IllegalStateException("url is required");
      }
      return new UpstreamRequest(this);
    }
  }
}
