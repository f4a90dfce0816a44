package dev.aigateway.okhttp;

import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamRequest;
import dev.aigateway.spi.UpstreamResponse;
import dev.aigateway.spi.UpstreamTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's {@link Upstream} on OkHttp. Takes any {@link Call.Factory}, so the host brings its own
 * configured client (proxy, TLS, event listener, connection pool). When that factory is an
 * {@link OkHttpClient}, a client sharing its pool and dispatcher is derived with redirects and OkHttp's
 * own retries turned off: the gateway is the one retry layer and never follows a redirect with a
 * credential.
 *
 * <p>Each attempt's timeout is enforced by a watchdog that cancels the call: until the headers arrive,
 * and for a non-streaming request until the body is read. A stream, once it has headers, may run as long
 * as it keeps producing bytes: it is cancelled after {@link #STREAM_IDLE_TIMEOUT} without one (and the
 * client's own read timeout, if it has one, applies between reads too).
 *
 * <p>A pooled HTTP/1.1 connection that sat idle is checked before a request is written to it, so a
 * connection the provider closed meanwhile is never used, and a request is never sent twice
 * ({@code StaleConnectionProbe}). This needs an {@link OkHttpClient}; another {@link Call.Factory} is used
 * as it is.
 *
 * <p>Thread-safe.
 */
public final class OkHttpUpstream implements Upstream, AutoCloseable {
  /** How long a stream with headers may go without producing a byte before it is cancelled. */
  public static final Duration STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);
  /** Stale connections one call may meet (and close) before it gives up: each is closed, so few remain. */
  private static final int MAX_STALE_RETRIES = 64;


  private final Call.Factory calls;
  /** The client this upstream built and so releases on {@link #close()}; null when the host's. */
  private final @Nullable OkHttpClient owned;
  /** Checks pooled connections before reuse; null when the factory is not an {@link OkHttpClient}. */
  private final @Nullable StaleConnectionProbe probe;

  private OkHttpUpstream(Call.Factory calls, @Nullable OkHttpClient owned, @Nullable StaleConnectionProbe probe) {
    this.calls = calls;
    this.owned = owned;
    this.probe = probe;
  }

  /** On a new {@link #defaultClient()}, which {@link #close()} releases. */
  public static OkHttpUpstream create() {
    StaleConnectionProbe probe = new StaleConnectionProbe();
    OkHttpClient client = made(defaultClient(), probe);
    return new OkHttpUpstream(client, client, probe);
  }

  /** On the host's own client or call factory (see the class description for what is enforced). */
  public static OkHttpUpstream create(Call.Factory calls) {
    Objects.requireNonNull(calls, "calls");
    if (calls instanceof OkHttpClient client) {
      StaleConnectionProbe probe = new StaleConnectionProbe();
      return new OkHttpUpstream(made(client, probe), null, probe);
    }
    return new OkHttpUpstream(calls, null, null);
  }

  /**
   * A client sharing {@code c}'s pool and dispatcher, with redirects and OkHttp's own retries off and the
   * stale-connection probe in front of {@code c}'s event listener.
   */
  private static OkHttpClient made(OkHttpClient c, StaleConnectionProbe probe) {
    return c.newBuilder().followRedirects(false).followSslRedirects(false).retryOnConnectionFailure(false)
        .eventListenerFactory(probe.around(c.eventListenerFactory())).build();
  }

  /**
   * On {@code client}, but every host name must resolve only to public addresses when a connection is
   * made ({@link dev.aigateway.spi.BaseUrlGuard#isPublic}): a name whose DNS answer changes to a private
   * or local address after it was accepted (DNS rebinding) fails to connect. IP-literal URLs are not
   * looked up; {@code BaseUrlGuard.publicHttpsOnly} judges those when they are accepted.
   */
  public static OkHttpUpstream publicAddressesOnly(OkHttpClient client) {
    Objects.requireNonNull(client, "client");
    okhttp3.Dns dns = client.dns();
    okhttp3.Dns filtered = host -> {
      List<java.net.InetAddress> addresses = dns.lookup(host);
      for (java.net.InetAddress a : addresses) {
        if (!dev.aigateway.spi.BaseUrlGuard.isPublic(a)) {
          throw new java.net.UnknownHostException(host + " resolves to a private or local address; refused");
        }
      }
      return addresses;
    };
    return create(client.newBuilder().dns(filtered).build());
  }

  /** The client this upstream built, or null when it runs on the host's. */
  @Nullable OkHttpClient ownedClient() {
    return owned;
  }

  /**
   * Releases the client {@link #create()} built: its dispatcher's threads stop once idle and its pooled
   * connections close. An upstream on the host's own client leaves that client alone. Idempotent.
   */
  @Override
  public void close() {
    if (owned != null) {
      owned.dispatcher().executorService().shutdown();
      owned.connectionPool().evictAll();
    }
  }

  /**
   * A client sized for a gateway: no redirects, no retries, 1024 concurrent requests (512 per host; 256
   * idle connections kept 5 minutes), 10 s to connect. It sets no read, write or call timeout: the
   * gateway's deadlines and {@link #STREAM_IDLE_TIMEOUT} are enforced by one polling watchdog, because
   * OkHttp's per-read timeouts wake Okio's timeout thread on every request.
   */
  public static OkHttpClient defaultClient() {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(1024);
    dispatcher.setMaxRequestsPerHost(512);
    return new OkHttpClient.Builder()
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .dispatcher(dispatcher)
        .connectionPool(QuietConnectionPool.create(256, 5, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ZERO)
        .writeTimeout(Duration.ZERO)
        .callTimeout(Duration.ZERO)
        .build();
  }

  @Override
  public UpstreamCall newCall(UpstreamRequest request) {
    Headers.Builder headers = new Headers.Builder();
    MediaType type = null;
    for (int i = 0; i < request.headers().size(); i++) {
      String name = request.headers().name(i);
      String value = request.headers().value(i);
      if (name.equalsIgnoreCase("content-type")) {
        type = mediaType(value);
      }
      headers.addUnsafeNonAscii(name, value);
    }
    RequestBody body = request.method().equals("GET") ? null
        : RequestBody.create(request.body(), type, request.bodyOffset(), request.bodyLength());
    Request okRequest = new Request.Builder().url(url(request.url())).headers(headers.build())
        .method(request.method(), body).build();
    return new OkCall(calls.newCall(okRequest), request.timeout(), request.stream(), probe);
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, okhttp3.HttpUrl> URLS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Parsed upstream URLs, remembered: a gateway calls a few endpoints (a provider's base URL and a surface
   * path) over and over, and parsing one (host canonicalization, IDN) took 7% of a request's CPU. A URL
   * with a query (the client's own) is not remembered, so clients cannot fill the cache.
   */
  private static okhttp3.HttpUrl url(String value) {
    okhttp3.HttpUrl cached = URLS.get(value);
    if (cached != null) {
      return cached;
    }
    okhttp3.HttpUrl parsed = okhttp3.HttpUrl.get(value); // throws IllegalArgumentException as Request.url does
    if (value.indexOf('?') < 0 && URLS.size() < 256) {
      URLS.put(value, parsed);
    }
    return parsed;
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, MediaType> MEDIA_TYPES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Parsed content types, remembered (MediaType.parse uses a regex; clients send few distinct values). */
  private static @Nullable MediaType mediaType(String value) {
    MediaType cached = MEDIA_TYPES.get(value);
    if (cached != null) {
      return cached;
    }
    MediaType parsed = MediaType.parse(value);
    if (parsed != null && MEDIA_TYPES.size() < 256) {
      MEDIA_TYPES.put(value, parsed);
    }
    return parsed;
  }

  @Override
  public String toString() {
    return "OkHttpUpstream[" + calls.getClass().getSimpleName() + "]";
  }

  private static final class OkCall implements UpstreamCall, Watchdog.Watched {
    private volatile Call call;
    private final Duration timeout;
    private final boolean stream;
    private final @Nullable StaleConnectionProbe probe;
    private volatile boolean timedOut;
    private volatile boolean cancelled;
    /** Until the response is read (or, for a stream, has headers): the attempt's deadline. */
    private volatile long deadline;
    /** For a stream with headers: cancelled when no byte arrived since {@code lastRead} for too long. */
    private volatile boolean idleWatch;
    private volatile long lastRead;

    OkCall(Call call, Duration timeout, boolean stream, @Nullable StaleConnectionProbe probe) {
      this.call = call;
      this.timeout = timeout;
      this.stream = stream;
      this.probe = probe;
    }

    @Override
    public UpstreamResponse execute() throws IOException {
      deadline = System.nanoTime() + Math.max(1, timeout.toNanos());
      Watchdog.INSTANCE.watch(this);
      Response response;
      try {
        response = executeAvoidingStaleConnections();
      } catch (IOException e) {
        disarm();
        if (timedOut) {
          throw timeoutException(e);
        }
        throw e;
      }
      boolean eventStream = stream || isEventStream(response);
      if (eventStream) {
        // a stream with headers may run as long as it keeps producing bytes
        lastRead = System.nanoTime();
        idleWatch = true;
      }
      return new OkResponse(response, this);
    }

    /**
     * Executes the call; when it failed only because the probe found its pooled connection stale and
     * closed it before the first byte was written, executes it again: nothing reached the provider.
     */
    private Response executeAvoidingStaleConnections() throws IOException {
      for (int tries = 0; ; tries++) {
        Call current = call;
        try {
          return current.execute();
        } catch (IOException e) {
          if (probe == null || !probe.consumeStale(current) || tries >= MAX_STALE_RETRIES || cancelled
              || timedOut) {
            throw e;
          }
          Call next = current.clone();
          call = next;
          if (cancelled) {
            next.cancel(); // cancelled while it was being replaced
          }
        }
      }
    }

    void disarm() {
      Watchdog.INSTANCE.forget(this);
    }

    void bytesArrived() {
      if (idleWatch) {
        lastRead = System.nanoTime();
      }
    }

    @Override
    public boolean poll(long now) {
      if (idleWatch ? now - lastRead - STREAM_IDLE_TIMEOUT.toNanos() >= 0 : now - deadline >= 0) {
        timedOut = true;
        call.cancel();
        return true;
      }
      return false;
    }

    IOException translate(IOException e) {
      return timedOut ? timeoutException(e) : e;
    }

    private UpstreamTimeoutException timeoutException(IOException cause) {
      UpstreamTimeoutException t = new UpstreamTimeoutException(idleWatch
          ? "no bytes for " + STREAM_IDLE_TIMEOUT.toSeconds() + " s"
          : "no answer within " + timeout.toMillis() + " ms");
      t.initCause(cause);
      return t;
    }

    @Override
    public void cancel() {
      cancelled = true;
      disarm();
      call.cancel();
    }

    private static boolean isEventStream(Response r) {
      String type = r.header("Content-Type");
      return type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
    }
  }

  private static final class OkResponse implements UpstreamResponse {
    private final Response response;
    private final OkCall call;
    private final dev.aigateway.Headers headers;
    private final InputStream body;

    OkResponse(Response response, OkCall call) {
      this.response = response;
      this.call = call;
      Headers h = response.headers();
      dev.aigateway.Headers.Builder b = dev.aigateway.Headers.builder();
      for (int i = 0; i < h.size(); i++) {
        b.add(h.name(i), h.value(i));
      }
      this.headers = b.build();
      ResponseBody rb = response.body();
      InputStream raw = rb.byteStream();
      this.body = new InputStream() {
        @Override
        public int read() throws IOException {
          try {
            int b = raw.read();
            if (b < 0) {
              call.disarm();
            } else {
              call.bytesArrived();
            }
            return b;
          } catch (IOException e) {
            throw call.translate(e);
          }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          try {
            int n = raw.read(b, off, len);
            if (n < 0) {
              call.disarm();
            } else {
              call.bytesArrived();
            }
            return n;
          } catch (IOException e) {
            throw call.translate(e);
          }
        }

        @Override
        public void close() throws IOException {
          call.disarm();
          raw.close();
        }
      };
    }

    @Override
    public int status() {
      return response.code();
    }

    @Override
    public dev.aigateway.Headers headers() {
      return headers;
    }

    @Override
    public InputStream body() {
      return body;
    }

    @Override
    public void close() {
      call.disarm();
      response.close();
    }
  }
}
