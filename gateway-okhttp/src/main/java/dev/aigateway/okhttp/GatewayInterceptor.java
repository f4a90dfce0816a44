package dev.aigateway.okhttp;

import dev.aigateway.Cancellation;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.routing.RejectedCandidate;
import dev.aigateway.RequestCanceledException;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.http.ErrorBodies;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.http.ReportHeaders;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.ForwardingSink;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * An application interceptor for apps that already call providers through OkHttp: a POST whose path
 * ends in a gateway surface ({@code /v1/chat/completions}, {@code /v1/messages}, ...) and whose
 * {@code Authorization}/{@code x-api-key} carries an <em>access key</em> (a credential with the gateway's
 * token prefix, {@code ng-} by default) is authenticated, access-checked, routed and failed over by the
 * gateway in-process; the call never goes where its URL points. Every other request, including one that
 * carries a provider's own key ({@code sk-...}) or no credential, proceeds untouched. The body limit is
 * enforced while the body is read. The app's call governs the gateway's work: what remains of the call's
 * timeout becomes the request's deadline when it is shorter than the gateway's, and cancelling the call
 * (or its timeout firing) cancels the upstream call in flight, stops failover, and ends a stream the app
 * is reading with an {@link IOException}, as OkHttp does for its own calls.
 *
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder()
 *     .addInterceptor(GatewayInterceptor.create(gateway))
 *     .build();
 * }</pre>
 *
 * <p>The gateway's own upstream must not be this client (or the calls would loop): give the gateway an
 * {@link OkHttpUpstream} on a client without this interceptor.
 */
public final class GatewayInterceptor implements Interceptor {
  private static final MediaType JSON = MediaType.get("application/json");

  private final Gateway gateway;

  private GatewayInterceptor(Gateway gateway) {
    this.gateway = gateway;
  }

  public static GatewayInterceptor create(Gateway gateway) {
    return new GatewayInterceptor(Objects.requireNonNull(gateway, "gateway"));
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    long entered = System.nanoTime();
    Request request = chain.request();
    Surface surface = surfaceOf(request.url().encodedPath());
    if (surface == null || !request.method().equals("POST") || !carriesAccessKey(request)) {
      return chain.proceed(request);
    }
    byte[] body = new byte[0];
    if (request.body() != null) {
      long limit = gateway.limits().maxRequestBytes();
      Buffer buffer = new Buffer();
      try {
        if (request.body().contentLength() > limit) {
          throw new TooLarge();
        }
        BufferedSink bounded = Okio.buffer(new ForwardingSink(buffer) {
          @Override
          public void write(Buffer source, long byteCount) throws IOException {
            if (buffer.size() + byteCount > limit) {
              throw new TooLarge(); // stop reading the body at once, not after buffering it all
            }
            super.write(source, byteCount);
          }
        });
        request.body().writeTo(bounded);
        bounded.flush();
      } catch (TooLarge e) {
        return error(request, surface, Ids.newRequestId(), new GatewayException(
            dev.aigateway.ErrorCode.REQUEST_TOO_LARGE, "Request body is larger than " + limit + " bytes."), null);
      }
      body = buffer.readByteArray();
    }
    long callTimeoutNanos = chain.call().timeout().timeoutNanos();
    // the call's timeout started before this interceptor ran: what reading the body took is spent already
    long leftNanos = callTimeoutNanos - (System.nanoTime() - entered);
    if (callTimeoutNanos > 0 && leftNanos <= 0) {
      throw new java.io.InterruptedIOException("timeout");
    }
    Cancellation cancellation = Cancellation.create();
    GatewayRequest.Builder g = GatewayRequest.builder().surface(surface).body(body)
        .query(request.url().encodedQuery()).cancellation(cancellation)
        .timeout(callTimeoutNanos > 0 ? java.time.Duration.ofNanos(leftNanos) : null);
    Headers headers = request.headers();
    for (int i = 0; i < headers.size(); i++) {
      g.header(headers.name(i), headers.value(i));
    }
    if (request.body() != null && request.body().contentType() != null && request.header("Content-Type") == null) {
      g.header("Content-Type", request.body().contentType().toString());
    }
    CallWatch watch = new CallWatch(chain.call(), cancellation);
    Watchdog.INSTANCE.watch(watch);
    GatewayResponse r;
    try {
      r = gateway.handle(g.build());
    } catch (RequestRejectedException e) {
      Watchdog.INSTANCE.forget(watch);
      return error(request, surface, e.requestId(), e, e.rejected());
    } catch (FailoverExhaustedException e) {
      Watchdog.INSTANCE.forget(watch);
      return error(request, surface, e.requestId(), e, e.rejected());
    } catch (GatewayException e) {
      Watchdog.INSTANCE.forget(watch);
      return error(request, surface, Ids.newRequestId(), e, null);
    } catch (RequestCanceledException e) {
      Watchdog.INSTANCE.forget(watch);
      throw new IOException("Canceled", e); // what OkHttp throws for a cancelled call
    } catch (RuntimeException e) {
      Watchdog.INSTANCE.forget(watch);
      throw e;
    }
    if (!r.isStream()) {
      Watchdog.INSTANCE.forget(watch); // a whole response: nothing left to cancel
    }
    Headers.Builder out = new Headers.Builder();
    for (int i = 0; i < r.headers().size(); i++) {
      out.addUnsafeNonAscii(r.headers().name(i), r.headers().value(i));
    }
    ReportHeaders.write("AIG-", r.requestId(), r.attempts().size(), r.model(), r.provider(), r.rejected(), out::set);
    String type = r.header("Content-Type");
    java.io.InputStream content = r.isStream() ? watch.until(r.body()) : r.body();
    ResponseBody responseBody = ResponseBody.create(Okio.buffer(Okio.source(content)),
        type == null ? null : MediaType.parse(type),
        r.isStream() ? -1 : Objects.requireNonNull(r.bodyBytes(), "bodyBytes of a whole response").length);
    return new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(r.status()).message("")
        .headers(out.build()).body(responseBody).build();
  }

  /**
   * Watches the app's call while the gateway works on it, and for a stream while the app reads it: when
   * the call is cancelled (by the app, or by its call timeout), the gateway's request is cancelled too.
   */
  private static final class CallWatch implements Watchdog.Watched {
    private final okhttp3.Call call;
    private final Cancellation cancellation;

    CallWatch(okhttp3.Call call, Cancellation cancellation) {
      this.call = call;
      this.cancellation = cancellation;
    }

    @Override
    public boolean poll(long nowNanos) {
      if (call.isCanceled()) {
        cancellation.cancel();
        return true;
      }
      return false;
    }

    /** The stream, watched until the app closes it or reads its end. */
    java.io.InputStream until(java.io.InputStream stream) {
      return new java.io.FilterInputStream(stream) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b < 0) {
            Watchdog.INSTANCE.forget(CallWatch.this);
          }
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n < 0) {
            Watchdog.INSTANCE.forget(CallWatch.this);
          }
          return n;
        }

        @Override
        public void close() throws IOException {
          Watchdog.INSTANCE.forget(CallWatch.this);
          super.close();
        }
      };
    }
  }

  /** Whether the request's credential is an access key of this gateway (and not a provider's own key). */
  private boolean carriesAccessKey(Request request) {
    for (String name : new String[] {"Authorization", "x-api-key"}) {
      for (String value : request.headers(name)) {
        String v = value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : value.trim();
        if (gateway.isAccessTokenForm(v)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The body is over the limit; thrown from inside the bounded sink. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("request body over the limit", null);
    }
  }

  static @Nullable Surface surfaceOf(String path) {
    int v1 = path.lastIndexOf("/v1/");
    if (v1 < 0) {
      return null;
    }
    return Surface.fromPath(path.substring(v1));
  }

  private static Response error(Request request, Surface surface, String requestId, GatewayException e,
      @Nullable List<RejectedCandidate> rejected) {
    Headers.Builder out = new Headers.Builder();
    ReportHeaders.writeError("AIG-", requestId, e, rejected, out::set);
    return new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(e.status()).message("")
        .headers(out.build()).body(ResponseBody.create(ErrorBodies.json(surface.format(), requestId, e), JSON))
        .build();
  }
}
