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
 * as it keeps producing bytes (the client's read timeout applies between reads).
 *
 * <p>Thread-safe.
 */
public final class OkHttpUpstream implements Upstream, AutoCloseable {
  private static final Watchdog WATCHDOG = new Watchdog();

  private final Call.Factory calls;
  /** The client this upstream built and so releases on {@link #close()}; null when the host's. */
  private final @Nullable OkHttpClient owned;

  private OkHttpUpstream(Call.Factory calls, @Nullable OkHttpClient owned) {
    this.calls = calls;
    this.owned = owned;
  }

  /** On a new {@link #defaultClient()}, which {@link #close()} releases. */
  public static OkHttpUpstream create() {
    OkHttpClient client = defaultClient();
    return new OkHttpUpstream(client, client);
  }

  /** On the host's own client or call factory (see the class description for what is enforced). */
  public static OkHttpUpstream create(Call.Factory calls) {
    Objects.requireNonNull(calls, "calls");
    if (calls instanceof OkHttpClient) {
      OkHttpClient c = (OkHttpClient) calls;
      if (c.followRedirects() || c.followSslRedirects() || c.retryOnConnectionFailure()) {
        calls = c.newBuilder().followRedirects(false).followSslRedirects(false).retryOnConnectionFailure(false)
            .build();
      }
    }
    return new OkHttpUpstream(calls, null);
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
   * A client sized for a gateway: no redirects, no retries, 128 concurrent requests (256 idle
   * connections kept 5 minutes), 10 s to connect, 5 minutes between bytes of a response, no call timeout
   * (the gateway's own deadlines apply).
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
        .connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofMinutes(5))
        .writeTimeout(Duration.ofMinutes(1))
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
    Request okRequest = new Request.Builder().url(request.url()).headers(headers.build())
        .method(request.method(), body).build();
    return new OkCall(calls.newCall(okRequest), request.timeout(), request.stream());
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

  private static final class OkCall implements UpstreamCall {
    private final Call call;
    private final Duration timeout;
    private final boolean stream;
    private volatile boolean timedOut;
    private volatile long deadline;

    OkCall(Call call, Duration timeout, boolean stream) {
      this.call = call;
      this.timeout = timeout;
      this.stream = stream;
    }

    @Override
    public UpstreamResponse execute() throws IOException {
      deadline = System.nanoTime() + Math.max(1, timeout.toNanos());
      WATCHDOG.watch(this);
      Response response;
      try {
        response = call.execute();
      } catch (IOException e) {
        disarm();
        if (timedOut) {
          throw timeoutException(e);
        }
        throw e;
      }
      boolean eventStream = stream || isEventStream(response);
      if (eventStream) {
        disarm(); // a stream with headers may run as long as it keeps producing bytes
      }
      return new OkResponse(response, this);
    }

    void disarm() {
      WATCHDOG.forget(this);
    }

    /** Called by the watchdog when the deadline has passed. */
    void expire() {
      timedOut = true;
      call.cancel();
    }

    IOException translate(IOException e) {
      return timedOut ? timeoutException(e) : e;
    }

    private UpstreamTimeoutException timeoutException(IOException cause) {
      UpstreamTimeoutException t = new UpstreamTimeoutException("no answer within " + timeout.toMillis() + " ms");
      t.initCause(cause);
      return t;
    }

    @Override
    public void cancel() {
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

  /**
   * Cancels calls whose deadline passed. One daemon thread polls the set of calls in flight every 10 ms,
   * so starting and finishing a call costs a set insert and remove, never a thread wake-up (a timer
   * queue would signal its thread on every earlier deadline). Deadlines are met within 10 ms.
   */
  private static final class Watchdog implements Runnable {
    // a concurrent set: run() removes expired calls while iterating, and calls finish on other threads
    private final java.util.concurrent.ConcurrentHashMap.KeySetView<OkCall, Boolean> calls =
        java.util.concurrent.ConcurrentHashMap.newKeySet();

    Watchdog() {
      Thread t = new Thread(this, "aigateway-okhttp-watchdog");
      t.setDaemon(true);
      t.start();
    }

    void watch(OkCall call) {
      calls.add(call);
    }

    void forget(OkCall call) {
      calls.remove(call);
    }

    @Override
    public void run() {
      while (true) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
        long now = System.nanoTime();
        for (OkCall c : calls) {
          if (now - c.deadline >= 0 && calls.remove(c)) {
            c.expire();
          }
        }
      }
    }
  }
}
