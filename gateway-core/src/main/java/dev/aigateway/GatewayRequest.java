package dev.aigateway;

import dev.aigateway.internal.auth.Authenticator;
import dev.aigateway.internal.plan.EngineAccess;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One client request as the gateway sees it: the surface, the client's headers (which carry the access
 * key), the raw body and the query string. Immutable: {@link Builder#build()} copies the body, so nothing
 * the caller does to its array afterwards reaches a plan or an upstream.
 */
public final class GatewayRequest {
  static {
    EngineAccess.register(r -> r.body);
  }

  private final Surface surface;
  private final Headers headers;
  private final byte[] body;
  private final @Nullable String query;
  private final @Nullable Duration timeout;
  private final @Nullable Cancellation cancellation;

  private GatewayRequest(Builder b) {
    this.surface = Objects.requireNonNull(b.surface, "surface");
    this.headers = b.headers.build();
    this.body = b.body.clone();
    this.query = b.query;
    this.timeout = b.timeout;
    this.cancellation = b.cancellation;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A request on {@code surface} with a Bearer access token and a JSON body. */
  public static GatewayRequest of(Surface surface, String accessToken, String jsonBody) {
    return builder().surface(surface).header("Authorization", "Bearer " + accessToken).body(jsonBody).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.surface = surface;
    b.headers.addAll(headers);
    b.body = body;
    b.query = query;
    b.timeout = timeout;
    b.cancellation = cancellation;
    return b;
  }

  public Surface surface() {
    return surface;
  }

  /** The first value of a header, by case-insensitive name; null if absent. */
  public @Nullable String header(String name) {
    return headers.get(name);
  }

  /** The client's headers in arrival order. */
  public Headers headers() {
    return headers;
  }

  /**
   * The access token: from {@code Authorization: Bearer <token>}, else from {@code x-api-key}; null if
   * neither is present.
   *
   * @throws GatewayException {@code invalid_access_key} when the headers carry two different tokens (two
   *     {@code Authorization} headers, or {@code Authorization} and {@code x-api-key} that disagree): which
   *     one a caller meant is not guessed
   */
  public @Nullable String accessToken() {
    String token = null;
    String[] nv = headers.namesAndValues();
    for (int i = 0; i < nv.length; i += 2) {
      String name = nv[i];
      String candidate;
      if (name.length() == 13 && name.equalsIgnoreCase("authorization")) {
        String auth = nv[i + 1];
        candidate = auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : auth.trim();
      } else if (name.length() == 9 && name.equalsIgnoreCase("x-api-key")) {
        candidate = nv[i + 1].trim();
      } else {
        continue;
      }
      if (token == null) {
        token = candidate;
      } else if (!token.equals(candidate)) {
        throw new GatewayException(ErrorCode.INVALID_ACCESS_KEY, Authenticator.MESSAGE);
      }
    }
    return token;
  }

  /** A copy of the body bytes. */
  public byte[] body() {
    return body.clone();
  }

  /** The body's length in bytes. */
  public int bodyLength() {
    return body.length;
  }

  /**
   * The caller's own deadline for this request, or null: the gateway uses the shorter of it and its
   * {@code totalTimeout} (an app's OkHttp call timeout reaches the gateway this way).
   */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /** What lets the caller stop this request, or null. */
  public @Nullable Cancellation cancellation() {
    return cancellation;
  }

  /** The query string without {@code ?}, or null. */
  public @Nullable String query() {
    return query;
  }

  @Override
  public String toString() {
    return "GatewayRequest[" + surface.id() + ", " + body.length + " bytes]";
  }

  public static final class Builder {
    private @Nullable Surface surface;
    private final Headers.Builder headers = Headers.builder();
    private byte[] body = new byte[0];
    private @Nullable String query;
    private @Nullable Duration timeout;
    private @Nullable Cancellation cancellation;

    private Builder() {}

    public Builder surface(Surface surface) {
      this.surface = Objects.requireNonNull(surface, "surface");
      return this;
    }

    /** Sets the surface from a gateway path such as {@code /v1/chat/completions}. */
    public Builder path(String path) {
      Surface s = Surface.fromPath(Objects.requireNonNull(path, "path"));
      if (s == null) {
        throw new GatewayException(ErrorCode.UNSUPPORTED_SURFACE, "Unsupported API surface \"" + safePath(path) + "\"");
      }
      this.surface = s;
      return this;
    }

    /** Adds a header value (headers may repeat). */
    public Builder header(String name, String value) {
      headers.add(name, value);
      return this;
    }

    /** Adds every field of {@code headers}. */
    public Builder headers(Headers headers) {
      this.headers.addAll(Objects.requireNonNull(headers, "headers"));
      return this;
    }

    /** Adds every name's values, in the map's order. */
    public Builder headers(Map<String, List<String>> headers) {
      return headers(Headers.of(headers));
    }

    /** The body; {@link #build()} copies it. */
    public Builder body(byte[] body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    public Builder body(String json) {
      return body(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The caller's own deadline for this request (null: none); see {@link GatewayRequest#timeout()}. */
    public Builder timeout(@Nullable Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Lets the caller stop the request from another thread (null: it cannot be stopped); see {@link Cancellation}. */
    public Builder cancellation(@Nullable Cancellation cancellation) {
      this.cancellation = cancellation;
      return this;
    }

    public Builder query(@Nullable String query) {
      this.query = query;
      return this;
    }

    public GatewayRequest build() {
      if (surface == null) {
        throw new IllegalStateException("surface is required");
      }
      return new GatewayRequest(this);
    }

    private static String safePath(String path) {
      String p = path.length() > 100 ? path.substring(0, 100) : path;
      return p.replaceAll("[^\\x20-\\x7e]", "?");
    }
  }
}
