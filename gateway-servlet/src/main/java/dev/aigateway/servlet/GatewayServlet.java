package dev.aigateway.servlet;

import dev.aigateway.Cancellation;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.http.GatewayFront;
import dev.aigateway.http.HttpReply;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@code /v1/} surfaces as an asynchronous servlet: {@code POST /v1/chat/completions},
 * {@code /v1/completions}, {@code /v1/embeddings}, {@code /v1/responses}, {@code /v1/messages} and
 * {@code GET /v1/models}, with the access key as {@code Authorization: Bearer} or {@code x-api-key}. Map it
 * at {@code /v1/*} with async support on; it reads the path after the context path, so it answers the
 * same under any context.
 *
 * <pre>{@code
 * ServletRegistration.Dynamic reg = context.addServlet("aigateway", GatewayServlet.create(gateway));
 * reg.addMapping("/v1/*");
 * reg.setAsyncSupported(true);
 * }</pre>
 *
 * <p>Threads: the container thread only routes the request; the body is read with a non-blocking
 * {@link ReadListener} (a slow client holds no thread, and a body over {@code maxRequestBytes} is answered
 * 413 as soon as it crosses the limit, with no upstream call), then the upstream call and the copy of its
 * response run on the gateway's own pool. A stream, idle or not, holds one gateway thread and no container
 * thread, so streams never starve the container's other requests. When the gateway pool is full the
 * request is answered 503 with {@code Retry-After}, with no upstream call.
 *
 * <p>Responses carry the {@code AIG-*} report headers; errors use the surface's format. Browser clients from
 * the origins the account settings allow get CORS ({@code OPTIONS} preflights, {@code Access-Control-*}
 * headers), as {@link GatewayFront#route(String, String, long, GatewayFront.RequestHeaders)} decides. A stream is
 * flushed per chunk; if the provider breaks after the first byte the connection is dropped without the
 * terminating chunk (via an async dispatch that fails), so the client never sees a clean end. A client
 * that goes away cancels the upstream call (noticed at the next write, or when the container reports the
 * connection's failure).
 */
public final class GatewayServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GatewayServlet.class);
  /** Set on a request whose committed response must end abruptly; the async dispatch then fails. */
  static final String ABORT = GatewayServlet.class.getName() + ".abort";
  private static final byte[] STREAM = "\"stream\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** Threads of the pool a servlet makes for itself when given no executor. */
  public static final int DEFAULT_THREADS = 256;

  private final transient GatewayFront front;
  private final transient Executor executor;
  private final transient @Nullable ExecutorService ownPool;
  /**
   * With the servlet's own pool: gateway requests in flight, streams included. A request that is not a
   * stream runs on the container's thread that read its body (no hand-off); a stream runs on the pool, so
   * that it never holds a container thread.
   */
  private final transient @Nullable Semaphore inFlight;
  private final transient Duration retryAfter;

  private GatewayServlet(GatewayFront front, Executor executor, @Nullable ExecutorService ownPool,
      @Nullable Semaphore inFlight, Duration retryAfter) {
    this.front = front;
    this.executor = executor;
    this.ownPool = ownPool;
    this.inFlight = inFlight;
    this.retryAfter = retryAfter;
  }

  /** Serves {@code gateway} with a pool of {@link #DEFAULT_THREADS} threads and {@code AIG-} headers. */
  public static GatewayServlet create(Gateway gateway) {
    return builder(gateway).build();
  }

  public static Builder builder(Gateway gateway) {
    return new Builder(GatewayFront.create(Objects.requireNonNull(gateway, "gateway")));
  }

  /** The shared surface logic this servlet carries requests to. */
  public GatewayFront front() {
    return front;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    serve(req, resp);
  }

  /** Stops the servlet's own pool (a pool given to the builder is the host's to stop). */
  @Override
  public void destroy() {
    if (ownPool != null) {
      ownPool.shutdown();
    }
  }

  /** Serves one request whose path (after the context path) is under {@code /v1}. */
  void serve(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (req.getDispatcherType() == DispatcherType.ASYNC && req.getAttribute(ABORT) != null) {
      // the container answers a failure after commit by dropping the connection: no terminating chunk
      throw new IOException("stream aborted after the response was committed");
    }
    String path = pathOf(req);
    long headerBytes = 0;
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements();) {
      String name = names.nextElement();
      List<String> values = Collections.list(req.getHeaders(name));
      for (String v : values) {
        headerBytes += name.length() + v.length() + 4;
      }
      headers.put(name, values);
    }
    GatewayFront.Route route = front.route(req.getMethod(), path, headerBytes, req::getHeader);
    route.forEachCorsHeader(resp::setHeader); // on every answer below, errors and streams too
    HttpReply reply = route.reply();
    Surface surface = route.surface();
    if (reply != null || surface == null) {
      send(resp, reply != null ? reply : front.internalError(route.format()), false);
      return;
    }
    long max = front.maxRequestBytes();
    if (!req.isAsyncSupported()) {
      // a chain without async support (a filter or the target servlet lacks it): serve on this thread
      Exchange exchange = new Exchange(null, req, resp, surface, headers);
      if (req.getContentLengthLong() > max || !exchange.readAll()) {
        exchange.finish(front.bodyTooLarge(surface.format()), true);
        return;
      }
      if (exchange.call()) {
        throw new IOException("stream aborted after the response was committed");
      }
      return;
    }
    AsyncContext async = req.startAsync(req, resp);
    async.setTimeout(0); // the gateway's own deadlines bound the upstream call; the container's idle timeout the client
    Exchange exchange = new Exchange(async, req, resp, surface, headers);
    async.addListener(exchange);
    if (req.getContentLengthLong() > max) {
      exchange.finish(front.bodyTooLarge(surface.format()), true);
      return;
    }
    req.getInputStream().setReadListener(exchange);
  }

  static String pathOf(HttpServletRequest req) {
    String uri = req.getRequestURI();
    String context = req.getContextPath();
    return context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length());
  }

  private static void send(HttpServletResponse resp, HttpReply reply, boolean close) throws IOException {
    resp.setStatus(reply.status());
    reply.forEachHeader(resp::setHeader);
    if (close) {
      resp.setHeader("Connection", "close");
    }
    resp.setContentLength(reply.bodyLength());
    if (reply.bodyLength() > 0) {
      reply.writeBody(resp.getOutputStream());
    }
  }

  /** One request in async mode: reads its body, calls the gateway on the pool, writes the answer. */
  private final class Exchange implements ReadListener, AsyncListener, Runnable {
    /** Null when served on the container's thread. */
    private final @Nullable AsyncContext async;
    private final HttpServletRequest req;
    private final HttpServletResponse resp;
    private final Surface surface;
    private final Map<String, List<String>> headers;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(4096);
    private final byte[] buf = new byte[16384];
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean clientGone;
    private volatile @Nullable GatewayResponse response;
    /** Stops the gateway's work when the client goes away before or during the response. */
    private final Cancellation cancellation = Cancellation.create();

    Exchange(@Nullable AsyncContext async, HttpServletRequest req, HttpServletResponse resp, Surface surface,
        Map<String, List<String>> headers) {
      this.async = async;
      this.req = req;
      this.resp = resp;
      this.surface = surface;
      this.headers = headers;
    }

    @Override
    public void onDataAvailable() throws IOException {
      ServletInputStream in = req.getInputStream();
      long max = front.maxRequestBytes();
      while (!finished.get() && in.isReady()) {
        int n = in.read(buf);
        if (n < 0) {
          return;
        }
        if (body.size() + (long) n > max) {
          // nothing more of the body is read; the connection closes after the answer
          finish(front.bodyTooLarge(surface.format()), true);
          return;
        }
        body.write(buf, 0, n);
      }
    }

    /** Whether the body asks for a stream: it names {@code "stream"} (a false positive only costs a hand-off). */
    private boolean mayStream() {
      byte[] b = body.toByteArray();
      outer:
      for (int i = 0; i + STREAM.length <= b.length; i++) {
        for (int j = 0; j < STREAM.length; j++) {
          if (b[i + j] != STREAM[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }

    /** Reads the whole body on this thread; false when it is over the limit (the rest is not read). */
    boolean readAll() throws IOException {
      ServletInputStream in = req.getInputStream();
      long max = front.maxRequestBytes();
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (body.size() + (long) n > max) {
          return false;
        }
        body.write(buf, 0, n);
      }
      return true;
    }

    @Override
    public void onAllDataRead() {
      if (finished.get()) {
        return;
      }
      Semaphore permits = inFlight;
      if (permits != null) {
        if (!permits.tryAcquire()) {
          finish(front.overloaded(surface.format(), retryAfter), true);
          return;
        }
        if (!mayStream()) {
          try {
            run(); // on this container thread: a whole answer needs no hand-off to another thread
          } finally {
            permits.release();
          }
          return;
        }
        try {
          executor.execute(() -> {
            try {
              run();
            } finally {
              permits.release();
            }
          });
        } catch (RejectedExecutionException full) {
          permits.release();
          finish(front.overloaded(surface.format(), retryAfter), true);
        }
        return;
      }
      try {
        executor.execute(this);
      } catch (RejectedExecutionException full) {
        finish(front.overloaded(surface.format(), retryAfter), true);
      }
    }

    @Override
    public void onError(Throwable t) {
      // the client failed while sending its body: nothing to answer
      clientGone = true;
      complete();
    }

    @Override
    public void run() {
      if (call()) {
        abort();
      }
    }

    /** Calls the gateway and writes its answer; true when a committed response must end abruptly. */
    boolean call() {
      GatewayFront.Outcome outcome;
      try {
        outcome = front.call(surface, body.toByteArray(), req.getQueryString(), headers, cancellation);
      } catch (RuntimeException e) {
        LOG.error("gateway failed on {}", surface.path(), e);
        finish(front.internalError(surface.format()), false);
        return false;
      }
      GatewayResponse r = outcome.response();
      if (r == null) {
        HttpReply error = outcome.reply();
        finish(error != null ? error : front.internalError(surface.format()), false);
        return false;
      }
      response = r;
      try (r) {
        if (clientGone) {
          complete();
          return false;
        }
        return write(r);
      } catch (RuntimeException e) {
        LOG.error("writing the response of {} failed", r.requestId(), e);
        return true;
      }
    }

    /** Writes the response; true when it broke after commit and must end abruptly. */
    private boolean write(GatewayResponse r) {
      resp.setStatus(r.status());
      front.responseHeaders(r, resp::addHeader);
      byte[] bytes = r.bodyBytes();
      ServletOutputStream out;
      try {
        out = resp.getOutputStream();
        if (bytes != null) {
          resp.setContentLength(bytes.length);
          out.write(bytes);
          complete();
          return false;
        }
        if (r.body().available() <= 0) {
          resp.flushBuffer(); // nothing to send yet: the status and headers go out before the first event
        } // else they go out with the first bytes, in one write
      } catch (IOException e) {
        clientGone = true;
        complete();
        return false;
      }
      InputStream in = r.body();
      byte[] chunk = new byte[16384];
      while (true) {
        int n;
        try {
          n = in.read(chunk);
        } catch (IOException e) {
          if (clientGone) {
            complete();
            return false;
          }
          return true;
        }
        if (n < 0) {
          break;
        }
        try {
          out.write(chunk, 0, n);
          out.flush();
        } catch (IOException e) {
          // the client went away; closing the response (try-with-resources) cancels the upstream call
          clientGone = true;
          complete();
          return false;
        }
      }
      complete();
      return false;
    }

    /** Ends a committed response without its clean end: the async dispatch fails (see {@link #serve}). */
    private void abort() {
      if (async != null && finished.compareAndSet(false, true)) {
        req.setAttribute(ABORT, true);
        try {
          async.dispatch();
        } catch (IllegalStateException e) {
          LOG.debug("the request ended before its stream could be aborted", e);
        }
      }
    }

    void finish(HttpReply reply, boolean close) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      try {
        send(resp, reply, close);
      } catch (IOException | IllegalStateException e) {
        clientGone = true;
      }
      completeAsync();
    }

    private void complete() {
      if (finished.compareAndSet(false, true)) {
        completeAsync();
      }
    }

    private void completeAsync() {
      if (async != null) {
        try {
          async.complete();
        } catch (IllegalStateException e) {
          LOG.debug("the request had already ended", e);
        }
      }
    }

    @Override
    public void onComplete(AsyncEvent event) {
      // nothing held beyond the response, which its writer closes
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      cancel();
    }

    @Override
    public void onError(AsyncEvent event) {
      cancel();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      // one async cycle per request
    }

    /** The connection failed or timed out: stop the upstream call, end the request. */
    private void cancel() {
      clientGone = true;
      cancellation.cancel(); // the upstream call in flight, or the stream returned
      GatewayResponse r = response;
      if (r != null) {
        r.close();
      }
      complete();
    }
  }

  /** Settings of a {@link GatewayServlet}. */
  public static final class Builder {
    private GatewayFront front;
    private @Nullable Executor executor;
    private int threads = DEFAULT_THREADS;
    private Duration retryAfter = Duration.ofSeconds(1);

    private Builder(GatewayFront front) {
      this.front = front;
    }

    /** Report headers with this prefix instead of {@code AIG-}. */
    public Builder headerPrefix(String headerPrefix) {
      front = front.withHeaderPrefix(headerPrefix);
      return this;
    }

    /**
     * Runs upstream calls and response copies on {@code executor} (the host's; the servlet never shuts it
     * down). A stream holds one of its threads for its whole length. When it rejects a task (a bounded pool
     * that is full) the request is answered 503 with {@code Retry-After}.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Without an executor: at most this many gateway requests, streams included, run at once (default
     * {@value #DEFAULT_THREADS}); more are answered 503. A request that does not ask for a stream runs on the
     * container's thread that read it; a stream runs on the servlet's own threads.
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be > 0 but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** The {@code Retry-After} of a 503 when the pool is full (default 1 s, rounded up to seconds). */
    public Builder retryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative() || retryAfter.isZero()) {
        throw new IllegalArgumentException("retryAfter must be > 0 but was " + retryAfter);
      }
      this.retryAfter = retryAfter;
      return this;
    }

    public GatewayServlet build() {
      if (executor != null) {
        return new GatewayServlet(front, executor, null, null, retryAfter);
      }
      ExecutorService pool = newPool();
      return new GatewayServlet(front, pool, pool, new Semaphore(threads), retryAfter);
    }

    /** Threads for streams; how many run at once is bounded by the servlet's permits, not by the pool. */
    private static ExecutorService newPool() {
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
          new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "aigateway-servlet-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          }, new ThreadPoolExecutor.AbortPolicy());
      return pool;
    }
  }

  @Override
  public String toString() {
    return "GatewayServlet[" + front + "]";
  }
}
