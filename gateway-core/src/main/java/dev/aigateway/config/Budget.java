package dev.aigateway.config;

import java.util.Objects;

/**
 * {@code limits.budget}: at most {@code amountCents} of priced usage per {@link BudgetPeriod}, counted per
 * access key.
 *
 * @param amountCents the allowance, in US cents, greater than zero
 * @param period the period it renews in
 */
public record Budget(long amountCents, BudgetPeriod period) {
  public Budget {
    Objects.requireNonNull(period, "period");
    if (amountCents <= 0) {
      throw new IllegalArgumentException("amountCents must be > 0 but was " + amountCents);
    }
  }
}
