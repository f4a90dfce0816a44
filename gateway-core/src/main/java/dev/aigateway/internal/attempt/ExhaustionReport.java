package dev.aigateway.internal.attempt;

import dev.aigateway.ErrorCode;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.GatewayException;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.KeyCooldowns;
import java.time.Duration;

/**
 * The error that ends a request whose attempts all failed: {@code gateway_timeout}, {@code rate_limited}
 * (every attempt rate limited or held back by a provider-requested wait; the shortest wait as
 * Retry-After), {@code all_providers_failed} listing each attempt, earlier failures attached as
 * suppressed; or {@code no_credentials} when no attempt could be made at all.
 */
final class ExhaustionReport {
  private ExhaustionReport() {}

  static GatewayException of(RequestRun run, KeyCooldowns cooldowns) {
    ErrorCode code;
    String message;
    Duration retryAfter = null;
    int maxAttempts = run.limits.maxAttempts();
    if (run.timedOut) {
      code = ErrorCode.GATEWAY_TIMEOUT;
      message = "Request timed out after " + run.totalTimeout.toMillis() + " ms.";
    } else if (run.records.isEmpty() && run.held.isEmpty()) {
      // the same error, and the same kind of exception, as when planning finds no credential
      return new RequestRejectedException(ErrorCode.NO_CREDENTIALS,
          "No credential could be resolved for any candidate.", run.plan.requestId(), run.plan.rejected());
    } else if (run.allRateLimited) {
      code = ErrorCode.RATE_LIMITED;
      long shortest = Long.MAX_VALUE;
      for (AttemptRecord r : run.records) {
        shortest = Math.min(shortest, cooldowns.remaining(r.credentialKey()).toNanos());
      }
      for (RequestRun.Held h : run.held) {
        shortest = Math.min(shortest, cooldowns.remaining(h.attempt.credentialKey()).toNanos());
      }
      retryAfter = Duration.ofNanos(shortest == Long.MAX_VALUE ? 0 : shortest);
      message = "Every attempt was rate limited; retry after " + Math.max(1, (retryAfter.toMillis() + 999) / 1000)
          + " s.";
    } else {
      code = ErrorCode.ALL_PROVIDERS_FAILED;
      StringBuilder sb = new StringBuilder("All providers failed:");
      for (AttemptRecord r : run.records) {
        sb.append(' ').append(r.provider()).append('/').append(r.model()).append(" (")
            .append(r.providerKeyId() == null ? "managed" : r.providerKeyId()).append("): ")
            .append(r.statusCode() == 0 ? r.error() : String.valueOf(r.statusCode())).append(';');
      }
      message = sb.substring(0, sb.length() - 1) + ".";
    }
    if (run.attempts >= maxAttempts && !run.timedOut && code != ErrorCode.RATE_LIMITED) {
      message += " (attempt budget of " + maxAttempts + " reached)";
    }
    FailoverExhaustedException e = new FailoverExhaustedException(code, message, run.plan.requestId(), run.records,
        run.plan.rejected(), retryAfter);
    for (Throwable t : run.failures) {
      e.addSuppressed(t);
    }
    return e;
  }
}
