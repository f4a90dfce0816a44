package dev.aigateway.httpserver;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.http.GatewayFront;
import dev.aigateway.http.HttpReply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Serves the gateway on a JDK {@link HttpServer}: {@code POST /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/responses}, {@code /v1/messages} and {@code GET /v1/models}, with the
 * access key as {@code Authorization: Bearer} or {@code x-api-key}. Every response, errors included,
 * carries {@code AIG-Request-Id}, {@code AIG-Attempts}, {@code AIG-Model}, {@code AIG-Provider} and, when
 * candidates were refused, {@code AIG-Rejected-Models}. Errors use the surface's own format. Browser clients
 * from the origins the account settings allow get CORS ({@code OPTIONS} preflights, {@code Access-Control-*}
 * headers). What a request is and how it is answered is {@link GatewayFront}'s; this class carries the
 * exchange to it and back.
 *
 * <p>Streams are written chunk by chunk and flushed per chunk. If the provider breaks after the first
 * byte, the connection is closed without the terminating chunk, so the client sees an error, never a
 * clean end. A client that goes away cancels the upstream call.
 *
 * <p>The JDK server runs handlers on one thread unless given an executor, and each request (a stream for
 * its whole length) holds a thread: use {@link #newServer} or {@link #newExecutor}, which answer 503 with
 * {@code Retry-After} when every thread is busy instead of queueing or running work on the acceptor.
 */
public final class GatewayHttpHandler implements HttpHandler {
  /** Largest total size of request headers accepted; more is answered 431 before anything else. */
  public static final int MAX_HEADER_BYTES = GatewayFront.MAX_HEADER_BYTES;
  /** How long a client may take to send a request body, by default. */
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);

  private final GatewayFront front;
  private final @Nullable HttpHandler fallback;
  private final Duration bodyTimeout;

  private GatewayHttpHandler(GatewayFront front, @Nullable HttpHandler fallback, Duration bodyTimeout) {
    this.front = front;
    this.fallback = fallback;
    this.bodyTimeout = bodyTimeout;
  }

  /** Serves {@code /v1/*}; other paths answer 404. */
  public static GatewayHttpHandler create(Gateway gateway) {
    return new GatewayHttpHandler(GatewayFront.create(gateway), null, DEFAULT_BODY_TIMEOUT);
  }

  /** Serves {@code /v1/*} and passes every other request to {@code existing}. */
  public static GatewayHttpHandler wrap(Gateway gateway, HttpHandler existing) {
    return new GatewayHttpHandler(GatewayFront.create(gateway), Objects.requireNonNull(existing, "existing"),
        DEFAULT_BODY_TIMEOUT);
  }

  /** A copy whose reporting headers use another prefix than {@code AIG-}. */
  public GatewayHttpHandler withHeaderPrefix(String headerPrefix) {
    return new GatewayHttpHandler(front.withHeaderPrefix(headerPrefix), fallback, bodyTimeout);
  }

  /**
   * A copy that gives a client at most {@code timeout} to send a request body (default 30 s); a slower
   * body is answered 408 and its connection closed. Checked as the body arrives: a client that sends
   * nothing at all is bounded only by the JDK server's own {@code sun.net.httpserver.maxReqTime}.
   */
  public GatewayHttpHandler withBodyTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
    }
    return new GatewayHttpHandler(front, fallback, timeout);
  }

  /**
   * An {@link HttpServer} bound to {@code address} with {@link #newExecutor newExecutor(threads)}. After
   * {@code server.stop(...)}, shut the pool down: {@code ((ExecutorService) server.getExecutor()).shutdown()}.
   * Nagle's algorithm stays as the JDK sets it: run with {@code -Dsun.net.httpserver.nodelay=true} so small
   * stream chunks are not held back.
   */
  public static HttpServer newServer(InetSocketAddress address, int threads) throws IOException {
    ExecutorService pool = newExecutor(threads);
    HttpServer server = HttpServer.create(address, 1024);
    server.setExecutor(pool);
    return server;
  }

  /**
   * A pool of {@code threads} handler threads (a stream holds one for its whole length) and a waiting line
   * of {@code threads} exchanges: an exchange that finds both full is answered 503 with
   * {@code Retry-After: 1} by a small overflow pool, and the server's dispatcher thread never runs a
   * handler. Shut it down after {@code server.stop}.
   */
  public static ExecutorService newExecutor(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be > 0 but was " + threads);
    }
    return new BoundedExecutor(threads);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    if (!GatewayFront.isGatewayPath(path)) {
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
    Headers in = exchange.getRequestHeaders();
    if (BoundedExecutor.isOverflow()) {
      Surface surface = Surface.fromPath(path);
      exchange.getResponseHeaders().set("Connection", "close");
      send(exchange, front.overloaded(surface == null ? Surface.Format.OPENAI : surface.format(),
          Duration.ofSeconds(1)));
      return;
    }
    long headerBytes = 0;
    for (Map.Entry<String, List<String>> h : in.entrySet()) {
      for (String v : h.getValue()) {
        headerBytes += h.getKey().length() + v.length() + 4;
      }
    }
    GatewayFront.Route route = front.route(exchange.getRequestMethod(), path, headerBytes, in::getFirst);
    route.forEachCorsHeader(exchange.getResponseHeaders()::set); // on every answer below, errors and streams too
    HttpReply reply = route.reply();
    Surface surface = route.surface();
    if (reply != null || surface == null) {
      drain(exchange);
      send(exchange, reply != null ? reply : front.internalError(route.format()));
      return;
    }
    byte[] body;
    try {
      body = readBody(exchange.getRequestBody(), front.maxRequestBytes(), System.nanoTime() + bodyTimeout.toNanos());
    } catch (TooLarge e) {
      exchange.getResponseHeaders().set("Connection", "close");
      send(exchange, front.bodyTooLarge(surface.format()));
      return;
    } catch (TooSlow e) {
      exchange.getResponseHeaders().set("Connection", "close");
      exchange.sendResponseHeaders(408, -1);
      return;
    }
    GatewayFront.Outcome outcome = front.call(surface, body, exchange.getRequestURI().getRawQuery(), in);
    GatewayResponse response = outcome.response();
    if (response == null) {
      HttpReply error = outcome.reply();
      send(exchange, error != null ? error : front.internalError(surface.format()));
      return;
    }
    try (GatewayResponse r = response) {
      write(exchange, r);
    }
  }

  private void write(HttpExchange exchange, GatewayResponse r) throws IOException {
    Headers out = exchange.getResponseHeaders();
    front.responseHeaders(r, out::add);
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

  private static void send(HttpExchange exchange, HttpReply reply) throws IOException {
    Headers out = exchange.getResponseHeaders();
    reply.forEachHeader(out::set);
    boolean empty = reply.bodyLength() == 0 || exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(reply.status(), empty ? -1 : reply.bodyLength());
    if (!empty) {
      try (OutputStream os = exchange.getResponseBody()) {
        reply.writeBody(os);
      }
    }
  }

  private static byte[] readBody(InputStream in, long max, long deadline) throws IOException {
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
        if (System.nanoTime() - deadline > 0) {
          throw new TooSlow();
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

  /** The body took longer than the body timeout. */
  private static final class TooSlow extends IOException {
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
