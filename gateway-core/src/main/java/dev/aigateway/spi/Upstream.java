package dev.aigateway.spi;

/**
 * The transport that carries one attempt to a provider. The gateway's attempt loop (failover, cooldowns,
 * deadlines) lives in core and calls this interface once per attempt; {@code gateway-okhttp} implements
 * it on OkHttp, and {@code dev.aigateway.testing.FakeUpstream} scripts it in tests.
 *
 * <p>Contract: an implementation must not retry, must not follow redirects (a redirect is returned as
 * the response it is), must honour {@link UpstreamRequest#timeout()} until the response headers arrive
 * and, for a non-streaming request, until the body has been read, and must make
 * {@link UpstreamCall#cancel()} interrupt a call in flight.
 *
 * <p>Thread-safety: {@link #newCall} is called concurrently from request threads.
 */
@FunctionalInterface
public interface Upstream {
  /** Prepares a call; nothing is sent until {@link UpstreamCall#execute()}. */
  UpstreamCall newCall(UpstreamRequest request);
}
