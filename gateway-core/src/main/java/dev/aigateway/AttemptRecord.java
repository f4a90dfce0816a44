package dev.aigateway;

import org.jspecify.annotations.Nullable;

/**
 * One upstream attempt as it happened. Holds ids and numbers, never a secret.
 *
 * @param attemptNumber 1-based
 * @param provider provider id
 * @param model the model id sent upstream
 * @param providerKeyId the key used, or null for the managed credential
 * @param keySource {@code user} or {@code managed}
 * @param statusCode the upstream status, or 0 when no response arrived
 * @param retryAction what the gateway did next
 * @param completion {@code succeeded}, {@code failed}, {@code timed_out} or {@code stream_failed}
 * @param durationMillis from sending to the verdict (for a served stream: to the first byte)
 * @param timedOut whether the attempt's timeout passed
 * @param streaming whether the response was a stream
 * @param inputTokens prompt tokens reported by the provider, or 0
 * @param outputTokens completion tokens reported by the provider, or 0
 * @param error a short description of a transport failure (no secret), or null
 */
public record AttemptRecord(int attemptNumber, String provider, String model, @Nullable String providerKeyId,
    String keySource, int statusCode, RetryAction retryAction, String completion, long durationMillis,
    boolean timedOut, boolean streaming, long inputTokens, long outputTokens, @Nullable String error) {

  /** Whether this attempt served the response. */
  public boolean served() {
    return retryAction == RetryAction.SUCCEEDED || retryAction == RetryAction.FAIL_FAST;
  }

  /** The same attempt with usage filled in (for streams, known only at their end). */
  public AttemptRecord withUsage(long input, long output) {
    return new AttemptRecord(attemptNumber, provider, model, providerKeyId, keySource, statusCode, retryAction,
        completion, durationMillis, timedOut, streaming, input, output, error);
  }

  /** The same attempt marked as a stream that broke after the first byte. */
  public AttemptRecord streamFailed() {
    return new AttemptRecord(attemptNumber, provider, model, providerKeyId, keySource, statusCode, retryAction,
        "stream_failed", durationMillis, timedOut, streaming, inputTokens, outputTokens, error);
  }
}
