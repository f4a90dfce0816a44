package dev.aigateway.spi;

import dev.aigateway.internal.store.InMemoryCreditLedger;

/**
 * Credits: asked before each request whether the caller may proceed, told each attempt's usage after.
 *
 * <p>Thread-safety: called concurrently from request threads; implementations must be thread-safe.
 */
public interface CreditLedger {

  /**
   * The balance available to this access key, in the ledger's own unit; a request is refused with
   * {@code insufficient_credits} when it is zero or less.
   */
  long balance(String accessKeyId);

  /** Told after each upstream attempt that reported usage. */
  void record(Usage usage);

  /** No limit: every balance is {@link Long#MAX_VALUE}; usage is ignored. */
  static CreditLedger unlimited() {
    return Unlimited.INSTANCE;
  }

  /**
   * One shared balance in credits, debited {@code creditsPerMillionTokens} per million tokens
   * (input plus output) of each recorded attempt. It may go negative after a large response; the next
   * request is then refused.
   */
  static CreditLedger inMemory(long balance, long creditsPerMillionTokens) {
    return new InMemoryCreditLedger(balance, creditsPerMillionTokens);
  }

  /** Usage of one upstream attempt. */
  record Usage(String accessKeyId, String provider, String model, long inputTokens, long outputTokens) {}
}

enum Unlimited implements CreditLedger {
  INSTANCE;

  @Override
  public long balance(String accessKeyId) {
    return Long.MAX_VALUE;
  }

  @Override
  public void record(Usage usage) {}
}
