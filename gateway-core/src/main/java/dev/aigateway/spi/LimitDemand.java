package dev.aigateway.spi;

import dev.aigateway.config.AccessKeyLimits;
import java.time.Instant;
import java.util.Objects;

/**
 * What one request asks of its access key's limits.
 *
 * @param accessKeyId the access key the counters belong to
 * @param limits the limits of its configuration (never empty)
 * @param estimatedTokens the request's estimated request plus response tokens, reserved against
 *     {@code tokensPerMinute} until the real usage is known
 * @param now the gateway clock's time: which minute and which budget period the request falls in
 */
public record LimitDemand(String accessKeyId, AccessKeyLimits limits, long estimatedTokens, Instant now) {
  public LimitDemand {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(now, "now");
    if (estimatedTokens < 0) {
      throw new IllegalArgumentException("estimatedTokens must be >= 0 but was " + estimatedTokens);
    }
  }
}
