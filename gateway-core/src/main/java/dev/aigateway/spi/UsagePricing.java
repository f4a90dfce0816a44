package dev.aigateway.spi;

/**
 * The cost of one served request in micro-cents (millionths of a cent, so small requests are not rounded
 * away), charged to its access key's {@code budget}. The gateway's default prices as credits do: the
 * processing fee plus the catalog's price of the model, for user-key and managed traffic alike.
 * {@link #unpriced()} prices nothing.
 *
 * <p>Thread-safety: called concurrently from request threads; implementations must be thread-safe and fast
 * (no I/O).
 */
@FunctionalInterface
public interface UsagePricing {

  /**
   * The cost of {@code inputTokens} and {@code outputTokens} of {@code model} at {@code provider}, in
   * micro-cents; 0 when nothing is known to cost.
   */
  long microCents(String provider, String model, long inputTokens, long outputTokens);

  /** Prices nothing: every request costs 0. */
  static UsagePricing unpriced() {
    return (provider, model, inputTokens, outputTokens) -> 0;
  }
}
