package dev.aigateway.internal.limit;

import dev.aigateway.spi.UsagePricing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a served request's cost, charged to its access key's budget, is computed: the
 * gateway's {@link UsagePricing}, in micro-cents. A pricing that throws or answers a negative number costs 0.
 */
public final class BudgetCost {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetCost.class);

  private final UsagePricing pricing;

  public BudgetCost(UsagePricing pricing) {
    this.pricing = pricing;
  }

  /** Micro-cents for this usage of {@code model} at {@code provider}; 0 when unpriced. */
  public long microCents(String provider, String model, long inputTokens, long outputTokens) {
    if (inputTokens <= 0 && outputTokens <= 0) {
      return 0;
    }
    try {
      return Math.max(0, pricing.microCents(provider, model, inputTokens, outputTokens));
    } catch (RuntimeException e) {
      LOG.warn("UsagePricing threw for {}/{}; the request costs 0", provider, model, e);
      return 0;
    }
  }
}
