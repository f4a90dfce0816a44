package dev.aigateway.spi;

import dev.aigateway.internal.limit.InProcessLimitCounters;

/**
 * The counters behind per-access-key limits ({@code requestsPerMinute}, {@code tokensPerMinute},
 * {@code concurrentRequests}, {@code budget}). The gateway asks {@link #admit} once per executed request,
 * before its first upstream attempt, and finishes the returned {@link LimitPermit} exactly once when the
 * request is over (its response delivered, or its stream ended, broken or closed).
 *
 * <p>{@link #inProcess()} (the default) counts in this process; {@code gateway-redis} counts in one Redis
 * shared by every instance.
 *
 * <p>Thread-safety: called concurrently from request threads; implementations must be thread-safe, and
 * {@link #admit} must be atomic: every limit of the demand passes and is taken, or none is taken.
 */
public interface LimitCounters {

  /**
   * Checks every limit of {@code demand} and, when all pass, takes what the request needs: one request in
   * the current minute, its estimated tokens, a concurrency slot. Never throws for a refusal: answers
   * {@link LimitAdmission#refused}. An implementation that cannot reach its counters answers by its own
   * policy: admitted (fail open) or {@link LimitAdmission.Refusal#UNAVAILABLE} (fail closed); it must
   * not block longer than a short timeout.
   */
  LimitAdmission admit(LimitDemand demand);

  /** Counts in this process only: exact for one gateway; each instance counts on its own. */
  static LimitCounters inProcess() {
    return new InProcessLimitCounters();
  }
}
