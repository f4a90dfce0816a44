package dev.aigateway.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What a model costs through the provider's own price list: US cents per million input and per million
 * output tokens, as of a date. Immutable.
 *
 * @param inputCentsPerMillionTokens cents per million request (prompt) tokens; fractions allowed, never negative
 * @param outputCentsPerMillionTokens cents per million response (completion) tokens; fractions allowed, never negative
 * @param asOf the day the price was read from the provider's price list
 */
public record ModelPrice(BigDecimal inputCentsPerMillionTokens, BigDecimal outputCentsPerMillionTokens,
    LocalDate asOf) {
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  public ModelPrice {
    Objects.requireNonNull(inputCentsPerMillionTokens, "inputCentsPerMillionTokens");
    Objects.requireNonNull(outputCentsPerMillionTokens, "outputCentsPerMillionTokens");
    Objects.requireNonNull(asOf, "asOf");
    if (inputCentsPerMillionTokens.signum() < 0 || outputCentsPerMillionTokens.signum() < 0) {
      throw new IllegalArgumentException("a price must be >= 0 but was " + inputCentsPerMillionTokens + "/"
          + outputCentsPerMillionTokens);
    }
  }

  /** A price in whole cents per million tokens. */
  public static ModelPrice of(long inputCentsPerMillionTokens, long outputCentsPerMillionTokens, LocalDate asOf) {
    return new ModelPrice(BigDecimal.valueOf(inputCentsPerMillionTokens), BigDecimal.valueOf(outputCentsPerMillionTokens),
        asOf);
  }

  /**
   * The cost of {@code inputTokens} and {@code outputTokens} in micro-cents (millionths of a cent): a price
   * of P cents per million tokens is exactly P micro-cents per token. A fraction of a micro-cent (only
   * possible with a fractional price) is rounded up.
   */
  public long costMicroCents(long inputTokens, long outputTokens) {
    BigDecimal cost = inputCentsPerMillionTokens.multiply(BigDecimal.valueOf(Math.max(0, inputTokens)))
        .add(outputCentsPerMillionTokens.multiply(BigDecimal.valueOf(Math.max(0, outputTokens))));
    return cost.setScale(0, RoundingMode.CEILING).longValueExact();
  }

  /** The same cost in cents, for display; exact as a decimal. */
  public BigDecimal costCents(long inputTokens, long outputTokens) {
    return BigDecimal.valueOf(costMicroCents(inputTokens, outputTokens)).divide(MILLION);
  }
}
