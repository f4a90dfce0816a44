package dev.aigateway.spring;

import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamRequest;
import okhttp3.OkHttpClient;

/**
 * The default {@link Upstream}: an {@link OkHttpUpstream} on a client the starter built, which
 * {@link #close()} releases (its dispatcher threads and pooled connections), so that an application that
 * stops leaves no OkHttp thread behind. The gateway closes it when it is closed.
 */
final class OwnedUpstream implements Upstream, AutoCloseable {
  private final OkHttpUpstream upstream;
  private final OkHttpClient client;

  private OwnedUpstream(OkHttpUpstream upstream, OkHttpClient client) {
    this.upstream = upstream;
    this.client = client;
  }

  /** Public addresses only ({@link OkHttpUpstream#publicAddressesOnly}) unless {@code allowPrivate}. */
  static OwnedUpstream create(boolean allowPrivate) {
    OkHttpClient client = OkHttpUpstream.defaultClient();
    return new OwnedUpstream(allowPrivate ? OkHttpUpstream.create(client) : OkHttpUpstream.publicAddressesOnly(client),
        client);
  }

  @Override
  public UpstreamCall newCall(UpstreamRequest request) {
    return upstream.newCall(request);
  }

  @Override
  public void close() {
    upstream.close();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "OwnedUpstream[" + upstream + "]";
  }
}
