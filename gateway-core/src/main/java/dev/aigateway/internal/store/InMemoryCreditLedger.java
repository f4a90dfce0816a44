package dev.aigateway.internal.store;

import dev.aigateway.admin.Page;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The credit ledger in memory: starts at zero, lost with the process. Thread-safe. */
public final class InMemoryCreditLedger implements CreditLedger {
  private final CreditBook book = new CreditBook();
  private final Clock clock;

  public InMemoryCreditLedger(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public long balanceMicroCents() {
    return book.balanceMicroCents();
  }

  @Override
  public void charge(Charge charge) {
    book.charge(Objects.requireNonNull(charge, "charge"), clock.now());
  }

  @Override
  public CreditTransaction grant(long amountCents, @Nullable String description) {
    CreditLedger.checkGrant(amountCents, description);
    CreditTransaction t = CreditTransaction.grant(Ids.newId(Ids.CREDIT_TRANSACTION), clock.now(),
        Math.multiplyExact(amountCents, MICRO_CENTS_PER_CENT), description);
    book.grant(t);
    return t;
  }

  @Override
  public Page<CreditTransaction> transactions(@Nullable String beforeId, int limit) {
    return book.page(beforeId, limit);
  }

  @Override
  public String toString() {
    return "InMemoryCreditLedger[balanceCents=" + balanceCents() + "]";
  }
}
