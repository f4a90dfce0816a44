package dev.aigateway.okhttp;

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
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * An application interceptor for apps that already call providers through OkHttp: a request whose path
 * ends in a gateway surface ({@code /v1/chat/completions}, {@code /v1/messages}, ...) and whose
 * {@code Authorization}/{@code x-api-key} carries an <em>access key</em> is authenticated, access-checked,
 * routed and failed over by the gateway in-process; the call never goes where its URL points. Other
 * requests proceed untouched.
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
    Request request = chain.request();
    Surface surface = surfaceOf(request.url().encodedPath());
    if (surface == null || !request.method().equals("POST")) {
      return chain.proceed(request);
    }
    byte[] body = new byte[0];
    if (request.body() != null) {
      Buffer buffer = new Buffer();
      request.body().writeTo(buffer);
      if (buffer.size() > gateway.limits().maxRequestBytes()) {
        return error(request, surface, Ids.newRequestId(), new GatewayException(
            dev.aigateway.ErrorCode.REQUEST_TOO_LARGE, "Request body is larger than "
            + gateway.limits().maxRequestBytes() + " bytes."), null);
      }
      body = buffer.readByteArray();
    }
    GatewayRequest.Builder g = GatewayRequest.builder().surface(surface).body(body)
        .query(request.url().encodedQuery());
    Headers headers = request.headers();
    for (int i = 0; i < headers.size(); i++) {
      g.header(headers.name(i), headers.value(i));
    }
    if (request.body() != null && request.body().contentType() != null && request.header("Content-Type") == null) {
      g.header("Content-Type", request.body().contentType().toString());
    }
    GatewayResponse r;
    try {
      r = gateway.handle(g.build());
    } catch (RequestRejectedException e) {
      return error(request, surface, e.requestId(), e, e.rejected());
    } catch (FailoverExhaustedException e) {
      return error(request, surface, e.requestId(), e, e.rejected());
    } catch (GatewayException e) {
      return error(request, surface, Ids.newRequestId(), e, null);
    }
    Headers.Builder out = new Headers.Builder();
    for (int i = 0; i < r.headers().size(); i++) {
      out.addUnsafeNonAscii(r.headers().name(i), r.headers().value(i));
    }
    ReportHeaders.write("AIG-", r.requestId(), r.attempts().size(), r.model(), r.provider(), r.rejected(), out::set);
    String type = r.header("Content-Type");
    ResponseBody responseBody = ResponseBody.create(Okio.buffer(Okio.source(r.body())),
        type == null ? null : MediaType.parse(type),
        r.isStream() ? -1 : Objects.requireNonNull(r.bodyBytes(), "bodyBytes of a whole response").length);
    return new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(r.status()).message("")
        .headers(out.build()).body(responseBody).build();
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
