package dev.aigateway.spi;

import dev.aigateway.routing.KeySource;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One upstream attempt as a usage event: the reference's fields, one event per attempt. Holds ids and
 * numbers, never a secret.
 *
 * @param timestamp when the request arrived (every attempt of a request carries its request's time, so the
 *     attempts of one request stay together in time order)
 * @param requestId the request ({@code rq_...})
 * @param accessKeyId the access key that made it
 * @param attemptNumber 1-based
 * @param isFinalAttempt whether this was the request's last attempt (the one whose outcome the client saw)
 * @param statusCode the upstream status, or 0 when no response arrived
 * @param timedOut whether the attempt's timeout passed
 * @param isStreaming whether the response was a stream
 * @param stopReason the provider's stop reason when known, else null
 * @param inputTokens prompt tokens the provider reported, or 0
 * @param outputTokens completion tokens the provider reported, or 0
 * @param cacheReadTokens cached prompt tokens the provider reported, or 0
 * @param reasoningTokens reasoning tokens the provider reported, or 0
 * @param costMicroCents what the attempt cost, in micro-cents (millionths of a US cent): the processing fee
 *     plus, when a managed credential served it, the model's catalog price, as credits price it
 * @param keySource whose credential was used
 * @param providerKeyId the provider key, or null for the managed credential
 * @param provider the provider id
 * @param model the model id sent upstream
 */
public record UsageEvent(Instant timestamp, String requestId, String accessKeyId, int attemptNumber,
    boolean isFinalAttempt, int statusCode, boolean timedOut, boolean isStreaming, @Nullable String stopReason,
    long inputTokens, long outputTokens, long cacheReadTokens, long reasoningTokens, long costMicroCents,
    KeySource keySource, @Nullable String providerKeyId, String provider, String model) {
  /** Micro-cents in one US dollar. */
  public static final long MICRO_CENTS_PER_DOLLAR = 100_000_000L;

  public UsageEvent {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(keySource, "keySource");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    if (attemptNumber < 1) {
      throw new IllegalArgumentException("attemptNumber must be >= 1 but was " + attemptNumber);
    }
    if (inputTokens < 0 || outputTokens < 0 || cacheReadTokens < 0 || reasoningTokens < 0 || costMicroCents < 0) {
      throw new IllegalArgumentException("a usage event's tokens and cost must be >= 0");
    }
  }

  /** Timed out, no response, or HTTP 4xx/5xx (the reference's definition). */
  public boolean isError() {
    return timedOut || statusCode == 0 || statusCode >= 400;
  }

  /** The cost in US dollars with 5 decimal places, rounded half up, as the reference writes {@code totalCost}. */
  public String totalCost() {
    return dollars(costMicroCents);
  }

  /** {@code microCents} as US dollars with 5 decimal places, rounded half up ({@code "0.00012"}). */
  public static String dollars(long microCents) {
    return BigDecimal.valueOf(microCents).movePointLeft(8).setScale(5, RoundingMode.HALF_UP).toPlainString();
  }
}
