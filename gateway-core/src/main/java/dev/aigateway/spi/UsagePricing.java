package dev.aigateway.spi;

/**
 * The cost in cents of one served request, charged to its access key's {@code budget}. The default,
 * {@link #unpriced()}, prices nothing: budgets then count only traffic a host prices itself, until the
 * catalog carries model prices.
 *
 * <p>Thread-safety: called concurrently from request threads; implementations must be thread-safe and fast
 * (no I/O).
 */
@FunctionalInterface
public interface UsagePricing {

  /**
   * The cost of {@code inputTokens} and {@code outputTokens} of {@code model} at {@code provider}, in cents
   * (rounded up by the implementation as it sees fit); 0 when the model has no known price.
   */
  long cents(String provider, String model, long inputTokens, long outputTokens);

  /** Prices nothing: every request costs 0 cents. */
  static UsagePricing unpriced() {
    return (provider, model, inputTokens, outputTokens) -> 0;
  }
}
