package dev.aigateway.spi;

/**
 * What an admitted request holds: its concurrency slot and its token reservation. The gateway calls
 * {@link #finish} exactly once, from whichever thread ends the request.
 *
 * <p>Thread-safety: {@link #finish} may run on another thread than {@link LimitCounters#admit}.
 */
public interface LimitPermit {

  /**
   * The request is over: frees the concurrency slot, settles the token reservation and charges the budget.
   *
   * @param usedTokens the request plus response tokens the provider reported, or {@code -1} when unknown
   *     (the reservation then stands as the count)
   * @param costMicroCents the priced cost of the request in micro-cents (0 when unpriced), added to the budget
   */
  void finish(long usedTokens, long costMicroCents);

  /** A permit with nothing to give back. */
  LimitPermit NONE = (usedTokens, costMicroCents) -> {};
}
