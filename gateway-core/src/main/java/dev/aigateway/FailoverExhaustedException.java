package dev.aigateway;

import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.routing.RejectedCandidate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every attempt failed: {@code rate_limited} (429) when each was rate limited, {@code gateway_timeout}
 * (504) when the total deadline passed, else {@code all_providers_failed} (503). Carries every attempt;
 * transport failures of earlier attempts are attached as suppressed exceptions.
 */
public final class FailoverExhaustedException extends GatewayException {
  private static final long serialVersionUID = 1L;

  private final String requestId;
  private final transient List<AttemptRecord> attempts;
  private final transient List<RejectedCandidate> rejected;
  private final transient @Nullable Duration retryAfter;

  public FailoverExhaustedException(ErrorCode code, String message, String requestId, List<AttemptRecord> attempts,
      List<RejectedCandidate> rejected, @Nullable Duration retryAfter) {
    super(code, message, Map.of("requestId", requestId), null);
    this.requestId = requestId;
    this.attempts = List.copyOf(attempts);
    this.rejected = List.copyOf(rejected);
    this.retryAfter = retryAfter;
  }

  public String requestId() {
    return requestId;
  }

  /** Every attempt, in order. */
  public List<AttemptRecord> attempts() {
    return attempts;
  }

  /** Candidates refused before any attempt. */
  public List<RejectedCandidate> rejected() {
    return rejected;
  }

  /** For {@code rate_limited}: the shortest cooldown, the client's {@code Retry-After}. */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }
}
