package dev.aigateway;

import dev.aigateway.routing.RejectedCandidate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request refused before any upstream call: a bad access key, a bad body, no credits, or no candidate
 * that can be tried (every one out of scope, unknown, on the wrong surface or without credentials). In
 * the last case the code is that of the first rejected candidate, or {@code no_credentials} when a
 * candidate was allowed but nothing could serve it, and {@link #rejected()} lists them all. Also the
 * refusals of the access key's own limits ({@code access_key_rate_limited} with {@link #retryAfter()},
 * {@code access_key_budget_exceeded}), made before the first upstream attempt.
 */
public final class RequestRejectedException extends GatewayException {
  private static final long serialVersionUID = 1L;

  private final String requestId;
  private final transient List<RejectedCandidate> rejected;
  private final transient @Nullable Duration retryAfter;

  public RequestRejectedException(ErrorCode code, String message, String requestId, List<RejectedCandidate> rejected) {
    this(code, message, requestId, rejected, null);
  }

  /** With {@code retryAfter}, the client's {@code Retry-After} (as for {@code access_key_rate_limited}). */
  public RequestRejectedException(ErrorCode code, String message, String requestId, List<RejectedCandidate> rejected,
      @Nullable Duration retryAfter) {
    super(code, message, Map.of("requestId", requestId), null);
    this.requestId = requestId;
    this.rejected = List.copyOf(rejected);
    this.retryAfter = retryAfter;
  }

  /** When a retry may pass ({@code access_key_rate_limited}, {@code limits_unavailable}), else null. */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  public String requestId() {
    return requestId;
  }

  public List<RejectedCandidate> rejected() {
    return rejected;
  }
}
