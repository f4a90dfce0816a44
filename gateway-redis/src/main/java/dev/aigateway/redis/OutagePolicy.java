package dev.aigateway.redis;

/** What the limits do while Redis cannot be reached (each Redis call is bounded by a short timeout). */
public enum OutagePolicy {
  /**
   * Admit the request without counting it, log a warning and tell the {@link RedisListener}: traffic goes
   * on, unlimited, until Redis is back.
   */
  FAIL_OPEN,
  /** Refuse the request with {@code limits_unavailable} (503, {@code Retry-After: 1}); no upstream call. */
  FAIL_CLOSED
}
