package dev.aigateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.ErrorCode;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Cancellation;
import dev.aigateway.RequestCanceledException;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.json.Json;
import dev.aigateway.routing.RejectedCandidate;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP surface without a server: what every host (the JDK server, the servlet container, a
 * host's own framework) does with a request under {@code /v1/}, so none re-implements it. A host does three
 * things: asks {@link #route} what a request is (an answer to send at once, or a surface whose body to
 * read), reads the body up to {@link #maxRequestBytes()} (answering {@link #bodyTooLarge} past it, with no
 * upstream call), and hands it to {@link #call}; it then writes the {@link HttpReply} or the
 * {@link GatewayResponse} with {@link #responseHeaders}.
 *
 * <pre>{@code
 * GatewayFront front = GatewayFront.create(gateway);
 * GatewayFront.Route route = front.route("POST", "/v1/chat/completions", headerBytes, request::header);
 * route.forEachCorsHeader(response::setHeader); // CORS for allowed browser origins, on every answer
 * if (route.reply() != null) { write(route.reply()); return; }
 * GatewayFront.Outcome outcome = front.call(route.surface(), body, query, headers);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class GatewayFront {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayFront.class);
  /** Largest total size of request headers accepted (names, values and 4 bytes each); more is answered 431. */
  public static final int MAX_HEADER_BYTES = 64 * 1024;

  private final Gateway gateway;
  private final String prefix;

  private GatewayFront(Gateway gateway, String prefix) {
    this.gateway = gateway;
    this.prefix = prefix;
  }

  /** The surface of {@code gateway}, with report headers prefixed {@code AIG-}. */
  public static GatewayFront create(Gateway gateway) {
    return new GatewayFront(Objects.requireNonNull(gateway, "gateway"), ReportHeaders.DEFAULT_PREFIX);
  }

  /**
   * A copy whose report headers use {@code headerPrefix} instead of {@code AIG-}.
   *
   * @throws IllegalArgumentException unless it is 1 to 32 letters, digits and {@code -}
   */
  public GatewayFront withHeaderPrefix(String headerPrefix) {
    Objects.requireNonNull(headerPrefix, "headerPrefix");
    if (!headerPrefix.matches("[A-Za-z0-9-]{1,32}")) {
      throw new IllegalArgumentException("headerPrefix must be letters, digits and '-' but was '" + headerPrefix + "'");
    }
    return new GatewayFront(gateway, headerPrefix);
  }

  public Gateway gateway() {
    return gateway;
  }

  public String headerPrefix() {
    return prefix;
  }

  /** Whether the gateway serves {@code rawPath} ({@code /v1} and everything under {@code /v1/}). */
  public static boolean isGatewayPath(@Nullable String rawPath) {
    return rawPath != null && (rawPath.equals("/v1") || rawPath.startsWith("/v1/"));
  }

  /** The largest request body the gateway accepts now ({@code Gateway.limits().maxRequestBytes()}). */
  public long maxRequestBytes() {
    return gateway.limits().maxRequestBytes();
  }

  /**
   * What to do with a request under {@code /v1/}, before its body is read: {@code GET /v1/models} and every
   * refusal (unknown path, wrong method, headers over {@link #MAX_HEADER_BYTES}) are answered at once; a
   * {@code POST} to a surface asks for its body. This form sees no {@code Origin}, so it never answers
   * CORS: hosts use {@link #route(String, String, long, RequestHeaders)}.
   *
   * @param method the request method
   * @param rawPath the path, not decoded ({@code /v1/chat/completions})
   * @param headerBytes the size of the request's headers (names + values + 4 per field)
   * @param authorization the {@code Authorization} header, or null
   * @param apiKey the {@code x-api-key} header, or null
   */
  public Route route(String method, String rawPath, long headerBytes, @Nullable String authorization,
      @Nullable String apiKey) {
    return route(method, rawPath, headerBytes, name -> name.equalsIgnoreCase("Authorization") ? authorization
        : name.equalsIgnoreCase("x-api-key") ? apiKey : null);
  }

  /**
   * As {@link #route(String, String, long, String, String)}, with CORS for browser clients when the
   * {@linkplain Gateway.AccountSettings#corsAllowedOrigins() account settings} allow origins: a preflight
   * ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) on a surface or
   * {@code /v1/models} is answered here (204 with the {@code Access-Control-Allow-*} headers for an allowed
   * origin, method and headers, 403 without them otherwise), and a request from an allowed origin gets
   * {@link Route#corsHeaders()}, which the host sets on whatever it answers. With no origin allowed (the
   * default) nothing changes: no {@code Access-Control-*} header, and {@code OPTIONS} is answered 405 as any
   * other method the path does not serve.
   *
   * @param headers the request's headers by name (case-insensitive), first value or null; the front reads
   *     {@code Authorization}, {@code x-api-key}, {@code Origin}, {@code Access-Control-Request-Method} and
   *     {@code Access-Control-Request-Headers}
   */
  public Route route(String method, String rawPath, long headerBytes, RequestHeaders headers) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    Objects.requireNonNull(headers, "headers");
    List<String> allowed = gateway.accountSettings().corsAllowedOrigins();
    String allowOrigin = allowed.isEmpty() ? null : Cors.allowOrigin(allowed, headers.first("Origin"));
    List<Map.Entry<String, String>> cors = allowOrigin == null ? List.of() : Cors.responseHeaders(allowOrigin, prefix);
    Surface surface = Surface.fromPath(rawPath);
    Surface.Format format = formatOf(rawPath);
    boolean models = rawPath.equals("/v1/models") || rawPath.equals("/v1/models/");
    if (method.equals("OPTIONS") && (models || surface != null) && !allowed.isEmpty()
        && headers.first("Origin") != null && headers.first("Access-Control-Request-Method") != null) {
      if (headerBytes > MAX_HEADER_BYTES) {
        return new Route(null, format, error(format, Ids.newRequestId(), new GatewayException(
            ErrorCode.REQUEST_TOO_LARGE, "Request headers are larger than " + MAX_HEADER_BYTES + " bytes."), null, 431),
            List.of());
      }
      return new Route(null, format, preflight(models, allowOrigin, headers), List.of());
    }
    if (models) {
      if (!method.equals("GET") && !method.equals("HEAD")) {
        return new Route(null, format, withCors(cors, error(format, Ids.newRequestId(), new GatewayException(
            ErrorCode.UNSUPPORTED_SURFACE, "Use GET on /v1/models."), null, 405)), cors);
      }
      return new Route(null, format, withCors(cors, models(method.equals("HEAD"),
          accessToken(headers.first("Authorization"), headers.first("x-api-key")))), cors);
    }
    if (surface == null) {
      return new Route(null, format, withCors(cors, error(format, Ids.newRequestId(), new GatewayException(
          ErrorCode.UNSUPPORTED_SURFACE, "Unsupported API surface \"" + rawPath.replaceAll("[^\\x21-\\x7e]", "?")
          + "\"."), null, 0)), cors);
    }
    if (headerBytes > MAX_HEADER_BYTES) {
      return new Route(null, format, withCors(cors, error(format, Ids.newRequestId(), new GatewayException(
          ErrorCode.REQUEST_TOO_LARGE, "Request headers are larger than " + MAX_HEADER_BYTES + " bytes."), null, 431)),
          cors);
    }
    if (!method.equals("POST")) {
      return new Route(null, format, withCors(cors, error(format, Ids.newRequestId(), new GatewayException(
          ErrorCode.UNSUPPORTED_SURFACE, "Use POST on " + surface.path() + "."), null, 405)), cors);
    }
    return new Route(surface, format, null, cors);
  }

  /**
   * A preflight's answer: 204 with {@code Access-Control-Allow-Origin}, {@code -Allow-Methods},
   * {@code -Allow-Headers} (the requested ones, each allowed) and {@code -Max-Age}; or a plain 403 with no
   * {@code Access-Control-*} header when the origin, the method or a requested header is not allowed. No
   * access key is needed (a browser sends none with a preflight).
   */
  private HttpReply preflight(boolean models, @Nullable String allowOrigin, RequestHeaders headers) {
    String method = headers.first("Access-Control-Request-Method");
    boolean methodOk = models ? "GET".equals(method) || "HEAD".equals(method) : "POST".equals(method);
    String allowHeaders = Cors.allowHeaders(headers.first("Access-Control-Request-Headers"));
    List<Map.Entry<String, String>> h = new ArrayList<>();
    if (allowOrigin == null || !methodOk || allowHeaders == null) {
      h.add(Cors.entry("Vary", "Origin"));
      ReportHeaders.write(prefix, Ids.newRequestId(), 0, null, null, null, (n, v) -> h.add(Cors.entry(n, v)));
      return new HttpReply(403, h, new byte[0]);
    }
    h.add(Cors.entry("Access-Control-Allow-Origin", allowOrigin));
    h.add(Cors.entry("Vary", "Origin"));
    h.add(Cors.entry("Access-Control-Allow-Methods", models ? "GET, HEAD" : "POST"));
    if (!allowHeaders.isEmpty()) {
      h.add(Cors.entry("Access-Control-Allow-Headers", allowHeaders));
    }
    h.add(Cors.entry("Access-Control-Max-Age", String.valueOf(Cors.MAX_AGE_SECONDS)));
    ReportHeaders.write(prefix, Ids.newRequestId(), 0, null, null, null, (n, v) -> h.add(Cors.entry(n, v)));
    return new HttpReply(204, h, new byte[0]);
  }

  private static HttpReply withCors(List<Map.Entry<String, String>> cors, HttpReply reply) {
    if (cors.isEmpty()) {
      return reply;
    }
    List<Map.Entry<String, String>> h = new ArrayList<>(reply.headers());
    h.addAll(cors);
    return new HttpReply(reply.status(), h, reply.body());
  }

  /** The 413 answer for a body over {@link #maxRequestBytes()}; the host reads no more of it. */
  public HttpReply bodyTooLarge(Surface.Format format) {
    return error(format, Ids.newRequestId(), new GatewayException(ErrorCode.REQUEST_TOO_LARGE,
        "Request body is larger than " + maxRequestBytes() + " bytes."), null, 0);
  }

  /**
   * The 503 answer of a host that is at capacity (no thread or slot for another request), with
   * {@code Retry-After}; no upstream call was made.
   */
  public HttpReply overloaded(Surface.Format format, Duration retryAfter) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    HttpReply r = error(format, Ids.newRequestId(), new GatewayException(ErrorCode.ALL_PROVIDERS_FAILED,
        "The gateway is at capacity; retry in " + seconds + " s."), null, 503);
    List<Map.Entry<String, String>> headers = new ArrayList<>(r.headers());
    headers.add(new AbstractMap.SimpleImmutableEntry<>("Retry-After", String.valueOf(seconds)));
    return new HttpReply(503, headers, r.body());
  }

  /**
   * Serves one request: authentication, scope, routing and the upstream attempts. Blocks until the
   * response headers are in (a stream's body is then read from {@link GatewayResponse#body()}).
   *
   * @param headers the request's headers; credentials in them never reach a provider
   * @return the upstream response to forward, or the gateway's error answer
   */
  public Outcome call(Surface surface, byte[] body, @Nullable String query, Map<String, List<String>> headers) {
    return call(surface, body, query, headers, null);
  }

  /**
   * As {@link #call(Surface, byte[], String, Map)}, stoppable: a host that learns its client went away
   * cancels {@code cancellation}, which cancels the upstream call in flight and stops failover (the outcome is
   * then a 499 reply nobody needs to send), or closes a stream already returned.
   */
  public Outcome call(Surface surface, byte[] body, @Nullable String query, Map<String, List<String>> headers,
      @Nullable Cancellation cancellation) {
    Objects.requireNonNull(surface, "surface");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(headers, "headers");
    Surface.Format format = surface.format();
    try {
      GatewayRequest request = GatewayRequest.builder().surface(surface).body(body).query(query).headers(headers)
          .cancellation(cancellation).build();
      return new Outcome(gateway.handle(request), null);
    } catch (RequestCanceledException e) {
      return new Outcome(null, new HttpReply(499, List.of(), new byte[0])); // the client is gone
    } catch (RequestRejectedException e) {
      return new Outcome(null, error(format, e.requestId(), e, e.rejected(), 0));
    } catch (FailoverExhaustedException e) {
      return new Outcome(null, error(format, e.requestId(), e, e.rejected(), 0));
    } catch (GatewayException e) {
      return new Outcome(null, error(format, Ids.newRequestId(), e, null, 0));
    } catch (RuntimeException e) {
      LOG.error("gateway failed on {}", surface.path(), e);
      return new Outcome(null, internalError(format));
    }
  }

  /** The 500 answer when a host's own code failed before or around {@link #call}. */
  public HttpReply internalError(Surface.Format format) {
    return error(format, Ids.newRequestId(), new GatewayException(ErrorCode.ALL_PROVIDERS_FAILED,
        "Internal gateway error."), null, 500);
  }

  /**
   * Passes the headers of a forwarded response to {@code add}, in order: the provider's (as the
   * {@code ResponseHeaderPolicy} let them through, without any named like a report header, without the
   * provider's {@code Access-Control-*} (the gateway's own CORS decision is {@link Route#corsHeaders()}), and
   * without {@code Date}, which every HTTP server writes itself), then the report headers, then
   * {@code Cache-Control: no-cache} on a stream that has none.
   */
  public void responseHeaders(GatewayResponse response, BiConsumer<String, String> add) {
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(add, "add");
    boolean[] cacheControl = {false};
    response.headers().forEach((name, value) -> {
      if (name.regionMatches(true, 0, prefix, 0, prefix.length()) || name.equalsIgnoreCase("Date")
          || name.regionMatches(true, 0, "Access-Control-", 0, 15)) {
        return; // the gateway decides CORS, not the provider
      }
      if (name.equalsIgnoreCase("Cache-Control")) {
        cacheControl[0] = true;
      }
      add.accept(name, value);
    });
    ReportHeaders.write(prefix, response.requestId(), response.attempts().size(), response.model(),
        response.provider(), response.rejected(), add);
    if (response.isStream() && !cacheControl[0]) {
      add.accept("Cache-Control", "no-cache");
    }
  }

  /** The access token of a request: {@code Authorization} (with or without {@code Bearer}), else {@code x-api-key}. */
  public static @Nullable String accessToken(@Nullable String authorization, @Nullable String apiKey) {
    if (authorization != null) {
      return authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim()
          : authorization.trim();
    }
    return apiKey == null ? null : apiKey.trim();
  }

  private HttpReply models(boolean head, @Nullable String token) {
    String requestId = Ids.newRequestId();
    List<String> ids;
    try {
      ids = gateway.models(token);
    } catch (GatewayException e) {
      return error(Surface.Format.OPENAI, requestId, e, null, 0);
    }
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (String id : ids) {
      ObjectNode m = data.addObject();
      m.put("id", id);
      m.put("object", "model");
      m.put("created", 0);
      int slash = id.indexOf('/');
      m.put("owned_by", slash > 0 ? id.substring(0, slash) : "virtual");
    }
    byte[] bytes;
    try {
      bytes = head ? new byte[0] : Json.MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(new AbstractMap.SimpleImmutableEntry<>("Content-Type", "application/json"));
    ReportHeaders.write(prefix, requestId, 0, null, null, null,
        (n, v) -> headers.add(new AbstractMap.SimpleImmutableEntry<>(n, v)));
    return new HttpReply(200, headers, bytes);
  }

  private HttpReply error(Surface.Format format, String requestId, GatewayException e,
      @Nullable List<RejectedCandidate> rejected, int statusOverride) {
    int status = statusOverride != 0 ? statusOverride : e.code().status();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(new AbstractMap.SimpleImmutableEntry<>("Content-Type", "application/json"));
    ReportHeaders.writeError(prefix, requestId, e, rejected, (n, v) -> {
      headers.removeIf(h -> h.getKey().equalsIgnoreCase(n));
      headers.add(new AbstractMap.SimpleImmutableEntry<>(n, v));
    });
    return new HttpReply(status, headers, ErrorBodies.json(format, requestId, e));
  }

  private static Surface.Format formatOf(String rawPath) {
    Surface surface = Surface.fromPath(rawPath);
    if (surface != null) {
      return surface.format();
    }
    return rawPath.startsWith("/v1/messages") ? Surface.Format.ANTHROPIC : Surface.Format.OPENAI;
  }

  /**
   * A request's headers as the host holds them: the first value of a header, by case-insensitive name, or
   * null. The JDK server's {@code Headers::getFirst} and the servlet's {@code HttpServletRequest::getHeader}
   * are such lookups.
   */
  @FunctionalInterface
  public interface RequestHeaders {
    /** The first value of the header {@code name} (any case), or null when the request has none. */
    @Nullable String first(String name);
  }

  /** What {@link #route} decided: an answer to send now, or the surface whose body to read. */
  public static final class Route {
    private final @Nullable Surface surface;
    private final Surface.Format format;
    private final @Nullable HttpReply reply;
    private final List<Map.Entry<String, String>> cors;

    Route(@Nullable Surface surface, Surface.Format format, @Nullable HttpReply reply,
        List<Map.Entry<String, String>> cors) {
      this.surface = surface;
      this.format = format;
      this.reply = reply;
      this.cors = cors;
    }

    /**
     * The CORS headers for the request's origin ({@code Access-Control-Allow-Origin}, {@code Vary: Origin},
     * {@code Access-Control-Expose-Headers}), which the host sets on every answer to this request: the
     * forwarded response, a stream, and errors made after {@code route} ({@link #bodyTooLarge},
     * {@link #overloaded}, {@link #call}'s). Empty when CORS is off or the origin is not allowed.
     * {@link #reply()} already carries them.
     */
    public List<Map.Entry<String, String>> corsHeaders() {
      return cors;
    }

    /** Passes each of {@link #corsHeaders()} to {@code set}, in order. */
    public void forEachCorsHeader(BiConsumer<String, String> set) {
      Objects.requireNonNull(set, "set");
      for (Map.Entry<String, String> h : cors) {
        set.accept(h.getKey(), h.getValue());
      }
    }

    /** The surface to read a body for and {@link #call}; null when {@link #reply()} is set. */
    public @Nullable Surface surface() {
      return surface;
    }

    /** The error format of the path (OpenAI's, or Anthropic's under {@code /v1/messages}). */
    public Surface.Format format() {
      return format;
    }

    /** The answer to send at once (the request body, if any, is not needed); null to read the body. */
    public @Nullable HttpReply reply() {
      return reply;
    }

    @Override
    public String toString() {
      return "Route[" + (reply != null ? reply : surface) + "]";
    }
  }

  /** What {@link #call} produced: a response to forward (close it when done) or an answer to send. */
  public static final class Outcome {
    private final @Nullable GatewayResponse response;
    private final @Nullable HttpReply reply;

    Outcome(@Nullable GatewayResponse response, @Nullable HttpReply reply) {
      this.response = response;
      this.reply = reply;
    }

    /** The upstream's response (buffered or a stream); the host must close it. Null when {@link #reply()} is set. */
    public @Nullable GatewayResponse response() {
      return response;
    }

    /** The gateway's error answer; null when {@link #response()} is set. */
    public @Nullable HttpReply reply() {
      return reply;
    }

    @Override
    public String toString() {
      return "Outcome[" + (reply != null ? reply : response) + "]";
    }
  }

  @Override
  public String toString() {
    return "GatewayFront[" + prefix + "]";
  }
}
