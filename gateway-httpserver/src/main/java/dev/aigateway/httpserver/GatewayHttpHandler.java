package dev.aigateway.httpserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.ErrorCode;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.routing.RejectedCandidate;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.internal.http.ErrorBodies;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.http.ReportHeaders;
import dev.aigateway.internal.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the gateway on a JDK {@link HttpServer}: {@code POST /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/responses}, {@code /v1/messages} and {@code GET /v1/models}, with the
 * access key as {@code Authorization: Bearer} or {@code x-api-key}. Every response, errors included,
 * carries {@code AIG-Request-Id}, {@code AIG-Attempts}, {@code AIG-Model}, {@code AIG-Provider} and, when
 * candidates were refused, {@code AIG-Rejected-Models}. Errors use the surface's own format.
 *
 * <p>Streams are written chunk by chunk and flushed per chunk. If the provider breaks after the first
 * byte, the connection is closed without the terminating chunk, so the client sees an error, never a
 * clean end. A client that goes away cancels the upstream call.
 *
 * <p>The JDK server runs handlers on one thread unless given an executor: use {@link #newServer} (a
 * bounded pool sized for many concurrent streams, and Nagle off), or give yours one.
 */
public final class GatewayHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayHttpHandler.class);
  /** Largest total size of request headers accepted; more is answered 431 before anything else. */
  public static final int MAX_HEADER_BYTES = 64 * 1024;

  private final Gateway gateway;
  private final @Nullable HttpHandler fallback;
  private final String prefix;

  private GatewayHttpHandler(Gateway gateway, @Nullable HttpHandler fallback, String prefix) {
    this.gateway = gateway;
    this.fallback = fallback;
    this.prefix = prefix;
  }

  /** Serves {@code /v1/*}; other paths answer 404. */
  public static GatewayHttpHandler create(Gateway gateway) {
    return new GatewayHttpHandler(Objects.requireNonNull(gateway, "gateway"), null, "AIG-");
  }

  /** Serves {@code /v1/*} and passes every other request to {@code existing}. */
  public static GatewayHttpHandler wrap(Gateway gateway, HttpHandler existing) {
    return new GatewayHttpHandler(Objects.requireNonNull(gateway, "gateway"),
        Objects.requireNonNull(existing, "existing"), "AIG-");
  }

  /** A copy whose reporting headers use another prefix than {@code AIG-}. */
  public GatewayHttpHandler withHeaderPrefix(String headerPrefix) {
    Objects.requireNonNull(headerPrefix, "headerPrefix");
    if (!headerPrefix.matches("[A-Za-z0-9-]{1,32}")) {
      throw new IllegalArgumentException("headerPrefix must be letters, digits and '-' but was '" + headerPrefix + "'");
    }
    return new GatewayHttpHandler(gateway, fallback, headerPrefix);
  }

  /**
   * An {@link HttpServer} bound to {@code address} with a bounded pool of {@code threads} handler threads
   * (a stream holds one for its whole length) and a queue of {@code threads} waiting exchanges; beyond
   * that the server answers nothing new until a thread frees up. Turns Nagle's algorithm off
   * ({@code sun.net.httpserver.nodelay}) unless the property was set explicitly, so small SSE chunks are
   * not held back. After {@code server.stop(...)}, shut the pool down:
   * {@code ((ExecutorService) server.getExecutor()).shutdown()}.
   */
  public static HttpServer newServer(InetSocketAddress address, int threads) throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be > 0 but was " + threads);
    }
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpServer server = HttpServer.create(address, 1024);
    server.setExecutor(newExecutor(threads));
    return server;
  }

  /** The pool {@link #newServer} uses; shut it down after {@code server.stop}. */
  public static ExecutorService newExecutor(int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(threads), r -> {
          Thread t = new Thread(r, "aigateway-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    if (path == null || !(path.equals("/v1") || path.startsWith("/v1/"))) {
      if (fallback != null) {
        fallback.handle(exchange);
      } else {
        exchange.getRequestBody().close();
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
      }
      return;
    }
    try {
      serve(exchange, path);
    } catch (AbortedStream e) {
      // Leave the exchange unclosed and fail the handler: the server then drops the connection without
      // the terminating chunk, so the client sees a broken response, never a clean end.
      throw new IOException("stream aborted: " + e.getMessage());
    }
    exchange.close();
  }

  private void serve(HttpExchange exchange, String path) throws IOException {
    String method = exchange.getRequestMethod();
    Surface surface = Surface.fromPath(path);
    Surface.Format format = surface != null ? surface.format()
        : path.startsWith("/v1/messages") ? Surface.Format.ANTHROPIC : Surface.Format.OPENAI;
    if (path.equals("/v1/models") || path.equals("/v1/models/")) {
      drain(exchange);
      if (!method.equals("GET") && !method.equals("HEAD")) {
        error(exchange, format, Ids.newRequestId(), new GatewayException(ErrorCode.UNSUPPORTED_SURFACE,
            "Use GET on /v1/models."), null, 405);
        return;
      }
      models(exchange);
      return;
    }
    if (surface == null) {
      drain(exchange);
      error(exchange, format, Ids.newRequestId(), new GatewayException(ErrorCode.UNSUPPORTED_SURFACE,
          "Unsupported API surface \"" + path.replaceAll("[^\\x21-\\x7e]", "?") + "\"."), null, 0);
      return;
    }
    long headerBytes = 0;
    for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
      for (String v : h.getValue()) {
        headerBytes += h.getKey().length() + v.length() + 4;
      }
    }
    if (headerBytes > MAX_HEADER_BYTES) {
      drain(exchange);
      error(exchange, format, Ids.newRequestId(), new GatewayException(ErrorCode.REQUEST_TOO_LARGE,
          "Request headers are larger than " + MAX_HEADER_BYTES + " bytes."), null, 431);
      return;
    }
    if (!method.equals("POST")) {
      drain(exchange);
      error(exchange, format, Ids.newRequestId(), new GatewayException(ErrorCode.UNSUPPORTED_SURFACE,
          "Use POST on " + surface.path() + "."), null, 405);
      return;
    }
    byte[] body;
    try {
      body = readBody(exchange.getRequestBody(), gateway.limits().maxRequestBytes());
    } catch (TooLarge e) {
      error(exchange, format, Ids.newRequestId(), new GatewayException(ErrorCode.REQUEST_TOO_LARGE,
          "Request body is larger than " + gateway.limits().maxRequestBytes() + " bytes."), null, 0);
      return;
    }
    GatewayRequest.Builder request = GatewayRequest.builder().surface(surface).body(body)
        .query(exchange.getRequestURI().getRawQuery());
    for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
      for (String v : h.getValue()) {
        request.header(h.getKey(), v);
      }
    }
    GatewayResponse response;
    try {
      response = gateway.handle(request.build());
    } catch (RequestRejectedException e) {
      error(exchange, format, e.requestId(), e, e.rejected(), 0);
      return;
    } catch (FailoverExhaustedException e) {
      error(exchange, format, e.requestId(), e, e.rejected(), 0);
      return;
    } catch (GatewayException e) {
      error(exchange, format, Ids.newRequestId(), e, null, 0);
      return;
    } catch (RuntimeException e) {
      LOG.error("gateway failed on {}", surface.path(), e);
      error(exchange, format, Ids.newRequestId(), new GatewayException(ErrorCode.ALL_PROVIDERS_FAILED,
          "Internal gateway error."), null, 500);
      return;
    }
    try (GatewayResponse r = response) {
      write(exchange, r);
    }
  }

  private void write(HttpExchange exchange, GatewayResponse r) throws IOException {
    Headers out = exchange.getResponseHeaders();
    r.headers().forEach(out::add);
    report(out, r.requestId(), r.attempts().size(), r.model(), r.provider(), r.rejected());
    byte[] bytes = r.bodyBytes();
    if (bytes != null) {
      exchange.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(bytes);
        }
      }
      return;
    }
    if (out.getFirst("Cache-Control") == null) {
      out.set("Cache-Control", "no-cache");
    }
    exchange.sendResponseHeaders(r.status(), 0);
    OutputStream os = exchange.getResponseBody();
    InputStream in = r.body();
    byte[] buf = new byte[16384];
    while (true) {
      int n;
      try {
        n = in.read(buf);
      } catch (IOException e) {
        throw new AbortedStream(e.getMessage());
      }
      if (n < 0) {
        break;
      }
      try {
        os.write(buf, 0, n);
        os.flush();
      } catch (IOException e) {
        // the client went away; closing the response cancels the upstream call
        r.close();
        throw new AbortedStream("client disconnected");
      }
    }
    os.close();
  }

  private void models(HttpExchange exchange) throws IOException {
    String token = accessToken(exchange.getRequestHeaders());
    String requestId = Ids.newRequestId();
    List<String> ids;
    try {
      ids = gateway.models(token);
    } catch (GatewayException e) {
      error(exchange, Surface.Format.OPENAI, requestId, e, null, 0);
      return;
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
    byte[] bytes = Json.MAPPER.writeValueAsBytes(root);
    Headers out = exchange.getResponseHeaders();
    out.set("Content-Type", "application/json");
    report(out, requestId, 0, null, null, null);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(bytes);
    }
  }

  private static @Nullable String accessToken(Headers headers) {
    String auth = headers.getFirst("Authorization");
    if (auth != null) {
      return auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : auth.trim();
    }
    String key = headers.getFirst("x-api-key");
    return key == null ? null : key.trim();
  }

  private void error(HttpExchange exchange, Surface.Format format, String requestId, GatewayException e,
      @Nullable List<RejectedCandidate> rejected, int statusOverride) throws IOException {
    int status = statusOverride != 0 ? statusOverride : e.code().status();
    byte[] bytes = ErrorBodies.json(format, requestId, e);
    Headers out = exchange.getResponseHeaders();
    out.set("Content-Type", "application/json");
    ReportHeaders.writeError(prefix, requestId, e, rejected, out::set);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(bytes);
    }
  }

  private void report(Headers out, String requestId, int attempts, @Nullable String model, @Nullable String provider,
      @Nullable List<RejectedCandidate> rejected) {
    ReportHeaders.write(prefix, requestId, attempts, model, provider, rejected, out::set);
  }

  private static byte[] readBody(InputStream in, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    byte[] buf = new byte[16384];
    long total = 0;
    int n;
    try (InputStream body = in) {
      while ((n = body.read(buf)) >= 0) {
        total += n;
        if (total > max) {
          throw new TooLarge();
        }
        out.write(buf, 0, n);
      }
    }
    return out.toByteArray();
  }

  /** Reads and drops an unused body (at most 1 MiB). Not {@code skip}: the JDK's body stream does not bound it. */
  private static void drain(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] buf = new byte[8192];
      long total = 0;
      int n;
      while (total < (1 << 20) && (n = in.read(buf)) >= 0) {
        total += n;
      }
    }
  }

  /** The body was over the limit; nothing more of it is read. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** The response must end without its terminating chunk. */
  private static final class AbortedStream extends IOException {
    private static final long serialVersionUID = 1L;

    AbortedStream(@Nullable String message) {
      super(message);
    }
  }

  @Override
  public String toString() {
    return "GatewayHttpHandler[" + (fallback == null ? "gateway only" : "wrapping " + fallback.getClass().getName())
        + "]";
  }
}
