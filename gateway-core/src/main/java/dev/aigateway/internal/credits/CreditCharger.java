package dev.aigateway.internal.credits;

import dev.aigateway.Gateway;
import dev.aigateway.catalog.ModelPrice;
import dev.aigateway.catalog.Provider;
import dev.aigateway.internal.json.Usage;
import dev.aigateway.internal.tokens.TokenEstimator;
import dev.aigateway.routing.PlannedAttempt;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.CreditLedger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges a served request to the credit ledger while credits are enforced: the processing fee on its
 * request plus response tokens, plus the model's catalog price when a managed credential served it. Token
 * counts come from the provider's {@code usage}; when it reported none, both are estimated
 * ({@link TokenEstimator}). A ledger that throws is logged and ignored: the response has been served.
 */
public final class CreditCharger {
  private static final Logger LOG = LoggerFactory.getLogger(CreditCharger.class);

  private final CreditLedger ledger;
  private final Supplier<Gateway.AccountSettings> settings;
  private final TokenEstimator tokens;

  public CreditCharger(CreditLedger ledger, Supplier<Gateway.AccountSettings> settings, TokenEstimator tokens) {
    this.ledger = ledger;
    this.settings = settings;
    this.tokens = tokens;
  }

  /**
   * Charges one served attempt, if credits are enforced.
   *
   * @param requestBody the request as sent (for an estimate of its tokens)
   * @param response the whole response when it was kept, else null
   * @param responseBytes how many response bytes went to the client
   */
  public void charge(RoutePlan plan, byte[] requestBody, PlannedAttempt a, @Nullable Provider provider, Usage usage,
      byte @Nullable [] response, long responseBytes) {
    Gateway.AccountSettings s = settings.get();
    if (!s.creditsEnforced()) {
      return;
    }
    long in;
    long out;
    if (usage == Usage.NONE) {
      in = tokens.jsonTextBounded(requestBody, 0, requestBody.length);
      out = response != null ? tokens.jsonTextBounded(response, 0, response.length)
          : TokenEstimator.bytes(responseBytes);
    } else {
      in = usage.input;
      out = usage.output;
    }
    charge(s, plan, a, provider, in, out);
  }

  /**
   * Charges an attempt whose stream was cut short (the client closed it, or it broke): the usage it named
   * so far is a lower bound (Anthropic names the input tokens at the start, the output only at the end), so
   * what it did not name is estimated from the request and from the bytes that were served.
   */
  public void chargeCut(RoutePlan plan, byte[] requestBody, PlannedAttempt a, @Nullable Provider provider,
      Usage seen, long responseBytes) {
    Gateway.AccountSettings s = settings.get();
    if (!s.creditsEnforced()) {
      return;
    }
    long in = seen.input > 0 ? seen.input : tokens.jsonTextBounded(requestBody, 0, requestBody.length);
    long out = Math.max(seen.output, TokenEstimator.bytes(responseBytes));
    charge(s, plan, a, provider, in, out);
  }

  private void charge(Gateway.AccountSettings s, RoutePlan plan, PlannedAttempt a, @Nullable Provider provider,
      long in, long out) {
    try {
      ModelPrice price = a.managed() && provider != null ? provider.price(a.model()) : null;
      ledger.charge(new CreditLedger.Charge(plan.requestId(), plan.accessKeyId(), a.provider(), a.model(),
          a.managed(), in, out, fee(s.processingFeeCentsPerMillionTokens(), in, out),
          price == null ? 0 : price.costMicroCents(in, out)));
    } catch (RuntimeException e) {
      LOG.warn("charging request {} to the credit ledger failed; ignored", plan.requestId(), e);
    }
  }

  /**
   * The processing fee in micro-cents: {@code feeCentsPerMillionTokens} cents per million tokens is exactly
   * that many micro-cents per token, so the fee of any request is exact (no rounding).
   */
  public static long fee(long feeCentsPerMillionTokens, long inputTokens, long outputTokens) {
    return Math.multiplyExact(feeCentsPerMillionTokens, Math.addExact(inputTokens, outputTokens));
  }
}
