package dev.aigateway.internal.store;

import dev.aigateway.internal.json.Usage;

import dev.aigateway.spi.CreditLedger;
import java.util.concurrent.atomic.AtomicLong;

/** One shared balance, debited per million tokens. Thread-safe. */
public final class InMemoryCreditLedger implements CreditLedger {
  private final AtomicLong microBalance;
  private final long creditsPerMillionTokens;

  public InMemoryCreditLedger(long balance, long creditsPerMillionTokens) {
    if (creditsPerMillionTokens < 0) {
      throw new IllegalArgumentException("creditsPerMillionTokens must be >= 0 but was " + creditsPerMillionTokens);
    }
    this.microBalance = new AtomicLong(Math.multiplyExact(balance, 1_000_000L));
    this.creditsPerMillionTokens = creditsPerMillionTokens;
  }

  @Override
  public long balance(String accessKeyId) {
    return Math.floorDiv(microBalance.get(), 1_000_000L);
  }

  /** The balance, in millionths of a credit. */
  public long microBalance() {
    return microBalance.get();
  }

  @Override
  public void record(Usage usage) {
    long tokens = Math.max(0, usage.inputTokens()) + Math.max(0, usage.outputTokens());
    microBalance.addAndGet(-Math.multiplyExact(tokens, creditsPerMillionTokens));
  }

  /** Adds credits (a purchase). */
  public void credit(long credits) {
    microBalance.addAndGet(Math.multiplyExact(credits, 1_000_000L));
  }

  @Override
  public String toString() {
    return "InMemoryCreditLedger[balance=" + balance("") + "]";
  }
}
